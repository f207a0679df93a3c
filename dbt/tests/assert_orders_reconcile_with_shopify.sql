{{ config(severity='warn') }}
-- Every figure agrees with what Shopify itself says (its sales ledger per day, the order's
-- current totals): one row per metric that differs (marts.rpt_order_reconciliation).
-- A warning, not an error: the difference is reported (spoon run prints how many orders
-- differ, the dashboard shows them), the marts still build.
select
    shop,
    compared_with,
    order_id,
    order_name,
    date_day,
    metric,
    our_amount,
    shopify_amount,
    difference
from {{ ref('rpt_order_reconciliation') }}
where status = 'differs'

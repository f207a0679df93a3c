-- Joins never multiply rows: fct_sales has exactly one sale (or tip) row per counted
-- non-gift-card order line, one return (or tip refund) row per such refund line, and
-- fct_orders one row per counted order. Returns the counts that disagree.
with orders as (
    select order_id from {{ ref('int_orders') }} where not is_excluded
),

expected as (
    select 'sale' as what, count(*) as expected_rows
    from {{ ref('int_order_lines') }} as lines
    inner join orders on lines.order_id = orders.order_id
    where not lines.is_gift_card
    union all
    select 'return', count(*)
    from {{ ref('int_refund_lines') }} as refund_lines
    inner join orders on refund_lines.order_id = orders.order_id
    left join {{ ref('int_order_lines') }} as lines
        on refund_lines.order_line_id = lines.order_line_id
    where not coalesce(lines.is_gift_card, refund_lines.is_gift_card)
    union all
    select 'order', count(*) from orders
),

actual as (
    select
        case
            when event_type in ('sale', 'tip') then 'sale'
            else 'return'
        end as what,
        count(*) as actual_rows
    from {{ ref('fct_sales') }}
    where event_type in ('sale', 'tip', 'return', 'tip_refund')
    group by 1
    union all
    select 'order', count(*) from {{ ref('fct_orders') }}
)

select expected.what, expected.expected_rows, coalesce(actual.actual_rows, 0) as actual_rows
from expected
left join actual on expected.what = actual.what
where expected.expected_rows <> coalesce(actual.actual_rows, 0)

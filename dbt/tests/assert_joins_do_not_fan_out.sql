-- Joins never multiply rows, in any shop: fct_sales has exactly one sale (or tip) row per
-- counted non-gift-card order line, one return (or tip refund) row per such refund line,
-- and fct_orders one row per counted order. Returns the counts that disagree.
with orders as (
    select shop, order_id from {{ ref('int_orders') }} where not is_excluded
),

expected as (
    select lines.shop, 'sale' as what, count(*) as expected_rows
    from {{ ref('int_order_lines') }} as lines
    inner join orders on lines.shop = orders.shop and lines.order_id = orders.order_id
    where not lines.is_gift_card
    group by lines.shop
    union all
    select refund_lines.shop, 'return', count(*)
    from {{ ref('int_refund_lines') }} as refund_lines
    inner join orders
        on refund_lines.shop = orders.shop and refund_lines.order_id = orders.order_id
    left join {{ ref('int_order_lines') }} as lines
        on refund_lines.shop = lines.shop and refund_lines.order_line_id = lines.order_line_id
    where not coalesce(lines.is_gift_card, refund_lines.is_gift_card)
    group by refund_lines.shop
    union all
    select shop, 'order', count(*) from orders group by shop
),

actual as (
    select shop, what, count(*) as actual_rows
    from (
        select
            shop,
            case
                when event_type in ('sale', 'tip') then 'sale'
                else 'return'
            end as what
        from {{ ref('fct_sales') }}
        where event_type in ('sale', 'tip', 'return', 'tip_refund')
    ) as events
    group by shop, what
    union all
    select shop, 'order', count(*) from {{ ref('fct_orders') }} group by shop
)

select
    coalesce(expected.shop, actual.shop) as shop,
    coalesce(expected.what, actual.what) as what,
    coalesce(expected.expected_rows, 0) as expected_rows,
    coalesce(actual.actual_rows, 0) as actual_rows
from expected
full outer join actual on expected.shop = actual.shop and expected.what = actual.what
where coalesce(expected.expected_rows, 0) <> coalesce(actual.actual_rows, 0)

-- Every sales event of every counted order, one row per event per order line, signed so
-- that any sum is right (docs/metrics.md, "Sales events"). Gift-card lines are not sales.
-- A line an order edit added is sold on the edit's date (int_order_line_additions).
with shop as (
    select iana_timezone from {{ ref('int_shop') }}
),

orders as (
    select order_id, processed_at, cancelled_at
    from {{ ref('int_orders') }}
    where not is_excluded
),

-- a line an order edit added is sold when the edit was made, not on the order's date
lines as (
    select
        lines.*,
        case
            when additions.added_at > orders.processed_at then additions.added_at
            else orders.processed_at
        end as sold_at
    from {{ ref('int_order_lines') }} as lines
    inner join orders on lines.order_id = orders.order_id
    left join {{ ref('int_order_line_additions') }} as additions
        on lines.order_id = additions.order_id
        and lines.order_line_id = additions.order_line_id
    where not lines.is_gift_card
),

shipping as (
    select shipping.*
    from {{ ref('int_order_shipping') }} as shipping
    inner join orders on shipping.order_id = orders.order_id
),

refund_lines as (
    select
        refund_lines.*,
        order_lines.product_id,
        order_lines.variant_id
    from {{ ref('int_refund_lines') }} as refund_lines
    inner join orders on refund_lines.order_id = orders.order_id
    left join {{ ref('int_order_lines') }} as order_lines
        on refund_lines.order_line_id = order_lines.order_line_id
    where not coalesce(order_lines.is_gift_card, refund_lines.is_gift_card)
),

refunded_by_line as (
    select
        order_line_id,
        sum(subtotal) as subtotal,
        sum(tax) as tax,
        sum(quantity) as quantity
    from refund_lines
    group by order_line_id
),

adjustments as (
    select adjustments.*
    from {{ ref('int_refund_adjustments') }} as adjustments
    inner join orders on adjustments.order_id = orders.order_id
),

shipping_refunded_by_order as (
    select
        order_id,
        sum(amount) as amount,
        sum(tax_amount) as tax_amount
    from adjustments
    where kind = 'shipping_refund'
    group by order_id
),

events as (
    -- the sale of each line, on the order's date (a line added by an edit: the edit's)
    select
        'sale' as event_type,
        lines.order_id,
        lines.order_line_id,
        cast(null as bigint) as refund_id,
        lines.order_line_id as source_id,
        lines.sold_at as event_at,
        lines.product_id,
        lines.variant_id,
        lines.quantity,
        lines.gross_amount as gross_sales,
        lines.discounts,
        0 as returns,
        0 as shipping,
        lines.tax as taxes
    from lines
    inner join orders on lines.order_id = orders.order_id

    union all

    -- shipping charged, net of shipping discounts, on the order's date
    select
        'shipping',
        shipping.order_id,
        null,
        null,
        shipping.order_id,
        orders.processed_at,
        null,
        null,
        0,
        0,
        0,
        0,
        shipping.shipping_net,
        shipping.shipping_tax
    from shipping
    inner join orders on shipping.order_id = orders.order_id

    union all

    -- each refunded line on its refund's date
    select
        'return',
        order_id,
        order_line_id,
        refund_id,
        refund_line_id,
        refunded_at,
        product_id,
        variant_id,
        -quantity,
        0,
        0,
        subtotal,
        0,
        -tax
    from refund_lines

    union all

    -- refunded shipping (negative amounts) on its refund's date
    select
        'shipping_refund',
        order_id,
        null,
        refund_id,
        adjustment_id,
        refunded_at,
        null,
        null,
        0,
        0,
        0,
        0,
        amount,
        tax_amount
    from adjustments
    where kind = 'shipping_refund'

    union all

    -- refund discrepancies (negative when more was refunded than the items' value)
    select
        'adjustment',
        order_id,
        null,
        refund_id,
        adjustment_id,
        refunded_at,
        null,
        null,
        0,
        0,
        0,
        -amount,
        0,
        tax_amount
    from adjustments
    where kind = 'refund_discrepancy'

    union all

    -- a cancellation reverses what the line's refunds have not already reversed
    select
        'cancellation',
        lines.order_id,
        lines.order_line_id,
        null,
        lines.order_line_id,
        orders.cancelled_at,
        lines.product_id,
        lines.variant_id,
        -(lines.quantity - coalesce(refunded.quantity, 0)),
        0,
        0,
        (lines.gross_amount - lines.discounts) - coalesce(refunded.subtotal, 0),
        0,
        -(lines.tax - coalesce(refunded.tax, 0))
    from lines
    inner join orders on lines.order_id = orders.order_id
    left join refunded_by_line as refunded on lines.order_line_id = refunded.order_line_id
    where orders.cancelled_at is not null

    union all

    -- ... and whatever shipping the refunds have not already reversed
    select
        'shipping_cancellation',
        shipping.order_id,
        null,
        null,
        shipping.order_id,
        orders.cancelled_at,
        null,
        null,
        0,
        0,
        0,
        0,
        -(shipping.shipping_net + coalesce(refunded.amount, 0)),
        -(shipping.shipping_tax + coalesce(refunded.tax_amount, 0))
    from shipping
    inner join orders on shipping.order_id = orders.order_id
    left join shipping_refunded_by_order as refunded on shipping.order_id = refunded.order_id
    where orders.cancelled_at is not null
),

typed as (
    select
        event_type,
        cast(order_id as bigint) as order_id,
        cast(order_line_id as bigint) as order_line_id,
        cast(refund_id as bigint) as refund_id,
        cast(source_id as bigint) as source_id,
        event_at,
        cast(product_id as bigint) as product_id,
        cast(variant_id as bigint) as variant_id,
        cast(quantity as bigint) as quantity,
        {{ money0('gross_sales') }} as gross_sales,
        {{ money0('discounts') }} as discounts,
        {{ money0('returns') }} as returns,
        {{ money0('shipping') }} as shipping,
        {{ money0('taxes') }} as taxes
    from events
)

select
    {{ surrogate_key(['typed.event_type', 'typed.source_id']) }} as sales_event_id,
    typed.event_type,
    typed.order_id,
    typed.order_line_id,
    typed.refund_id,
    typed.event_at,
    {{ to_local_time('typed.event_at', 'shop.iana_timezone') }} as event_at_local,
    {{ to_local_date('typed.event_at', 'shop.iana_timezone') }} as event_date,
    typed.product_id,
    typed.variant_id,
    typed.quantity,
    typed.gross_sales,
    typed.discounts,
    typed.returns,
    {{ money('typed.gross_sales - typed.discounts - typed.returns') }} as net_sales,
    typed.shipping,
    typed.taxes,
    {{ money(
        'typed.gross_sales - typed.discounts - typed.returns + typed.shipping + typed.taxes'
    ) }} as total_sales
from typed
cross join shop

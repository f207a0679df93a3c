-- Every sales event of every counted order, one row per event per order line, signed so
-- that any sum is right (docs/metrics.md, "Sales events"). Gift-card lines are not sales;
-- tips are their own column, outside total sales. A line an order edit added is sold on
-- the edit's date (int_order_line_additions). In an order whose prices include tax
-- (`taxes_included`) every amount is shown without its tax, all of which is in `taxes`
-- (docs/metrics.md, "Prices that include tax"). Every shop's events are dated in its own
-- time zone; ids are matched within a shop only.
with shop as (
    select shop, iana_timezone from {{ ref('int_shop') }}
),

orders as (
    select shop, order_id, processed_at, cancelled_at, taxes_included
    from {{ ref('int_orders') }}
    where not is_excluded
),

-- each line as sold: without its tax when the order's prices include it (gross: the price
-- less the tax it holds; net: what was paid less its tax; discounts: the difference, so
-- net + taxes is exactly what the customer paid for the line)
all_lines as (
    select
        lines.*,
        {{ money(
            'lines.gross_amount - case when orders.taxes_included then lines.price_tax else 0 end'
        ) }} as line_gross,
        {{ money(
            'lines.gross_amount - lines.discounts'
            ~ ' - case when orders.taxes_included then lines.tax else 0 end'
        ) }} as line_net,
        -- a line an order edit added is sold when the edit was made, not on the order's date
        case
            when additions.added_at > orders.processed_at then additions.added_at
            else orders.processed_at
        end as sold_at
    from {{ ref('int_order_lines') }} as lines
    inner join orders on lines.shop = orders.shop and lines.order_id = orders.order_id
    left join {{ ref('int_order_line_additions') }} as additions
        on lines.shop = additions.shop
        and lines.order_id = additions.order_id
        and lines.order_line_id = additions.order_line_id
    where not lines.is_gift_card
),

lines as (
    select * from all_lines where not coalesce(is_tip, false)
),

tip_lines as (
    select * from all_lines where is_tip
),

shipping as (
    select
        shipping.shop,
        shipping.order_id,
        {{ money(
            'shipping.shipping_net'
            ~ ' - case when orders.taxes_included then shipping.shipping_tax else 0 end'
        ) }} as shipping_net,
        shipping.shipping_tax
    from {{ ref('int_order_shipping') }} as shipping
    inner join orders on shipping.shop = orders.shop and shipping.order_id = orders.order_id
),

-- each refunded line: its refunded value without tax (the refunded subtotal includes the
-- tax when the order's prices do) and its refunded tax
all_refund_lines as (
    select
        refund_lines.*,
        {{ money(
            'refund_lines.subtotal'
            ~ ' - case when orders.taxes_included then refund_lines.tax else 0 end'
        ) }} as line_returns,
        order_lines.product_id,
        order_lines.variant_id,
        coalesce(order_lines.is_tip, false) as is_tip
    from {{ ref('int_refund_lines') }} as refund_lines
    inner join orders
        on refund_lines.shop = orders.shop and refund_lines.order_id = orders.order_id
    left join {{ ref('int_order_lines') }} as order_lines
        on refund_lines.shop = order_lines.shop
        and refund_lines.order_line_id = order_lines.order_line_id
    where not coalesce(order_lines.is_gift_card, refund_lines.is_gift_card)
),

refund_lines as (
    select * from all_refund_lines where not is_tip
),

tip_refunds as (
    select * from all_refund_lines where is_tip
),

refunded_by_line as (
    select
        shop,
        order_line_id,
        sum(line_returns) as line_returns,
        sum(subtotal) as subtotal,
        sum(tax) as tax,
        sum(quantity) as quantity
    from all_refund_lines
    group by shop, order_line_id
),

adjustments as (
    select adjustments.*
    from {{ ref('int_refund_adjustments') }} as adjustments
    inner join orders on adjustments.shop = orders.shop and adjustments.order_id = orders.order_id
),

shipping_refunded_by_order as (
    select
        shop,
        order_id,
        sum(amount) as amount,
        sum(tax_amount) as tax_amount
    from adjustments
    where kind = 'shipping_refund'
    group by shop, order_id
),

duty_refunds as (
    select
        refunds.shop,
        refunds.refund_id,
        refunds.order_id,
        refunds.refunded_at,
        refunds.duties_refunded
    from {{ ref('stg_shopify__order_refunds') }} as refunds
    inner join orders on refunds.shop = orders.shop and refunds.order_id = orders.order_id
    where refunds.duties_refunded <> 0
),

duties_by_order as (
    select shop, order_id, sum(duties) as duties
    from lines
    group by shop, order_id
),

duties_refunded_by_order as (
    select shop, order_id, sum(duties_refunded) as duties_refunded
    from duty_refunds
    group by shop, order_id
),

events as (
    -- the sale of each line, on the order's date (a line added by an edit: the edit's),
    -- with the import duties charged on it
    select
        lines.shop,
        'sale' as event_type,
        lines.order_id,
        lines.order_line_id,
        cast(null as bigint) as refund_id,
        lines.order_line_id as source_id,
        lines.sold_at as event_at,
        lines.product_id,
        lines.variant_id,
        lines.quantity,
        lines.line_gross as gross_sales,
        lines.line_gross - lines.line_net as discounts,
        0 as returns,
        0 as shipping,
        lines.duties,
        lines.tax as taxes,
        0 as tips
    from lines

    union all

    -- a tip, on the order's date: not a sale
    select
        shop,
        'tip',
        order_id,
        order_line_id,
        null,
        order_line_id,
        sold_at,
        null,
        null,
        quantity,
        0,
        0,
        0,
        0,
        0,
        0,
        line_net
    from tip_lines

    union all

    -- shipping charged, net of shipping discounts (and of its tax), on the order's date
    select
        shipping.shop,
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
        0,
        shipping.shipping_tax,
        0
    from shipping
    inner join orders on shipping.shop = orders.shop and shipping.order_id = orders.order_id

    union all

    -- each refunded line on its refund's date
    select
        shop,
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
        line_returns,
        0,
        0,
        -tax,
        0
    from refund_lines

    union all

    -- a refunded tip on its refund's date
    select
        shop,
        'tip_refund',
        order_id,
        order_line_id,
        refund_id,
        refund_line_id,
        refunded_at,
        null,
        null,
        -quantity,
        0,
        0,
        0,
        0,
        0,
        0,
        -line_returns
    from tip_refunds

    union all

    -- refunded shipping (negative amounts, without its tax) on its refund's date
    select
        shop,
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
        0,
        tax_amount,
        0
    from adjustments
    where kind = 'shipping_refund'

    union all

    -- refund discrepancies (negative when more was refunded than the items' value)
    select
        shop,
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
        0,
        tax_amount,
        0
    from adjustments
    where kind = 'refund_discrepancy'

    union all

    -- refunded duties on the refund's date
    select
        shop,
        'duty_refund',
        order_id,
        null,
        refund_id,
        refund_id,
        refunded_at,
        null,
        null,
        0,
        0,
        0,
        0,
        0,
        -duties_refunded,
        0,
        0
    from duty_refunds

    union all

    -- a cancellation reverses what the line's refunds have not already reversed
    select
        lines.shop,
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
        lines.line_net - coalesce(refunded.line_returns, 0),
        0,
        0,
        -(lines.tax - coalesce(refunded.tax, 0)),
        0
    from lines
    inner join orders on lines.shop = orders.shop and lines.order_id = orders.order_id
    left join refunded_by_line as refunded
        on lines.shop = refunded.shop and lines.order_line_id = refunded.order_line_id
    where orders.cancelled_at is not null

    union all

    -- ... the tips not refunded
    select
        tip_lines.shop,
        'tip_cancellation',
        tip_lines.order_id,
        tip_lines.order_line_id,
        null,
        tip_lines.order_line_id,
        orders.cancelled_at,
        null,
        null,
        -(tip_lines.quantity - coalesce(refunded.quantity, 0)),
        0,
        0,
        0,
        0,
        0,
        0,
        -(tip_lines.line_net - coalesce(refunded.line_returns, 0))
    from tip_lines
    inner join orders on tip_lines.shop = orders.shop and tip_lines.order_id = orders.order_id
    left join refunded_by_line as refunded
        on tip_lines.shop = refunded.shop and tip_lines.order_line_id = refunded.order_line_id
    where orders.cancelled_at is not null

    union all

    -- ... whatever shipping the refunds have not already reversed
    select
        shipping.shop,
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
        0,
        -(shipping.shipping_tax + coalesce(refunded.tax_amount, 0)),
        0
    from shipping
    inner join orders on shipping.shop = orders.shop and shipping.order_id = orders.order_id
    left join shipping_refunded_by_order as refunded
        on shipping.shop = refunded.shop and shipping.order_id = refunded.order_id
    where orders.cancelled_at is not null

    union all

    -- ... and the duties not refunded
    select
        duties.shop,
        'duty_cancellation',
        duties.order_id,
        null,
        null,
        duties.order_id,
        orders.cancelled_at,
        null,
        null,
        0,
        0,
        0,
        0,
        0,
        -(duties.duties - coalesce(refunded.duties_refunded, 0)),
        0,
        0
    from duties_by_order as duties
    inner join orders on duties.shop = orders.shop and duties.order_id = orders.order_id
    left join duties_refunded_by_order as refunded
        on duties.shop = refunded.shop and duties.order_id = refunded.order_id
    where orders.cancelled_at is not null and duties.duties <> 0
),

typed as (
    select
        shop,
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
        {{ money0('duties') }} as duties,
        {{ money0('taxes') }} as taxes,
        {{ money0('tips') }} as tips
    from events
)

select
    typed.shop,
    {{ shop_surrogate_key('typed.shop', ['typed.event_type', 'typed.source_id']) }}
        as sales_event_id,
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
    typed.duties,
    typed.taxes,
    {{ money(
        'typed.gross_sales - typed.discounts - typed.returns'
        ~ ' + typed.shipping + typed.duties + typed.taxes'
    ) }} as total_sales,
    typed.tips
from typed
inner join shop on typed.shop = shop.shop

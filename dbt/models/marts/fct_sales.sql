-- One row per sales event per order line of each shop (docs/metrics.md). Incremental: whole
-- affected orders are recomputed and replaced (incremental_by_order(),
-- macros/incremental.sql).
with {{ incremental_by_order() }}

events as (
    select *
    from {{ ref('int_sales_events') }}
    {% if is_incremental() %}
    where (shop, order_id) in (select shop, order_id from affected_orders)
    {% endif %}
)

select
    events.shop,
    events.sales_event_id,
    events.order_id,
    events.order_line_id,
    events.refund_id,
    events.event_type,
    events.event_at,
    events.event_at_local,
    events.event_date,
    identity.customer_key as customer_id,
    events.product_id,
    events.variant_id,
    events.quantity,
    events.gross_sales,
    events.discounts,
    events.returns,
    events.net_sales,
    events.shipping,
    events.duties,
    events.taxes,
    events.total_sales,
    events.tips,
    orders.source_loaded_at as _source_loaded_at
from events
inner join {{ ref('int_orders') }} as orders
    on events.shop = orders.shop and events.order_id = orders.order_id
inner join {{ ref('int_customer_identity') }} as identity
    on events.shop = identity.shop and events.order_id = identity.order_id

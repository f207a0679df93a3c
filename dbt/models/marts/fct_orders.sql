-- One row per counted order of each shop; its money is the sum of all its fct_sales rows,
-- whatever their dates. Incremental like fct_sales (same affected orders,
-- incremental_by_order() in macros/incremental.sql).
with {{ incremental_by_order() }}

orders as (
    select *
    from {{ ref('int_orders') }}
    where not is_excluded
    {% if is_incremental() %}
        and (shop, order_id) in (select shop, order_id from affected_orders)
    {% endif %}
),

money as (
    select
        shop,
        order_id,
        sum(gross_sales) as gross_sales,
        sum(discounts) as discounts,
        sum(returns) as returns,
        sum(net_sales) as net_sales,
        sum(shipping) as shipping,
        sum(duties) as duties,
        sum(taxes) as taxes,
        sum(total_sales) as total_sales,
        sum(tips) as tips,
        sum(case when event_type = 'sale' then quantity else 0 end) as items_quantity
    from {{ ref('fct_sales') }}
    {% if is_incremental() %}
    where (shop, order_id) in (select shop, order_id from affected_orders)
    {% endif %}
    group by shop, order_id
)

select
    orders.shop,
    orders.order_id,
    orders.order_name,
    orders.order_number,
    identity.customer_key as customer_id,
    identity.shopify_customer_id,
    identity.identified_by,
    orders.processed_at,
    orders.processed_at_local,
    orders.order_date,
    orders.is_cancelled,
    orders.cancelled_at,
    orders.cancelled_date,
    orders.cancel_reason,
    orders.financial_status,
    orders.fulfillment_status,
    orders.source_name,
    orders.currency,
    orders.presentment_currency,
    orders.taxes_included,
    cast(coalesce(money.items_quantity, 0) as bigint) as items_quantity,
    {{ money0('money.gross_sales') }} as gross_sales,
    {{ money0('money.discounts') }} as discounts,
    {{ money0('money.returns') }} as returns,
    {{ money0('money.net_sales') }} as net_sales,
    {{ money0('money.shipping') }} as shipping,
    {{ money0('money.duties') }} as duties,
    {{ money0('money.taxes') }} as taxes,
    {{ money0('money.total_sales') }} as total_sales,
    {{ money0('money.tips') }} as tips,
    identity.customer_order_seq,
    identity.customer_order_seq = 1 as is_first_order,
    orders.ship_country,
    orders.ship_country_code,
    orders.ship_province,
    orders.ship_province_code,
    orders.ship_city,
    orders.source_loaded_at as _source_loaded_at
from orders
inner join {{ ref('int_customer_identity') }} as identity
    on orders.shop = identity.shop and orders.order_id = identity.order_id
left join money on orders.shop = money.shop and orders.order_id = money.order_id

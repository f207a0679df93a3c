-- One row per order of each shop (excluded ones flagged), its times in its own shop's zone,
-- and the newest load time of anything it is built from (the incremental facts' watermark).
with orders as (
    select * from {{ ref('stg_shopify__orders') }}
),

shop as (
    select shop, iana_timezone, taxes_included from {{ ref('int_shop') }}
),

refunds_loaded as (
    select shop, order_id, max(_loaded_at) as refunds_loaded_at
    from {{ ref('stg_shopify__order_refunds') }}
    group by shop, order_id
)

select
    orders.shop,
    orders.order_id,
    orders.order_name,
    orders.order_number,
    orders.customer_id as shopify_customer_id,
    orders.email,
    orders.processed_at,
    {{ to_local_time('orders.processed_at', 'shop.iana_timezone') }} as processed_at_local,
    {{ to_local_date('orders.processed_at', 'shop.iana_timezone') }} as order_date,
    orders.cancelled_at,
    {{ to_local_date('orders.cancelled_at', 'shop.iana_timezone') }} as cancelled_date,
    orders.cancelled_at is not null as is_cancelled,
    orders.cancel_reason,
    orders.is_test,
    orders.deleted_at is not null as is_deleted,
    (orders.is_test or orders.deleted_at is not null) as is_excluded,
    orders.financial_status,
    orders.fulfillment_status,
    orders.source_name,
    orders.currency,
    orders.presentment_currency,
    orders.ship_country,
    orders.ship_country_code,
    orders.ship_province,
    orders.ship_province_code,
    orders.ship_city,
    orders.location_id,
    -- the order's own flag (an export order of a tax-inclusive shop says false); the shop's
    -- setting only when the order does not say
    coalesce(orders.taxes_included, shop.taxes_included) as taxes_included,
    orders.total_tip_received,
    orders.current_total_price,
    orders.current_subtotal_price,
    orders.current_total_tax,
    orders.current_total_discounts,
    orders.current_total_duties,
    orders.original_total_duties,
    orders.current_total_additional_fees,
    orders.original_total_additional_fees,
    case
        when refunds_loaded.refunds_loaded_at > orders._loaded_at
            then refunds_loaded.refunds_loaded_at
        else orders._loaded_at
    end as source_loaded_at
from orders
inner join shop on orders.shop = shop.shop
left join refunds_loaded
    on orders.shop = refunds_loaded.shop and orders.order_id = refunds_loaded.order_id

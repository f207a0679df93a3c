-- One row per customer key of each shop (docs/metrics.md): Shopify customers, with or
-- without orders, and guests known by e-mail or by their single order. No raw e-mail or
-- phone: the normalised e-mail is only kept as an md5 hash. A key is unique within its shop.
with orders as (
    select * from {{ ref('fct_orders') }}
),

identity as (
    select shop, customer_key, max(email_hash) as email_hash
    from {{ ref('int_customer_identity') }}
    group by shop, customer_key
),

by_key as (
    select
        shop,
        customer_id,
        max(shopify_customer_id) as shopify_customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as orders_count,
        sum(gross_sales) as gross_sales,
        sum(net_sales) as net_sales,
        sum(total_sales) as total_sales
    from orders
    group by shop, customer_id
),

latest_address as (
    select shop, customer_id, ship_country, ship_province
    from orders
    qualify row_number() over (
        partition by shop, customer_id order by processed_at desc, order_id desc
    ) = 1
),

customers as (
    select
        shop,
        cast(customer_id as {{ dbt.type_string() }}) as customer_key,
        customer_id,
        case when email is not null then md5(email) end as email_hash,
        country,
        province,
        customer_state,
        created_at
    from {{ ref('stg_shopify__customers') }}
),

keys as (
    select distinct shop, customer_key
    from (
        select shop, customer_id as customer_key from by_key
        union all
        select shop, customer_key from customers
    ) as both_sources
)

select
    keys.shop,
    keys.customer_key as customer_id,
    coalesce(customers.customer_id, by_key.shopify_customer_id) as shopify_customer_id,
    case
        when customers.customer_id is not null or by_key.shopify_customer_id is not null
            then 'customer'
        when keys.customer_key like 'email:%' then 'guest_email'
        else 'guest'
    end as customer_type,
    coalesce(customers.email_hash, identity.email_hash) as email_hash,
    customers.customer_state,
    customers.created_at,
    by_key.first_order_date,
    by_key.last_order_date,
    cast(coalesce(by_key.orders_count, 0) as bigint) as orders_count,
    {{ money0('by_key.gross_sales') }} as gross_sales,
    {{ money0('by_key.net_sales') }} as net_sales,
    {{ money0('by_key.total_sales') }} as total_sales,
    coalesce(by_key.orders_count, 0) > 1 as is_returning,
    coalesce(customers.country, latest_address.ship_country) as country,
    coalesce(customers.province, latest_address.ship_province) as province
from keys
left join by_key on keys.shop = by_key.shop and keys.customer_key = by_key.customer_id
left join customers on keys.shop = customers.shop and keys.customer_key = customers.customer_key
left join identity on keys.shop = identity.shop and keys.customer_key = identity.customer_key
left join latest_address
    on keys.shop = latest_address.shop and keys.customer_key = latest_address.customer_id

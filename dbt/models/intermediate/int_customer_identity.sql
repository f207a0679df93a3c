-- One row per counted (non-test, non-deleted) order: its customer key and its place in
-- that customer's order history (docs/metrics.md "Customers: new vs returning").
-- Key: the order's customer id; else the id of the customer with the same normalised
-- e-mail (the earliest created one if several); else 'email:' || md5(e-mail); else
-- 'order:' || order id (a guest with neither is always new). All within the order's shop:
-- a customer of one shop is not the same customer in another.
with orders as (
    select shop, order_id, shopify_customer_id, email, processed_at, order_date
    from {{ ref('int_orders') }}
    where not is_excluded
),

email_owners as (
    select shop, email, customer_id
    from {{ ref('stg_shopify__customers') }}
    where email is not null
    qualify row_number() over (
        partition by shop, email order by created_at nulls last, customer_id
    ) = 1
),

keyed as (
    select
        orders.shop,
        orders.order_id,
        orders.processed_at,
        orders.order_date,
        coalesce(orders.shopify_customer_id, email_owners.customer_id) as shopify_customer_id,
        case
            when orders.email is not null then md5(orders.email)
        end as email_hash,
        case
            when orders.shopify_customer_id is not null
                then cast(orders.shopify_customer_id as {{ dbt.type_string() }})
            when email_owners.customer_id is not null
                then cast(email_owners.customer_id as {{ dbt.type_string() }})
            when orders.email is not null
                then 'email:' || md5(orders.email)
            else 'order:' || cast(orders.order_id as {{ dbt.type_string() }})
        end as customer_key,
        case
            when orders.shopify_customer_id is not null then 'customer'
            when email_owners.customer_id is not null then 'customer_by_email'
            when orders.email is not null then 'guest_email'
            else 'guest'
        end as identified_by
    from orders
    left join email_owners
        on orders.shop = email_owners.shop and orders.email = email_owners.email
)

select
    shop,
    order_id,
    customer_key,
    shopify_customer_id,
    email_hash,
    identified_by,
    processed_at,
    order_date,
    row_number() over (
        partition by shop, customer_key order by processed_at, order_id
    ) as customer_order_seq
from keyed

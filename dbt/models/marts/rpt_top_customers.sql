-- Each shop's customers with orders, ranked by net sales within their shop (ties share a
-- rank).
select
    shop,
    rank() over (partition by shop order by net_sales desc) as rank,
    customer_id,
    customer_type,
    orders_count,
    net_sales,
    total_sales,
    first_order_date,
    last_order_date,
    is_returning,
    country,
    province
from {{ ref('dim_customers') }}
where orders_count > 0

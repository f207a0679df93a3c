-- Customers with orders, ranked by net sales (ties share a rank).
select
    rank() over (order by net_sales desc) as rank,
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

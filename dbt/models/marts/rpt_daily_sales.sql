-- One row per shop × shop-local day, from each shop's first to its last event date (days
-- without events have zeros): fct_sales money by event_date, orders and customers by
-- order_date. Each shop's days are in its own time zone, its money in its own currency.
with sales as (
    select
        shop,
        event_date as date_day,
        sum(gross_sales) as gross_sales,
        sum(discounts) as discounts,
        sum(returns) as returns,
        sum(net_sales) as net_sales,
        sum(shipping) as shipping,
        sum(duties) as duties,
        sum(taxes) as taxes,
        sum(total_sales) as total_sales,
        sum(tips) as tips
    from {{ ref('fct_sales') }}
    group by shop, event_date
),

first_orders as (
    select shop, customer_id, min(order_date) as first_order_date
    from {{ ref('fct_orders') }}
    group by shop, customer_id
),

orders as (
    select
        orders.shop,
        orders.order_date as date_day,
        count(*) as orders,
        count(distinct case
            when orders.order_date = first_orders.first_order_date then orders.customer_id
        end) as new_customers,
        count(distinct case
            when orders.order_date > first_orders.first_order_date then orders.customer_id
        end) as returning_customers
    from {{ ref('fct_orders') }} as orders
    inner join first_orders
        on orders.shop = first_orders.shop and orders.customer_id = first_orders.customer_id
    group by orders.shop, orders.order_date
),

-- gross sales less discounts of the day's orders as placed: their sale rows on the order's
-- date (a line a later order edit added is booked on the edit's date, not in this)
order_value as (
    select
        orders.shop,
        orders.order_date as date_day,
        sum(sales.gross_sales - sales.discounts) as order_value
    from {{ ref('fct_sales') }} as sales
    inner join {{ ref('fct_orders') }} as orders
        on sales.shop = orders.shop
        and sales.order_id = orders.order_id
        and sales.event_date = orders.order_date
    where sales.event_type = 'sale'
    group by orders.shop, orders.order_date
),

bounds as (
    select shop, min(date_day) as first_day, max(date_day) as last_day
    from (
        select shop, date_day from sales
        union all
        select shop, date_day from orders
    ) as active
    group by shop
)

select
    bounds.shop,
    dates.date_day,
    cast(coalesce(orders.orders, 0) as bigint) as orders,
    {{ money0('sales.gross_sales') }} as gross_sales,
    {{ money0('sales.discounts') }} as discounts,
    {{ money0('sales.returns') }} as returns,
    {{ money0('sales.net_sales') }} as net_sales,
    {{ money0('sales.shipping') }} as shipping,
    {{ money0('sales.duties') }} as duties,
    {{ money0('sales.taxes') }} as taxes,
    {{ money0('sales.total_sales') }} as total_sales,
    {{ money0('sales.tips') }} as tips,
    cast(coalesce(orders.new_customers, 0) as bigint) as new_customers,
    cast(coalesce(orders.returning_customers, 0) as bigint) as returning_customers,
    {{ exact_divide('coalesce(order_value.order_value, 0)', 'orders.orders', 2) }}
        as average_order_value
from {{ ref('dim_dates') }} as dates
inner join bounds
    on dates.date_day >= bounds.first_day and dates.date_day <= bounds.last_day
left join sales on bounds.shop = sales.shop and dates.date_day = sales.date_day
left join orders on bounds.shop = orders.shop and dates.date_day = orders.date_day
left join order_value
    on bounds.shop = order_value.shop and dates.date_day = order_value.date_day

-- Each shop's customers by the month of their first order (cohort) and months since: how
-- many came back and what their orders in that month sold (net, refunds included).
with orders as (
    select
        shop,
        customer_id,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month,
        net_sales
    from {{ ref('fct_orders') }}
),

cohorts as (
    select shop, customer_id, min(order_month) as cohort_month
    from orders
    group by shop, customer_id
),

cohort_sizes as (
    select shop, cohort_month, count(*) as customers
    from cohorts
    group by shop, cohort_month
),

activity as (
    select
        cohorts.shop,
        cohorts.cohort_month,
        {{ dbt.datediff('cohorts.cohort_month', 'orders.order_month', 'month') }}
            as months_since_first_order,
        count(distinct orders.customer_id) as active_customers,
        sum(orders.net_sales) as net_sales
    from orders
    inner join cohorts
        on orders.shop = cohorts.shop and orders.customer_id = cohorts.customer_id
    group by cohorts.shop, cohorts.cohort_month, orders.order_month
)

select
    activity.shop,
    activity.cohort_month,
    cast(activity.months_since_first_order as integer) as months_since_first_order,
    cast(cohort_sizes.customers as bigint) as customers,
    cast(activity.active_customers as bigint) as active_customers,
    {{ money('activity.net_sales') }} as net_sales,
    {{ exact_divide('activity.active_customers', 'cohort_sizes.customers', 4) }}
        as retention_rate
from activity
inner join cohort_sizes
    on activity.shop = cohort_sizes.shop and activity.cohort_month = cohort_sizes.cohort_month

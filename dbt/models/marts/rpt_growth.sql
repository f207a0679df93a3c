-- Each shop's net sales per quarter with quarter-over-quarter and year-over-year growth
-- (ratios, e.g. 0.1250 = +12.5%; NULL when the earlier period had no net sales).
with quarters as (
    select distinct year, quarter, quarter_start
    from {{ ref('dim_dates') }}
),

sales as (
    select
        shop,
        quarter_start,
        sum(net_sales) as net_sales
    from (
        select
            shop,
            cast({{ dbt.date_trunc('quarter', 'event_date') }} as date) as quarter_start,
            net_sales
        from {{ ref('fct_sales') }}
    ) as dated
    group by shop, quarter_start
),

bounds as (
    select shop, min(quarter_start) as first_quarter, max(quarter_start) as last_quarter
    from sales
    group by shop
),

series as (
    select
        bounds.shop,
        quarters.year,
        quarters.quarter,
        quarters.quarter_start,
        {{ money0('sales.net_sales') }} as net_sales
    from quarters
    inner join bounds
        on quarters.quarter_start >= bounds.first_quarter
        and quarters.quarter_start <= bounds.last_quarter
    left join sales
        on bounds.shop = sales.shop and quarters.quarter_start = sales.quarter_start
),

compared as (
    select
        *,
        lag(net_sales, 1) over (partition by shop order by quarter_start)
            as previous_quarter_net_sales,
        lag(net_sales, 4) over (partition by shop order by quarter_start)
            as previous_year_net_sales
    from series
)

select
    shop,
    year,
    quarter,
    quarter_start,
    net_sales,
    previous_quarter_net_sales,
    previous_year_net_sales,
    {{ exact_divide('net_sales - previous_quarter_net_sales', 'previous_quarter_net_sales', 4) }}
        as qoq_growth,
    {{ exact_divide('net_sales - previous_year_net_sales', 'previous_year_net_sales', 4) }}
        as yoy_growth
from compared

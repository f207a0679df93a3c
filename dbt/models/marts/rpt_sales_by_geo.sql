-- Orders and their sales (refunds included, whatever their date) by shop and shipping
-- destination; each shop's money in its own currency.
select
    shop,
    ship_country_code as country_code,
    ship_country as country,
    ship_province as province,
    ship_city as city,
    count(*) as orders,
    count(distinct customer_id) as customers,
    {{ money('sum(gross_sales)') }} as gross_sales,
    {{ money('sum(returns)') }} as returns,
    {{ money('sum(net_sales)') }} as net_sales,
    {{ money('sum(total_sales)') }} as total_sales
from {{ ref('fct_orders') }}
group by shop, ship_country_code, ship_country, ship_province, ship_city

-- Σ rpt_daily_sales = Σ fct_sales = Σ fct_orders for every money column, shop by shop
-- (contract 3; money of two shops is never added up). Returns one row per shop and column
-- that disagrees. (Sums are cast back to money: some engines, e.g. fakesnow, add decimals as
-- floats.)
{%- set money = [
    'gross_sales', 'discounts', 'returns', 'net_sales', 'shipping', 'duties', 'taxes',
    'total_sales', 'tips'
] %}
{%- set sources = [
    ('daily', 'rpt_daily_sales'), ('sales', 'fct_sales'), ('orders', 'fct_orders')
] %}
with
{%- for name, model in sources %}
{{ name }} as (
    select
        shop,
        {%- for m in money %}
        {{ money0("sum(" ~ m ~ ")") }} as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref(model) }}
    group by shop
),
{%- endfor %}

shops as (
    select shop from daily
    union distinct
    select shop from sales
    union distinct
    select shop from orders
)

{% for m in money %}
    select
        shops.shop,
        '{{ m }}' as money_column,
        daily.{{ m }} as daily_total,
        sales.{{ m }} as sales_total,
        orders.{{ m }} as orders_total
    from shops
    left join daily on shops.shop = daily.shop
    left join sales on shops.shop = sales.shop
    left join orders on shops.shop = orders.shop
    where coalesce(daily.{{ m }}, 0) <> coalesce(sales.{{ m }}, 0)
        or coalesce(sales.{{ m }}, 0) <> coalesce(orders.{{ m }}, 0)
    {{ 'union all' if not loop.last }}
{% endfor %}

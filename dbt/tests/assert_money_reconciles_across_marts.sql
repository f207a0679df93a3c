-- Σ rpt_daily_sales = Σ fct_sales = Σ fct_orders for every money column (contract 3).
-- Returns one row per column that disagrees. (Sums are cast back to money: some engines,
-- e.g. fakesnow, add decimals as floats.)
{%- set money = [
    'gross_sales', 'discounts', 'returns', 'net_sales', 'shipping', 'duties', 'taxes',
    'total_sales', 'tips'
] %}
with daily as (
    select
        {%- for m in money %}
        {{ money0("sum(" ~ m ~ ")") }} as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('rpt_daily_sales') }}
),

sales as (
    select
        {%- for m in money %}
        {{ money0("sum(" ~ m ~ ")") }} as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('fct_sales') }}
),

orders as (
    select
        {%- for m in money %}
        {{ money0("sum(" ~ m ~ ")") }} as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('fct_orders') }}
)

{% for m in money %}
    select
        '{{ m }}' as money_column,
        daily.{{ m }} as daily_total,
        sales.{{ m }} as sales_total,
        orders.{{ m }} as orders_total
    from daily
    cross join sales
    cross join orders
    where daily.{{ m }} <> sales.{{ m }} or sales.{{ m }} <> orders.{{ m }}
    {{ 'union all' if not loop.last }}
{% endfor %}

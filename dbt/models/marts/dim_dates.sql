-- One row per calendar day, whole years around the shop's first and last activity.
{%- set next_year = dbt.dateadd('year', 1, dbt.date_trunc('year', 'last_day')) %}
{%- set year_end = dbt.dateadd('day', -1, next_year) %}
with bounds as (
    select
        min(d) as first_day,
        max(d) as last_day
    from (
        select min(event_date) as d from {{ ref('fct_sales') }}
        union all
        select max(event_date) from {{ ref('fct_sales') }}
        union all
        select min(order_date) from {{ ref('fct_orders') }}
        union all
        select max(order_date) from {{ ref('fct_orders') }}
    ) as dates
),

span as (
    select
        cast({{ dbt.date_trunc('year', 'first_day') }} as date) as first_day,
        cast({{ year_end }} as date) as last_day
    from bounds
    where first_day is not null
),

digits as (
    select 0 as d
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9
),

numbers as (
    select a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d as n
    from digits as a
    cross join digits as b
    cross join digits as c
    cross join digits as e
    cross join digits as f
),

days as (
    select cast({{ dbt.dateadd('day', 'numbers.n', 'span.first_day') }} as date) as date_day
    from span
    inner join numbers on numbers.n <= {{ dbt.datediff('span.first_day', 'span.last_day', 'day') }}
)

{#- days since Monday 2000-01-03: mod 7 gives the ISO weekday (0 = Monday) -#}
{%- set since_monday = dbt.datediff("cast('2000-01-03' as date)", 'date_day', 'day') %}
select
    date_day,
    cast(mod({{ since_monday }}, 7) + 1 as integer) as day_of_week,
    cast(
        {{ dbt.dateadd('day', '-1 * mod(' ~ since_monday ~ ', 7)', 'date_day') }} as date
    ) as week_start,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    cast(extract(month from date_day) as integer) as month,
    cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
    cast(extract(quarter from date_day) as integer) as quarter,
    cast(extract(year from date_day) as integer) as year,
    mod({{ since_monday }}, 7) >= 5 as is_weekend
from days

-- rpt_daily_sales has one row per day, with no gap, from the first to the last event date.
with bounds as (
    select min(event_date) as first_day, max(event_date) as last_day
    from {{ ref('fct_sales') }}
),

report as (
    select count(*) as days, count(distinct date_day) as distinct_days,
        min(date_day) as first_day, max(date_day) as last_day
    from {{ ref('rpt_daily_sales') }}
)

select *
from report
cross join bounds
where report.days <> report.distinct_days
    or report.first_day > bounds.first_day
    or report.last_day < bounds.last_day
    or report.days <> {{ dbt.datediff('report.first_day', 'report.last_day', 'day') }} + 1

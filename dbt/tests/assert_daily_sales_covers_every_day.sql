-- rpt_daily_sales has one row per shop and day, with no gap, from each shop's first to its
-- last event date.
with bounds as (
    select shop, min(event_date) as first_day, max(event_date) as last_day
    from {{ ref('fct_sales') }}
    group by shop
),

report as (
    select
        shop,
        count(*) as days,
        count(distinct date_day) as distinct_days,
        min(date_day) as first_day,
        max(date_day) as last_day
    from {{ ref('rpt_daily_sales') }}
    group by shop
)

select
    bounds.shop,
    report.days,
    report.distinct_days,
    report.first_day,
    report.last_day,
    bounds.first_day as first_event_day,
    bounds.last_day as last_event_day
from bounds
left join report on bounds.shop = report.shop
where report.shop is null
    or report.days <> report.distinct_days
    or report.first_day > bounds.first_day
    or report.last_day < bounds.last_day
    or report.days <> {{ dbt.datediff('report.first_day', 'report.last_day', 'day') }} + 1

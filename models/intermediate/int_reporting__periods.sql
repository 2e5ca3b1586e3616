-- The calendar spine of the KPI marts: one row per (grain, period) for the grains week (ISO,
-- Monday), month and quarter, from the period of the earliest KPI event (int_kpi__events)
-- through the period holding as_of (int_reporting__as_of), generated from a series.
-- period_end is the period's last day; measured_on = least(period_end, as_of) is the day
-- point-in-time KPIs (open pipeline, ARR) are measured on, so the current period reads as_of.
with as_of as (
    select as_of from {{ ref('int_reporting__as_of') }}
),

events as (
    select min(event_date) as first_date from {{ ref('int_kpi__events') }}
),

grains as (
    select grain, step
    from (
        values ('week', interval 7 day), ('month', interval 1 month),
            ('quarter', interval 3 month)
    ) as grains (grain, step)
),

bounds as (
    select
        grains.grain,
        grains.step,
        cast(date_trunc(grains.grain, events.first_date) as date) as first_period,
        cast(date_trunc(grains.grain, as_of.as_of) as date) as last_period
    from grains
    cross join events
    cross join as_of
    where events.first_date is not null and as_of.as_of is not null
),

series as (
    select
        grain,
        step,
        cast(unnest(generate_series(first_period, last_period, step)) as date) as period_start
    from bounds
),

final as (
    select
        series.grain,
        series.period_start,
        cast(series.period_start + series.step - interval 1 day as date) as period_end,
        least(cast(series.period_start + series.step - interval 1 day as date), as_of.as_of)
            as measured_on,
        series.period_start = cast(date_trunc(series.grain, as_of.as_of) as date)
            as is_current_period
    from series
    cross join as_of
)

select * from final

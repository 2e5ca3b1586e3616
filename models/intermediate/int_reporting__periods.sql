-- The calendar spine of the KPI marts: one row per (grain, period) for the grains week (ISO,
-- Monday), month and quarter, from the period holding the first data day through the period
-- holding as_of (int_reporting__as_of), generated from a series. The first data day is the
-- earliest day of an activity log (mart_source_coverage.is_activity_log), where the delivered
-- history starts; without one, the earliest CRM or MAP record. Every KPI mart joins this
-- spine, so none has a period ending before the first data day (old CRM opportunities or
-- leads carried by the first full extract do not start a series years before the data).
-- period_end is the period's last day; measured_on = least(period_end, as_of) is the day
-- point-in-time KPIs (open pipeline, ARR) are measured on, so the current period reads as_of.
-- days_elapsed = days from period_start through measured_on; is_complete = period_end <= as_of.
-- to_date_end is set on two periods only, the period before the as_of period and the same
-- period a year earlier (52 weeks, 12 months, 4 quarters back): the last day of their first
-- days_elapsed-of-the-as_of-period days (never past their own end), the windows the KPI marts
-- compare an incomplete period with.
with as_of as (
    select as_of from {{ ref('int_reporting__as_of') }}
),

coverage as (
    select * from {{ ref('mart_source_coverage') }}
),

first_day as (
    select
        coalesce(
            min(first_date) filter (where is_activity_log),
            min(first_date) filter (where system in ('salesforce', 'marketo'))
        ) as first_date
    from coverage
),

grains as (
    select grain, step, year_back
    from (
        values ('week', interval 7 day, interval 364 day),
            ('month', interval 1 month, interval 12 month),
            ('quarter', interval 3 month, interval 12 month)
    ) as grains (grain, step, year_back)
),

bounds as (
    select
        grains.grain,
        grains.step,
        grains.year_back,
        first_day.first_date,
        cast(date_trunc(grains.grain, first_day.first_date) as date) as first_period,
        cast(date_trunc(grains.grain, as_of.as_of) as date) as last_period
    from grains
    cross join first_day
    cross join as_of
    where first_day.first_date is not null and as_of.as_of is not null
),

series as (
    select
        grain,
        step,
        year_back,
        first_date,
        last_period,
        cast(unnest(generate_series(first_period, last_period, step)) as date) as period_start
    from bounds
),

spans as (
    select
        series.grain,
        series.period_start,
        cast(series.period_start + series.step - interval 1 day as date) as period_end,
        series.period_start = cast(series.last_period - series.step as date)
            or series.period_start = cast(series.last_period - series.year_back as date)
            as is_to_date_base,
        series.last_period,
        series.first_date,
        as_of.as_of
    from series
    cross join as_of
),

final as (
    select
        grain,
        period_start,
        period_end,
        least(period_end, as_of) as measured_on,
        period_start = cast(date_trunc(grain, as_of) as date) as is_current_period,
        period_end <= as_of as is_complete,
        cast(period_end - period_start + 1 as bigint) as days_in_period,
        cast(least(period_end, as_of) - period_start + 1 as bigint) as days_elapsed,
        first_date as first_data_date,
        case
            when is_to_date_base
                then least(period_end, period_start + cast(as_of - last_period as integer))
        end as to_date_end
    from spans
)

select * from final

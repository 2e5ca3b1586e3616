-- Every KPI value in long format, before the trend columns: the event-based KPIs
-- (int_kpi__period_kpis), the funnel cohorts (int_kpi__cohorts), pipeline velocity
-- (int_kpi__velocity) and ARR / retention (int_kpi__retention). One row per (kpi, grain,
-- period_start, segment_type, segment_value). value_to_date (the periods with a to_date_end
-- only: the one before the as_of period and the one a year earlier): the event and cohort KPIs
-- over the to-date window (int_reporting__periods), the point-in-time KPIs (velocity, ARR and
-- retention) measured on the window's last day.
with period_kpis as (
    select * from {{ ref('int_kpi__period_kpis') }}
),

cohorts as (
    select * from {{ ref('int_kpi__cohorts') }}
),

velocity as (
    select * from {{ ref('int_kpi__velocity') }}
),

retention as (
    select * from {{ ref('int_kpi__retention') }}
),

unioned as (
    select * from period_kpis
    union all by name
    select * from cohorts
    union all by name
    select * from velocity
    union all by name
    select * from retention
),

final as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        cast(value as double) as value,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        is_mature,
        cast(value_to_date as double) as value_to_date
    from unioned
)

select * from final

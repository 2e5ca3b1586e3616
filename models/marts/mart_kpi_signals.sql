-- The signals a reviewer looks for in mart_kpis, one row per (kpi, grain, period_start,
-- segment_type, segment_value, signal). Thresholds from seed signal_rules; direction from
-- kpi_definitions (higher_is_better: up is good; lower_is_better: down is good; on_target: any
-- gap from the plan is a risk, and trends and year-over-year moves are not judged). A row is
-- judged when it is complete, covered and mature (is_mature NULL counts as mature); a row that
-- is not never raises a signal, and is never the other end of a comparison.
--   off_target / ahead_of_target  attainment beyond 1 -/+ off_target_band on the bad / good side
--   worsening_trend / improving_trend  the last trend_periods (or more) period-over-period moves
--       all bad / all good, between consecutive judged periods (a flat move breaks the run)
--   yoy_decline / yoy_growth  yoy_change_pct at least yoy_change_pct percent to the bad / good
--       side, the period a year earlier judged too
--   anomaly   value outside median +/- anomaly_k x MAD of the anomaly_window judged periods
--       before it (at least anomaly_min_periods of them; never when MAD is 0); kind by side
-- severity: how many times the threshold the deviation is (1.0 = at the threshold).
{% macro num(x) -%}
    case
        when abs({{ x }}) >= 100 then printf('%.0f', {{ x }})
        when abs({{ x }}) >= 1 then printf('%.2f', {{ x }})
        else printf('%.3f', {{ x }})
    end
{%- endmacro %}
{% set series = 'kpi, grain, segment_type, segment_value' %}
with kpis as (
    select * from {{ ref('mart_kpis') }}
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

rules as (
    select * from {{ source('seeds', 'signal_rules') }}
),

settings as (
    select
        coalesce(max(value) filter (where parameter = 'off_target_band'), 0.15)
            as off_target_band,
        cast(coalesce(max(value) filter (where parameter = 'trend_periods'), 3) as bigint)
            as trend_periods,
        coalesce(max(value) filter (where parameter = 'yoy_change_pct'), 25) as yoy_change_pct,
        coalesce(max(value) filter (where parameter = 'anomaly_k'), 3) as anomaly_k,
        cast(coalesce(max(value) filter (where parameter = 'anomaly_window'), 8) as bigint)
            as anomaly_window,
        cast(coalesce(max(value) filter (where parameter = 'anomaly_min_periods'), 8) as bigint)
            as anomaly_min_periods
    from rules
),

judged as (
    select
        kpis.kpi,
        kpis.grain,
        kpis.period_start,
        kpis.segment_type,
        kpis.segment_value,
        kpis.value,
        kpis.target,
        kpis.attainment,
        kpis.yoy_change_pct,
        kpis.same_period_last_year_value,
        case definitions.direction
            when 'higher_is_better' then 1
            when 'lower_is_better' then -1
        end as good_sign,
        kpis.is_complete and kpis.is_covered and coalesce(kpis.is_mature, true) as is_judged
    from kpis
    inner join definitions on definitions.kpi = kpis.kpi
),

off_target as (
    select
        judged.*,
        case when (judged.attainment - 1) * judged.good_sign > 0 then 'opportunity' else 'risk' end
            as kind,
        settings.off_target_band
    from judged
    cross join settings
    where judged.is_judged
        and judged.attainment is not null
        and abs(judged.attainment - 1) > settings.off_target_band
),

off_target_signals as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        case when kind = 'risk' then 'off_target' else 'ahead_of_target' end as signal,
        kind,
        'attainment ' || {{ num('attainment') }} || ' (value ' || {{ num('value') }}
            || ' / target ' || {{ num('target') }} || ') is outside 1 +/- '
            || {{ num('off_target_band') }} as rule,
        value,
        target as reference,
        abs(attainment - 1) / off_target_band as severity
    from off_target
),

moves as (
    select
        *,
        lag(value) over series as previous_value,
        case
            when is_judged and lag(is_judged) over series
                then sign(value - lag(value) over series) * good_sign
        end as move
    from judged
    window series as (partition by {{ series }} order by period_start)
),

islands as (
    select
        *,
        row_number() over (partition by {{ series }} order by period_start)
            - row_number() over (partition by {{ series }}, move order by period_start) as island
    from moves
),

runs as (
    select
        *,
        row_number() over run as run_length,
        first_value(previous_value) over run as run_start_value
    from islands
    where move in (-1, 1)
    window run as (partition by {{ series }}, move, island order by period_start)
),

trend_signals as (
    select
        runs.kpi,
        runs.grain,
        runs.period_start,
        runs.segment_type,
        runs.segment_value,
        case when runs.move > 0 then 'improving_trend' else 'worsening_trend' end as signal,
        case when runs.move > 0 then 'opportunity' else 'risk' end as kind,
        cast(runs.run_length as varchar) || ' consecutive ' || runs.grain || 'ly moves '
            || case when runs.value > runs.run_start_value then 'up' else 'down' end
            || ' from ' || {{ num('runs.run_start_value') }} || ' to ' || {{ num('runs.value') }}
            || ', threshold ' || cast(settings.trend_periods as varchar) as rule,
        runs.value,
        runs.run_start_value as reference,
        cast(runs.run_length as double) / settings.trend_periods as severity
    from runs
    cross join settings
    where runs.run_length >= settings.trend_periods
),

year_ago as (
    select
        judged.*,
        case when last_year.is_judged then judged.yoy_change_pct end as judged_yoy_pct
    from judged
    inner join judged as last_year
        on last_year.kpi = judged.kpi
        and last_year.grain = judged.grain
        and last_year.segment_type = judged.segment_type
        and last_year.segment_value = judged.segment_value
        and last_year.period_start = case
            when judged.grain = 'week' then cast(judged.period_start - interval 364 day as date)
            else cast(judged.period_start - interval 12 month as date)
        end
    where judged.is_judged and judged.good_sign is not null
),

yoy_signals as (
    select
        year_ago.kpi,
        year_ago.grain,
        year_ago.period_start,
        year_ago.segment_type,
        year_ago.segment_value,
        case
            when year_ago.judged_yoy_pct * year_ago.good_sign > 0 then 'yoy_growth'
            else 'yoy_decline'
        end as signal,
        case
            when year_ago.judged_yoy_pct * year_ago.good_sign > 0 then 'opportunity'
            else 'risk'
        end as kind,
        'year over year ' || printf('%+.1f', year_ago.judged_yoy_pct) || ' % ('
            || {{ num('year_ago.same_period_last_year_value') }} || ' -> '
            || {{ num('year_ago.value') }} || '), threshold '
            || printf('%.1f', settings.yoy_change_pct) || ' %' as rule,
        year_ago.value,
        year_ago.same_period_last_year_value as reference,
        abs(year_ago.judged_yoy_pct) / settings.yoy_change_pct as severity
    from year_ago
    cross join settings
    where abs(year_ago.judged_yoy_pct) >= settings.yoy_change_pct
),

numbered as (
    select
        *,
        row_number() over (partition by {{ series }} order by period_start) as position
    from judged
    where is_judged and value is not null
),

histories as (
    select
        numbered.kpi,
        numbered.grain,
        numbered.period_start,
        numbered.segment_type,
        numbered.segment_value,
        any_value(numbered.value) as value,
        any_value(numbered.good_sign) as good_sign,
        median(history.value) as history_median,
        mad(history.value) as history_mad,
        count(*) as history_periods
    from numbered
    cross join settings
    inner join numbered as history
        on history.kpi = numbered.kpi
        and history.grain = numbered.grain
        and history.segment_type = numbered.segment_type
        and history.segment_value = numbered.segment_value
        and history.position between numbered.position - settings.anomaly_window
        and numbered.position - 1
    group by all
),

anomaly_signals as (
    select
        histories.kpi,
        histories.grain,
        histories.period_start,
        histories.segment_type,
        histories.segment_value,
        'anomaly' as signal,
        case
            when (histories.value - histories.history_median) * histories.good_sign > 0
                then 'opportunity'
            else 'risk'
        end as kind,
        'value ' || {{ num('histories.value') }} || ' outside median '
            || {{ num('histories.history_median') }} || ' +/- ' || {{ num('settings.anomaly_k') }}
            || ' x MAD ' || {{ num('histories.history_mad') }} || ' of the '
            || cast(histories.history_periods as varchar) || ' ' || histories.grain
            || 's before' as rule,
        histories.value,
        histories.history_median as reference,
        abs(histories.value - histories.history_median)
            / (settings.anomaly_k * histories.history_mad) as severity
    from histories
    cross join settings
    where histories.history_periods >= settings.anomaly_min_periods
        and histories.history_mad > 0
        and abs(histories.value - histories.history_median)
        > settings.anomaly_k * histories.history_mad
),

unioned as (
    select * from off_target_signals
    union all
    select * from trend_signals
    union all
    select * from yoy_signals
    union all
    select * from anomaly_signals
),

final as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        signal,
        kind,
        rule,
        cast(value as double) as value,
        cast(reference as double) as reference,
        cast(severity as double) as severity
    from unioned
)

select * from final

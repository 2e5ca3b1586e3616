-- Every KPI in long format, for any BI tool to pivot: one row per (kpi, grain, period_start,
-- segment_type, segment_value) from int_kpi__kpis (definitions in kpi_definitions), with the
-- columns that say how to read it. Rows of a KPI, grain and segment run without gaps from its
-- first period with data through the as_of period, so the previous row is the previous period
-- and the row 52 weeks, 12 months or 4 quarters back is the same period last year (checked on
-- period_start all the same). Reproducible: everything is as of int_reporting__as_of.
-- target, attainment, target_to_date and on_pace come from int_kpi__targets (seeds kpi_targets
-- and budget_plan), NULL without a target.
--   change_abs / change_pct  value against previous_value; change_abs in percentage points for
--       unit 'ratio' KPIs; change_pct = (value - previous) / abs(previous) x 100
--   value_to_date_previous   a complete period: previous_value; the incomplete as_of period:
--       the previous period over its first days_elapsed days (int_kpi__kpis.value_to_date)
--   same_period_last_year_value_to_date   a complete period: same_period_last_year_value;
--       the incomplete as_of period: the same period a year earlier over its first
--       days_elapsed days (value_to_date of that row)
--   is_covered               every source of kpi_definitions.sources that has rows
--       (int_kpi__source_coverage) has data from period_start on; a source without any row is
--       not in use and not required, a KPI none of whose sources has rows is never covered
{% set years_back = {'week': (52, '364 day'), 'month': (12, '12 month'),
    'quarter': (4, '12 month')} %}
{% macro pct_change(current, base) -%}
    case
        when {{ base }} is null or {{ current }} is null or {{ base }} = 0 then null
        else ({{ current }} - {{ base }}) / abs({{ base }}) * 100
    end
{%- endmacro %}
{% macro year_ago(column) -%}
    case grain
{%- for grain, (back, year) in years_back.items() %}
            when '{{ grain }}' then
                case
                    when lag(period_start, {{ back }}) over trend
                        = cast(period_start - interval {{ year }} as date)
                        then lag({{ column }}, {{ back }}) over trend
                end
{%- endfor %}
        end
{%- endmacro %}
with kpis as (
    select * from {{ ref('int_kpi__kpis') }}
),

targets as (
    select kpi, grain, period_start, segment_type, segment_value, target, attainment,
        target_to_date, on_pace
    from {{ ref('int_kpi__targets') }}
),

periods as (
    select * from {{ ref('int_reporting__periods') }}
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

kpi_coverage as (
    select kpi, max(first_date) as covered_from
    from {{ ref('int_kpi__source_coverage') }}
    group by kpi
),

trended as (
    select
        *,
        lag(value) over trend as previous_value,
        lag(value_to_date) over trend as previous_value_to_date,
        {{ year_ago('value') }} as same_period_last_year_value,
        {{ year_ago('value_to_date') }} as last_year_value_to_date
    from kpis
    window trend as (partition by kpi, grain, segment_type, segment_value order by period_start)
),

described as (
    select
        trended.*,
        periods.period_end,
        periods.is_complete,
        periods.days_elapsed,
        periods.days_in_period,
        definitions.unit,
        case
            when periods.is_complete then trended.previous_value
            else trended.previous_value_to_date
        end as value_to_date_previous,
        case
            when periods.is_complete then trended.same_period_last_year_value
            else trended.last_year_value_to_date
        end as same_period_last_year_value_to_date,
        coalesce(kpi_coverage.covered_from <= trended.period_start, false) as is_covered
    from trended
    inner join periods
        on periods.grain = trended.grain and periods.period_start = trended.period_start
    left join definitions on definitions.kpi = trended.kpi
    left join kpi_coverage on kpi_coverage.kpi = trended.kpi
),

final as (
    select
        kpi,
        grain,
        period_start,
        period_end,
        segment_type,
        segment_value,
        value,
        numerator,
        denominator,
        previous_value,
        (value - previous_value) * case when unit = 'ratio' then 100 else 1 end as change_abs,
        {{ pct_change('value', 'previous_value') }} as change_pct,
        value_to_date_previous,
        {{ pct_change('value', 'value_to_date_previous') }} as change_pct_to_date,
        same_period_last_year_value,
        {{ pct_change('value', 'same_period_last_year_value') }} as yoy_change_pct,
        same_period_last_year_value_to_date,
        {{ pct_change('value', 'same_period_last_year_value_to_date') }}
            as yoy_change_pct_to_date,
        is_complete,
        days_elapsed,
        days_in_period,
        is_covered,
        is_mature,
        target,
        attainment,
        target_to_date,
        on_pace
    from described
    left join targets using (kpi, grain, period_start, segment_type, segment_value)
)

select * from final

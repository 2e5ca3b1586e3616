-- The targets of mart_kpis, one row per KPI row (kpi, grain, period_start, segment_type,
-- segment_value) with a target, and how the row stands against it:
--   target          seed kpi_targets, else seed budget_plan as marketing_cost targets (each
--                   (month, channel); quarters sum the months planned; the total sums the
--                   channels). Money targets convert to the reporting currency with the latest
--                   ECB rate on or before period_start (each budget month before summing); an
--                   empty currency is the reporting currency
--                   Weeks without a target of their own take, for additive KPIs (below), their
--                   days' share of the month targets (target / days of the month, summed over
--                   the 7 days; all 7 days need a month target)
--   attainment      value / target (NULL when either is NULL or the target is 0)
--   target_to_date  additive KPIs (unit count or currency and a formula without '/' that is
--                   not measured at the period end, such as arr) accrue their target over the
--                   period's days: target x days_elapsed / days_in_period; every other KPI
--                   (ratios, medians, levels) is judged against the whole target. Equal to
--                   target for a complete period.
--   on_pace         value against target_to_date by kpi_definitions.direction: at or above
--                   (higher_is_better), at or below (lower_is_better), within target_to_date x
--                   (1 +/- on_target_band of seed signal_rules) for on_target KPIs
{% set reporting = var('reporting_currency') %}
{#- Sums of doubles depend on the order DuckDB's threads add them in: summed as decimals, the
    same seeds give the same targets to the last bit on every build. -#}
{% macro exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 12))) as double)
{%- endmacro %}
with kpi_targets as (
    select * from {{ source('seeds', 'kpi_targets') }}
),

budget_plan as (
    select * from {{ source('seeds', 'budget_plan') }}
),

rules as (
    select * from {{ source('seeds', 'signal_rules') }}
),

definitions as (
    select * from {{ source('seeds', 'kpi_definitions') }}
),

kpis as (
    select * from {{ ref('int_kpi__kpis') }}
),

periods as (
    select * from {{ ref('int_reporting__periods') }}
),

fx_rates as (
    select * from {{ ref('int_fx__daily_rates') }}
),

band as (
    select coalesce(max(value) filter (where parameter = 'on_target_band'), 0.1) as on_target_band
    from rules
),

budget_months as (
    select
        'marketing_cost' as kpi,
        'month' as grain,
        month as period_start,
        'channel' as segment_type,
        channel as segment_value,
        cast(budget as double) as target,
        currency,
        2 as precedence
    from budget_plan
),

planned as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        target,
        currency,
        1 as precedence
    from kpi_targets
    union all
    select * from budget_months
),

normalized as (
    select
        planned.* exclude (currency),
        upper(coalesce(nullif(trim(planned.currency), ''), '{{ reporting }}')) as currency,
        definitions.unit in ('currency', 'currency_per_day') as is_money
    from planned
    inner join definitions on definitions.kpi = planned.kpi
),

rates as (
    select
        normalized.kpi,
        normalized.grain,
        normalized.period_start,
        normalized.segment_type,
        normalized.segment_value,
        normalized.precedence,
        fx_rates.rate_to_reporting
    from normalized
    inner join fx_rates
        on fx_rates.currency = normalized.currency
        and fx_rates.rate_date <= normalized.period_start
    where normalized.is_money and normalized.currency <> '{{ reporting }}'
    qualify row_number() over (
        partition by normalized.kpi, normalized.grain, normalized.period_start,
            normalized.segment_type, normalized.segment_value, normalized.precedence
        order by fx_rates.rate_date desc
    ) = 1
),

converted as (
    select
        normalized.kpi,
        normalized.grain,
        normalized.period_start,
        normalized.segment_type,
        normalized.segment_value,
        normalized.precedence,
        case
            when not normalized.is_money or normalized.currency = '{{ reporting }}'
                then normalized.target
            else normalized.target * rates.rate_to_reporting
        end as target
    from normalized
    left join rates
        on rates.kpi = normalized.kpi
        and rates.grain = normalized.grain
        and rates.period_start = normalized.period_start
        and rates.segment_type = normalized.segment_type
        and rates.segment_value = normalized.segment_value
        and rates.precedence = normalized.precedence
),

budget_quarters as (
    select
        kpi,
        'quarter' as grain,
        cast(date_trunc('quarter', period_start) as date) as period_start,
        segment_type,
        segment_value,
        precedence,
        {{ exact_sum('target') }} as target
    from converted
    where precedence = 2
    group by all
),

budget_channels as (
    select * from converted where precedence = 2
    union all by name
    select * from budget_quarters
),

budget_totals as (
    select
        kpi,
        grain,
        period_start,
        'total' as segment_type,
        'total' as segment_value,
        precedence,
        {{ exact_sum('target') }} as target
    from budget_channels
    group by all
),

candidates as (
    select * from converted where precedence = 1
    union all by name
    select * from budget_channels
    union all by name
    select * from budget_totals
),

chosen as (
    select kpi, grain, period_start, segment_type, segment_value, target
    from candidates
    qualify row_number() over (
        partition by kpi, grain, period_start, segment_type, segment_value
        order by precedence
    ) = 1
),

classified as (
    select
        kpi,
        direction,
        unit in ('count', 'currency')
            and formula not like '%/%'
            and formula not like '%at period end%' as is_additive
    from definitions
),

month_targets as (
    select chosen.*
    from chosen
    inner join classified on classified.kpi = chosen.kpi
    where chosen.grain = 'month' and classified.is_additive
),

week_days as (
    select
        period_start as week_start,
        cast(unnest(generate_series(period_start, period_end, interval 1 day)) as date) as day
    from periods
    where grain = 'week'
),

week_shares as (
    select
        month_targets.kpi,
        'week' as grain,
        week_days.week_start as period_start,
        month_targets.segment_type,
        month_targets.segment_value,
        {{ exact_sum('month_targets.target / day(last_day(month_targets.period_start))') }}
            as target
    from week_days
    inner join month_targets
        on month_targets.period_start = cast(date_trunc('month', week_days.day) as date)
    group by all
    having count(*) = 7
),

with_weeks as (
    select * from chosen
    union all
    select week_shares.*
    from week_shares
    left join chosen
        on chosen.kpi = week_shares.kpi
        and chosen.grain = week_shares.grain
        and chosen.period_start = week_shares.period_start
        and chosen.segment_type = week_shares.segment_type
        and chosen.segment_value = week_shares.segment_value
    where chosen.kpi is null
),

judged as (
    select
        with_weeks.*,
        kpis.value,
        classified.direction,
        case
            when periods.is_complete or not classified.is_additive then with_weeks.target
            else with_weeks.target * periods.days_elapsed / periods.days_in_period
        end as target_to_date
    from with_weeks
    inner join kpis
        on kpis.kpi = with_weeks.kpi
        and kpis.grain = with_weeks.grain
        and kpis.period_start = with_weeks.period_start
        and kpis.segment_type = with_weeks.segment_type
        and kpis.segment_value = with_weeks.segment_value
    inner join periods
        on periods.grain = with_weeks.grain and periods.period_start = with_weeks.period_start
    inner join classified on classified.kpi = with_weeks.kpi
),

final as (
    select
        judged.kpi,
        judged.grain,
        judged.period_start,
        judged.segment_type,
        judged.segment_value,
        judged.target,
        case when judged.target <> 0 then judged.value / judged.target end as attainment,
        judged.target_to_date,
        case
            when judged.value is null or judged.target_to_date is null then null
            when judged.direction = 'higher_is_better' then judged.value >= judged.target_to_date
            when judged.direction = 'lower_is_better' then judged.value <= judged.target_to_date
            when judged.target_to_date = 0 then judged.value = 0
            else abs(judged.value / judged.target_to_date - 1) <= band.on_target_band
        end as on_pace
    from judged
    cross join band
)

select * from final

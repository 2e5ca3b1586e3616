-- Funnel cohorts x channel for dashboards: one row per (grain, cohort period, segment) of the
-- cohort KPIs of mart_kpis, segment_type total (channel = 'total') or channel. Counts are the
-- numerators and denominators of the cohort rates, so every column agrees with mart_kpis.
-- Counts BIGINT (0 before the segment's first cohort of that stage), rates and days DOUBLE;
-- is_covered when every KPI of the row is covered.
{% set transitions = [
    ('lead_to_mql', 'leads', 'leads_reached_mql'),
    ('mql_to_sql', 'mqls', 'mqls_reached_sql'),
    ('sql_to_opportunity', 'sqls', 'sqls_reached_opportunity'),
] %}
with kpis as (
    select * from {{ ref('mart_kpis') }}
    where segment_type in ('total', 'channel')
        and kpi in (
            'lead_to_mql_rate', 'mql_to_sql_rate', 'sql_to_opportunity_rate',
            'opportunity_win_rate', 'lead_to_mql_days', 'mql_to_sql_days',
            'sql_to_opportunity_days', 'opportunity_to_won_days'
        )
),

pivoted as (
    select
        grain,
        period_start as cohort_start,
        segment_type,
        segment_value as channel,
{%- for transition, size, reached in transitions %}
        cast(coalesce(max(denominator) filter (where kpi = '{{ transition }}_rate'), 0)
            as bigint) as {{ size }},
        cast(coalesce(max(numerator) filter (where kpi = '{{ transition }}_rate'), 0)
            as bigint) as {{ reached }},
        max(value) filter (where kpi = '{{ transition }}_rate') as {{ transition }}_rate,
        max(value) filter (where kpi = '{{ transition }}_days') as {{ transition }}_days,
{%- endfor %}
        cast(coalesce(max(denominator) filter (where kpi = 'opportunity_win_rate'), 0)
            as bigint) as new_business_opportunities,
        cast(coalesce(max(numerator) filter (where kpi = 'opportunity_win_rate'), 0)
            as bigint) as new_business_won,
        max(value) filter (where kpi = 'opportunity_win_rate') as opportunity_win_rate,
        max(value) filter (where kpi = 'opportunity_to_won_days') as opportunity_to_won_days,
        bool_and(is_mature) as is_mature,
        bool_and(is_covered) as is_covered
    from kpis
    group by grain, period_start, segment_type, segment_value
),

final as (
    select * from pivoted
)

select * from final

-- Pipeline and revenue per (grain, period, segment) for dashboards: the pipeline, revenue and
-- sales KPIs of mart_kpis side by side (same values; NULL where mart_kpis has no row, e.g.
-- expansion_revenue by week). Segments: total, channel (opportunities by first_touch channel,
-- attributed revenue by credited channel, customers by first won opportunity's channel), icp,
-- opportunity_type (bookings only). Opportunity figures count new business only; bookings every
-- type.
-- Counts BIGINT, money DECIMAL(18, 2) in `currency`, ratios and days DOUBLE; counts and sums
-- 0 where their KPI has no row yet in the segment (NULL for a KPI without weeks, by week);
-- is_covered when every KPI of the row is covered (mart_kpis.is_covered).
{% set levels = [
    'opportunities_created', 'pipeline_created', 'marketing_influenced_pipeline', 'deals_won',
    'revenue_won', 'attributed_revenue', 'new_customers', 'sales_cycle_days',
    'expansion_revenue', 'renewal_revenue', 'bookings', 'marketing_sourced_pipeline',
    'marketing_sourced_deals',
] %}
{% set ratios = ['marketing_sourced_revenue_share', 'win_rate', 'avg_deal_size',
    'pipeline_velocity'] %}
{% set money = 'decimal(18, 2)' %}
{% set month_and_quarter_only = ['expansion_revenue', 'renewal_revenue'] %}
{% set types = {
    'opportunities_created': 'bigint', 'deals_won': 'bigint', 'new_customers': 'bigint',
    'pipeline_created': money, 'marketing_influenced_pipeline': money, 'revenue_won': money,
    'attributed_revenue': money, 'expansion_revenue': money, 'avg_deal_size': money,
    'pipeline_velocity': money, 'renewal_revenue': money, 'bookings': money,
    'marketing_sourced_pipeline': money, 'marketing_sourced_deals': 'bigint',
} %}
with kpis as (
    select * from {{ ref('mart_kpis') }}
    where kpi in (
        {%- for kpi in levels + ratios %}'{{ kpi }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
),

pivoted as (
    select
        grain,
        period_start,
        segment_type,
        segment_value,
{%- for kpi in levels if kpi in types %}
        cast(coalesce(
            max(value) filter (where kpi = '{{ kpi }}'),
            {{ "case when grain <> 'week' then 0 end" if kpi in month_and_quarter_only else 0 }}
        ) as {{ types[kpi] }}) as {{ kpi }},
{%- endfor %}
{%- for kpi in ratios + levels if kpi not in types or kpi in ratios %}
        cast(max(value) filter (where kpi = '{{ kpi }}') as {{ types.get(kpi, 'double') }})
            as {{ kpi }},
{%- endfor %}
        cast(coalesce(max(numerator) filter (where kpi = 'marketing_sourced_revenue_share'), 0)
            as {{ money }}) as marketing_sourced_revenue,
        cast(coalesce(max(denominator) filter (where kpi = 'win_rate'), 0) as bigint)
            as deals_closed,
        cast(max(numerator) filter (where kpi = 'pipeline_velocity') as {{ money }})
            as velocity_open_value,
        max(denominator) filter (where kpi = 'pipeline_velocity') as velocity_cycle_days,
        bool_and(is_covered) as is_covered
    from kpis
    group by grain, period_start, segment_type, segment_value
),

final as (
    select
        pivoted.*,
        as_of.reporting_currency as currency
    from pivoted
    cross join {{ ref('int_reporting__as_of') }} as as_of
)

select * from final

-- Pipeline and revenue per (grain, period, segment) for dashboards: the pipeline, revenue and
-- sales KPIs of mart_kpis side by side (same values; NULL where mart_kpis has no row, e.g.
-- expansion_revenue by week). Segments: total, channel (opportunities by first_touch channel,
-- attributed revenue by credited channel, customers by first won opportunity's channel), icp,
-- opportunity_type (bookings only). Opportunity figures count new business only; bookings every
-- type.
{% set levels = [
    'opportunities_created', 'pipeline_created', 'marketing_influenced_pipeline', 'deals_won',
    'revenue_won', 'attributed_revenue', 'new_customers', 'sales_cycle_days',
    'expansion_revenue', 'renewal_revenue', 'bookings', 'marketing_sourced_pipeline',
    'marketing_sourced_deals',
] %}
{% set ratios = ['marketing_sourced_revenue_share', 'win_rate', 'avg_deal_size',
    'pipeline_velocity'] %}
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
{%- for kpi in levels + ratios %}
        max(value) filter (where kpi = '{{ kpi }}') as {{ kpi }},
{%- endfor %}
        max(numerator) filter (where kpi = 'marketing_sourced_revenue_share')
            as marketing_sourced_revenue,
        max(denominator) filter (where kpi = 'win_rate') as deals_closed,
        max(numerator) filter (where kpi = 'pipeline_velocity') as velocity_open_value,
        max(denominator) filter (where kpi = 'pipeline_velocity') as velocity_cycle_days
    from kpis
    group by grain, period_start, segment_type, segment_value
),

final as (
    select * from pivoted
)

select * from final

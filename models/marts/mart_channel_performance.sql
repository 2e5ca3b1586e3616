-- Channel performance per (grain, period, channel) for dashboards: the channel rows of
-- mart_kpis side by side (same values; spend and its ratios NULL for channels without an
-- ad-spend source), plus attributed revenue under every attribution model
-- (int_kpi__measures, credited channel, at the close date; 0 when none).
-- attributed_revenue is the var kpi_attribution_model one, as in mart_kpis.
{% set kpis = [
    'spend', 'impressions', 'clicks', 'new_leads', 'mqls', 'sqls', 'opportunities_created',
    'pipeline_created', 'deals_won', 'revenue_won', 'new_customers', 'attributed_revenue',
    'cpl', 'cost_per_mql', 'cost_per_opportunity', 'cac', 'roas', 'romi',
] %}
{% set models = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
with kpis as (
    select * from {{ ref('mart_kpis') }}
    where segment_type = 'channel'
        and kpi in (
            {%- for kpi in kpis %}'{{ kpi }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
),

measures as (
    select * from {{ ref('int_kpi__measures') }}
    where segment_type = 'channel' and measure like 'attributed_revenue__%'
),

pivoted as (
    select
        grain,
        period_start,
        segment_value as channel,
{%- for kpi in kpis %}
        max(value) filter (where kpi = '{{ kpi }}') as {{ kpi }}{{ ',' if not loop.last }}
{%- endfor %}
    from kpis
    group by grain, period_start, segment_value
),

attributed as (
    select
        grain,
        period_start,
        segment_value as channel,
{%- for model in models %}
        sum(amount) filter (where measure = 'attributed_revenue__{{ model }}')
            as attributed_revenue_{{ model }}{{ ',' if not loop.last }}
{%- endfor %}
    from measures
    group by grain, period_start, segment_value
),

final as (
    select
        pivoted.*,
{%- for model in models %}
        coalesce(attributed.attributed_revenue_{{ model }}, 0)
            as attributed_revenue_{{ model }}{{ ',' if not loop.last }}
{%- endfor %}
    from pivoted
    left join attributed
        on attributed.grain = pivoted.grain
        and attributed.period_start = pivoted.period_start
        and attributed.channel = pivoted.channel
)

select * from final

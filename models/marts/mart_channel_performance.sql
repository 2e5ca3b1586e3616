-- Channel performance per (grain, period, channel) for dashboards: the channel rows of mart_kpis
-- side by side (same values; money rounded to cents), the channel's role (seed channel_roles),
-- plus attributed revenue under every attribution model (int_kpi__measures, credited channel, at
-- the close date). Published types: counts BIGINT, money DECIMAL(18, 2) in `currency` (the
-- reporting currency), ratios DOUBLE. Empty sums and counts are 0; ad_spend (and spend, its
-- alias), impressions and clicks stay NULL for channels without an ad-spend source (unknown,
-- not empty); undefined ratios are NULL. The money ratios (cpl ... cac, roas, romi) are NULL on
-- channels whose role is not marketing: they count marketing channels only.
-- Periods as in mart_kpis (none ending before the first data day). is_covered: every source the
-- row's KPIs need (int_kpi__source_coverage) has data from period_start on, the rule of
-- mart_kpis.is_covered applied to the sources of all its columns.
{% set counts = [
    'impressions', 'clicks', 'new_leads', 'mqls', 'sqls', 'opportunities_created', 'deals_won',
    'new_customers', 'marketing_sourced_deals',
] %}
{% set ad_levels = ['spend', 'ad_spend'] %}
{% set money = [
    'program_cost', 'other_cost', 'marketing_cost', 'pipeline_created',
    'marketing_sourced_pipeline', 'revenue_won', 'attributed_revenue',
    'attributed_revenue_by_touch',
] %}
{% set unit_costs = ['cpl', 'cost_per_mql', 'cost_per_opportunity', 'cac'] %}
{% set ratios = ['roas', 'romi', 'roas_by_touch', 'romi_by_touch'] %}
{% set ad_counts = ['impressions', 'clicks'] %}
{% set kpis = counts + ad_levels + money + unit_costs + ratios %}
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

channel_roles as (
    select channel, channel_role as role, is_paid_ad_channel from {{ ref('dim_channel') }}
),

as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

covered as (
    select max(first_date) as covered_from
    from {{ ref('int_kpi__source_coverage') }}
    where kpi in (
        {%- for kpi in kpis %}'{{ kpi }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
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
        pivoted.grain,
        pivoted.period_start,
        pivoted.channel,
        coalesce(channel_roles.role, 'none') as channel_role,
        as_of.reporting_currency as currency,
{%- for kpi in counts %}
{%- if kpi in ad_counts %}
        cast(pivoted.{{ kpi }} as bigint) as {{ kpi }},
{%- else %}
        cast(coalesce(pivoted.{{ kpi }}, 0) as bigint) as {{ kpi }},
{%- endif %}
{%- endfor %}
{%- for kpi in ad_levels %}
        cast(pivoted.{{ kpi }} as decimal(18, 2)) as {{ kpi }},
{%- endfor %}
{%- for kpi in money %}
        cast(coalesce(pivoted.{{ kpi }}, 0) as decimal(18, 2)) as {{ kpi }},
{%- endfor %}
{%- for model in models %}
        cast(coalesce(attributed.attributed_revenue_{{ model }}, 0) as decimal(18, 2))
            as attributed_revenue_{{ model }},
{%- endfor %}
{%- for kpi in unit_costs %}
        cast(pivoted.{{ kpi }} as decimal(18, 2)) as {{ kpi }},
{%- endfor %}
{%- for kpi in ratios %}
        cast(pivoted.{{ kpi }} as double) as {{ kpi }},
{%- endfor %}
        coalesce(covered.covered_from <= pivoted.period_start, false) as is_covered
    from pivoted
    cross join as_of
    cross join covered
    left join channel_roles on channel_roles.channel = pivoted.channel
    left join attributed
        on attributed.grain = pivoted.grain
        and attributed.period_start = pivoted.period_start
        and attributed.channel = pivoted.channel
)

select * from final

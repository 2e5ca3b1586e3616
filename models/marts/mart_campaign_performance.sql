-- Campaign performance per (grain, period, Salesforce campaign) for dashboards, from
-- int_kpi__campaign_events: the campaign's cost (ad spend of the ad campaigns linked to it,
-- fct_ad_spend_daily crm_campaign_id, and its own ActualCost spread over its days), leads and
-- MQLs acquired through it (first touch), new-business opportunities and pipeline it sourced
-- (first_touch), new customers, new-business revenue attributed to its touches under every
-- model, and cpl, cost_per_mql, cost_per_opportunity, cac (marketing_cost per unit), roas
-- (attributed revenue / ad spend) and romi ((attributed revenue - marketing_cost) /
-- marketing_cost) of var kpi_attribution_model. Published types: counts BIGINT, money
-- DECIMAL(18, 2) in `currency`, ratios DOUBLE. ad_spend is NULL for a campaign no ad campaign
-- is linked to (unknown) and 0 in a period without spend for one that is; other sums are 0
-- when empty; ratios are NULL on a 0 or NULL denominator. One row per period with any event
-- of the campaign, in the periods of int_reporting__periods (none ending before the first data
-- day). is_covered: every source the row's KPIs need (int_kpi__source_coverage of the KPIs
-- named like its columns) has data from period_start on, the rule of mart_kpis.is_covered.
-- Campaign names for display only (never joined on). Not in mart_kpis
-- (campaign totals are not additive to it: people and deals without a campaign touch are in no
-- campaign, other_cost has no campaign).
{% set models = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
{% set counts = ['new_leads', 'mqls', 'opportunities_created', 'new_customers'] %}
{% set row_kpis = counts + ['ad_spend', 'program_cost', 'marketing_cost', 'pipeline_created',
    'attributed_revenue', 'cpl', 'cost_per_mql', 'cost_per_opportunity', 'cac', 'roas',
    'romi'] %}
with events as (
    select * from {{ ref('int_kpi__campaign_events') }}
),

as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaign') }}
),

periods as (
    select grain, period_start from {{ ref('int_reporting__periods') }}
),

covered as (
    select max(first_date) as covered_from
    from {{ ref('int_kpi__source_coverage') }}
    where kpi in (
        {%- for kpi in row_kpis %}'{{ kpi }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
),

spend_campaigns as (
    select distinct campaign_id from events where measure = 'ad_spend'
),

bucketed as (
    select
        events.*,
        periods.grain,
        periods.period_start
    from events
    inner join periods
        on periods.period_start = cast(date_trunc(periods.grain, events.event_date) as date)
),

aggregated as (
    select
        grain,
        period_start,
        campaign_id,
        sum(amount) filter (where measure = 'ad_spend') as ad_spend,
        coalesce(sum(amount) filter (where measure = 'program_cost'), 0) as program_cost,
{%- for count in counts %}
        count(distinct entity_id) filter (where measure = '{{ count }}') as {{ count }},
{%- endfor %}
        coalesce(sum(amount) filter (where measure = 'pipeline_created'), 0)
            as pipeline_created,
{%- for model in models %}
        coalesce(sum(amount) filter (where measure = 'attributed_revenue__{{ model }}'), 0)
            as attributed_revenue_{{ model }}{{ ',' if not loop.last }}
{%- endfor %}
    from bucketed
    group by grain, period_start, campaign_id
),

with_cost as (
    select
        aggregated.* replace (
            case
                when spend_campaigns.campaign_id is null then null
                else coalesce(aggregated.ad_spend, 0)
            end as ad_spend
        ),
        coalesce(aggregated.ad_spend, 0) + aggregated.program_cost as marketing_cost,
        case as_of.attribution_model
{%- for model in models %}
            when '{{ model }}' then aggregated.attributed_revenue_{{ model }}
{%- endfor %}
        end as attributed_revenue,
        as_of.reporting_currency as currency
    from aggregated
    cross join as_of
    left join spend_campaigns on spend_campaigns.campaign_id = aggregated.campaign_id
),

final as (
    select
        with_cost.grain,
        with_cost.period_start,
        with_cost.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        with_cost.currency,
{%- for count in counts %}
        cast(with_cost.{{ count }} as bigint) as {{ count }},
{%- endfor %}
        cast(with_cost.ad_spend as decimal(18, 2)) as spend,
        cast(with_cost.ad_spend as decimal(18, 2)) as ad_spend,
        cast(with_cost.program_cost as decimal(18, 2)) as program_cost,
        cast(with_cost.marketing_cost as decimal(18, 2)) as marketing_cost,
        cast(with_cost.pipeline_created as decimal(18, 2)) as pipeline_created,
        cast(with_cost.attributed_revenue as decimal(18, 2)) as attributed_revenue,
{%- for model in models %}
        cast(with_cost.attributed_revenue_{{ model }} as decimal(18, 2))
            as attributed_revenue_{{ model }},
{%- endfor %}
        cast(with_cost.marketing_cost / nullif(with_cost.new_leads, 0) as decimal(18, 2)) as cpl,
        cast(with_cost.marketing_cost / nullif(with_cost.mqls, 0) as decimal(18, 2))
            as cost_per_mql,
        cast(with_cost.marketing_cost / nullif(with_cost.opportunities_created, 0)
            as decimal(18, 2)) as cost_per_opportunity,
        cast(with_cost.marketing_cost / nullif(with_cost.new_customers, 0) as decimal(18, 2))
            as cac,
        cast(with_cost.attributed_revenue / nullif(with_cost.ad_spend, 0) as double) as roas,
        cast(
            (with_cost.attributed_revenue - with_cost.marketing_cost)
            / nullif(with_cost.marketing_cost, 0) as double
        ) as romi,
        coalesce(covered.covered_from <= with_cost.period_start, false) as is_covered
    from with_cost
    cross join covered
    left join campaigns on campaigns.campaign_id = with_cost.campaign_id
)

select * from final

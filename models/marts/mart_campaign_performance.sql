-- Campaign performance per (grain, period, Salesforce campaign) for dashboards, from
-- int_kpi__campaign_events: spend of the ad campaigns linked to it (reporting currency; NULL
-- for a campaign no ad campaign is linked to, 0 in a period without spend for one that is),
-- leads and MQLs acquired through it (first touch), opportunities and pipeline it sourced
-- (first_touch), new customers, revenue attributed to its touches under every model, and
-- cpl, cost_per_mql, cost_per_opportunity, cac, roas and romi (attributed revenue of var
-- kpi_attribution_model). Ratios are NULL on a 0 or NULL denominator. One row per period
-- with any event of the campaign. Campaign names for display only (never joined on).
-- Campaign-level figures are not in mart_kpis (campaign totals are not additive to it:
-- people and deals without a campaign touch are in no campaign).
{% set models = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
{% set counts = ['new_leads', 'mqls', 'opportunities_created', 'new_customers'] %}
with events as (
    select * from {{ ref('int_kpi__campaign_events') }}
),

as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaign') }}
),

grains as (
    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)
),

spend_campaigns as (
    select distinct campaign_id from events where measure = 'spend'
),

bucketed as (
    select
        events.*,
        grains.grain,
        cast(date_trunc(grains.grain, events.event_date) as date) as period_start
    from events
    cross join grains
),

aggregated as (
    select
        grain,
        period_start,
        campaign_id,
        sum(amount) filter (where measure = 'spend') as spend,
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

with_spend as (
    select
        aggregated.* replace (
            case
                when spend_campaigns.campaign_id is null then null
                else coalesce(aggregated.spend, 0)
            end as spend
        ),
        case as_of.attribution_model
{%- for model in models %}
            when '{{ model }}' then aggregated.attributed_revenue_{{ model }}
{%- endfor %}
        end as attributed_revenue
    from aggregated
    cross join as_of
    left join spend_campaigns on spend_campaigns.campaign_id = aggregated.campaign_id
),

final as (
    select
        with_spend.grain,
        with_spend.period_start,
        with_spend.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        with_spend.spend,
{%- for count in counts %}
        with_spend.{{ count }},
{%- endfor %}
        with_spend.pipeline_created,
        with_spend.attributed_revenue,
{%- for model in models %}
        with_spend.attributed_revenue_{{ model }},
{%- endfor %}
        with_spend.spend / nullif(with_spend.new_leads, 0) as cpl,
        with_spend.spend / nullif(with_spend.mqls, 0) as cost_per_mql,
        with_spend.spend / nullif(with_spend.opportunities_created, 0) as cost_per_opportunity,
        with_spend.spend / nullif(with_spend.new_customers, 0) as cac,
        with_spend.attributed_revenue / nullif(with_spend.spend, 0) as roas,
        (with_spend.attributed_revenue - with_spend.spend) / nullif(with_spend.spend, 0)
            as romi
    from with_spend
    left join campaigns on campaigns.campaign_id = with_spend.campaign_id
)

select * from final

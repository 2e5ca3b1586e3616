-- Campaign-level events for mart_campaign_performance, one row per (measure, entity, event)
-- with the Salesforce campaign id it counts for (ids only, never names) and its date (on or
-- before as_of):
--   ad_spend               ad spend (reporting currency) of ad campaigns linked to the
--                          campaign (int_marketing_cost__daily campaign_id)
--   program_cost           the campaign's ActualCost spread over its days (same model)
--   new_leads, mqls        people by the campaign of their acquisition (first) touch
--                          (int_person__acquisition), at lead_at / mql_at
--   opportunities_created  new-business opportunities by the campaign of their first_touch
--   pipeline_created       credited touch, at the creation date (amount_reporting)
--   new_customers          accounts by the first_touch campaign of their first won new-business
--                          opportunity (int_kpi__new_customers)
--   attributed_revenue__*  fct_attribution revenue_amount by credited touch campaign, per model,
--                          at the close date of new-business opportunities won by as_of
with as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

costs as (
    select * from {{ ref('int_marketing_cost__daily') }}
    where campaign_id is not null and cost_component in ('ad_spend', 'program_cost')
),

people as (
    select * from {{ ref('int_kpi__people') }}
),

acquisition as (
    select * from {{ ref('int_person__acquisition') }}
),

opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
    where type_group = 'new_business'
),

new_customers as (
    select * from {{ ref('int_kpi__new_customers') }}
),

attribution as (
    select * from {{ ref('fct_attribution') }}
),

first_touch_campaigns as (
    select opportunity_id, campaign_id
    from attribution
    where model = 'first_touch' and campaign_id is not null
),

unioned as (
    select cost_component as measure, campaign_id, date as event_date, cost_id as entity_id,
        cast(amount_reporting as decimal(38, 6)) as amount
    from costs
    union all
    select 'new_leads', acquisition.first_touch_campaign_id, cast(people.lead_at as date),
        people.person_id, null
    from people
    inner join acquisition on acquisition.person_id = people.person_id
    where acquisition.first_touch_campaign_id is not null
    union all
    select 'mqls', acquisition.first_touch_campaign_id, cast(people.mql_at as date),
        people.person_id, null
    from people
    inner join acquisition on acquisition.person_id = people.person_id
    where acquisition.first_touch_campaign_id is not null and people.mql_at is not null
    union all
    select 'opportunities_created', first_touch_campaigns.campaign_id,
        opportunities.created_date, opportunities.opportunity_id, null
    from opportunities
    inner join first_touch_campaigns
        on first_touch_campaigns.opportunity_id = opportunities.opportunity_id
    union all
    select 'pipeline_created', first_touch_campaigns.campaign_id, opportunities.created_date,
        opportunities.opportunity_id, cast(opportunities.amount_reporting as decimal(38, 6))
    from opportunities
    inner join first_touch_campaigns
        on first_touch_campaigns.opportunity_id = opportunities.opportunity_id
    union all
    select 'new_customers', first_touch_campaigns.campaign_id, new_customers.first_won_date,
        new_customers.account_id, null
    from new_customers
    inner join first_touch_campaigns
        on first_touch_campaigns.opportunity_id = new_customers.opportunity_id
    union all
    select 'attributed_revenue__' || attribution.model, attribution.campaign_id,
        attribution.revenue_date, attribution.attribution_id,
        cast(attribution.revenue_amount as decimal(38, 6))
    from attribution
    inner join opportunities on opportunities.opportunity_id = attribution.opportunity_id
    where opportunities.is_won and attribution.campaign_id is not null
),

final as (
    select unioned.*
    from unioned
    cross join as_of
    where unioned.event_date is not null and unioned.event_date <= as_of.as_of
)

select * from final

-- Campaign-level events for mart_campaign_performance, one row per (measure, entity, event)
-- with the Salesforce campaign id it counts for (ids only, never names) and its date (on or
-- before as_of):
--   spend                  fct_ad_spend_daily.spend_reporting of ad campaigns linked to the
--                          campaign (crm_campaign_id)
--   new_leads, mqls        people by the campaign of their acquisition (first) touch
--                          (int_person__acquisition), at lead_at / mql_at
--   opportunities_created  opportunities by the campaign of their first_touch credited touch,
--   pipeline_created       at the creation date (amount_reporting)
--   new_customers          accounts by the first_touch campaign of their first won opportunity
--   attributed_revenue__*  fct_attribution revenue_amount by credited touch campaign, per model,
--                          at the close date of opportunities won by as_of
with as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend_daily') }}
),

people as (
    select * from {{ ref('int_kpi__people') }}
),

acquisition as (
    select * from {{ ref('int_person__acquisition') }}
),

opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

accounts as (
    select * from {{ ref('int_kpi__accounts') }}
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
    select 'spend' as measure, crm_campaign_id as campaign_id, date as event_date,
        ad_spend_id as entity_id, cast(spend_reporting as decimal(38, 6)) as amount
    from ad_spend
    where crm_campaign_id is not null
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
    select 'new_customers', first_touch_campaigns.campaign_id, accounts.first_won_date,
        accounts.account_id, null
    from accounts
    inner join first_touch_campaigns
        on first_touch_campaigns.opportunity_id = accounts.first_won_opportunity_id
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

-- Opportunities as the KPI marts see them on as_of: created on or before as_of; won / lost in
-- their latest state only when closed on or before as_of (a deal closing later is open on
-- as_of). channel = the opportunity's first_touch channel (fct_attribution, 'unattributed'
-- without touches); icp_segment = its account's (int_kpi__icp_accounts; no account = unknown);
-- is_influenced = any touch in the lookback window; is_marketing_sourced = a linked person
-- (int_opportunity__people) was acquired through a channel other than 'unattributed'.
with opportunities as (
    select * from {{ ref('fct_opportunity') }}
),

as_of as (
    select as_of from {{ ref('int_reporting__as_of') }}
),

attribution as (
    select * from {{ ref('fct_attribution') }}
),

icp_accounts as (
    select * from {{ ref('int_kpi__icp_accounts') }}
),

opportunity_people as (
    select * from {{ ref('int_opportunity__people') }}
),

acquisition as (
    select * from {{ ref('int_person__acquisition') }}
),

channels as (
    select
        opportunity_id,
        min(opportunity_channel) as channel,
        bool_or(touch_id is not null) as is_influenced
    from attribution
    group by opportunity_id
),

sourced as (
    select distinct opportunity_people.opportunity_id
    from opportunity_people
    inner join acquisition on acquisition.person_id = opportunity_people.person_id
    where acquisition.acquisition_channel <> 'unattributed'
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.type_group,
        opportunities.created_date,
        opportunities.close_date,
        opportunities.amount_reporting,
        opportunities.is_closed and opportunities.close_date <= as_of.as_of as is_closed,
        opportunities.is_won and opportunities.close_date <= as_of.as_of as is_won,
        opportunities.is_closed
            and not opportunities.is_won
            and opportunities.close_date <= as_of.as_of as is_lost,
        opportunities.close_date - opportunities.created_date as cycle_days,
        coalesce(channels.channel, 'unattributed') as channel,
        coalesce(icp_accounts.icp_segment, 'unknown') as icp_segment,
        coalesce(channels.is_influenced, false) as is_influenced,
        sourced.opportunity_id is not null as is_marketing_sourced
    from opportunities
    cross join as_of
    left join channels on channels.opportunity_id = opportunities.opportunity_id
    left join icp_accounts on icp_accounts.account_id = opportunities.account_id
    left join sourced on sourced.opportunity_id = opportunities.opportunity_id
    where opportunities.created_date <= as_of.as_of
)

select * from final

-- Opportunities as the KPI marts see them on as_of: created on or before as_of; won / lost in
-- their latest state only when closed on or before as_of (a deal closing later is open on
-- as_of). channel = the opportunity's first_touch channel (fct_attribution, 'unattributed'
-- without touches); icp_segment = its account's (int_kpi__icp_accounts; no account = unknown);
-- is_influenced = any touch in the lookback window; channel_role = the role of its channel
-- (seed channel_roles, none when not listed); is_marketing_sourced = that channel is a marketing
-- channel (the same first touch in the lookback window that gives the opportunity its channel).
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

channel_roles as (
    select channel, channel_role as role, is_paid_ad_channel from {{ ref('dim_channel') }}
),

channels as (
    select
        opportunity_id,
        min(opportunity_channel) as channel,
        bool_or(touch_id is not null) as is_influenced
    from attribution
    group by opportunity_id
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
        coalesce(channel_roles.role, 'none') as channel_role,
        coalesce(icp_accounts.icp_segment, 'unknown') as icp_segment,
        coalesce(channels.is_influenced, false) as is_influenced,
        coalesce(channel_roles.role, 'none') = 'marketing' as is_marketing_sourced
    from opportunities
    cross join as_of
    left join channels on channels.opportunity_id = opportunities.opportunity_id
    left join icp_accounts on icp_accounts.account_id = opportunities.account_id
    left join channel_roles
        on channel_roles.channel = coalesce(channels.channel, 'unattributed')
    where opportunities.created_date <= as_of.as_of
)

select * from final

-- New customers as the money KPIs count them: every account with a won new-business opportunity
-- closed by as_of, at its first one (earliest close date, then creation, then id). channel = the
-- channel of that opportunity (its first touch in the lookback window), so CAC by channel
-- follows the rule that gives the opportunity its channel; channel_role from seed channel_roles.
with opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

first_won as (
    select
        account_id,
        arg_min(opportunity_id, (close_date, created_date, opportunity_id)) as opportunity_id,
        min(close_date) as first_won_date
    from opportunities
    where is_won and type_group = 'new_business' and account_id is not null
    group by account_id
),

final as (
    select
        first_won.account_id,
        first_won.opportunity_id,
        first_won.first_won_date,
        opportunities.channel,
        opportunities.channel_role,
        opportunities.icp_segment
    from first_won
    inner join opportunities on opportunities.opportunity_id = first_won.opportunity_id
)

select * from final

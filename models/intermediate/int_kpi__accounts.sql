-- Customer accounts as the KPI marts see them on as_of: every account with a won opportunity
-- (any type) closed by as_of (int_kpi__opportunities). first_won_* is its first won
-- opportunity (earliest close date, then creation, then id); channel = that opportunity's
-- channel (accounts count by the channel of their first won opportunity); icp_segment from
-- int_kpi__icp_accounts.
with opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

first_won as (
    select
        account_id,
        arg_min(opportunity_id, (close_date, created_date, opportunity_id))
            as first_won_opportunity_id,
        min(close_date) as first_won_date
    from opportunities
    where is_won and account_id is not null
    group by account_id
),

final as (
    select
        first_won.account_id,
        first_won.first_won_opportunity_id,
        first_won.first_won_date,
        opportunities.channel,
        opportunities.icp_segment
    from first_won
    inner join opportunities
        on opportunities.opportunity_id = first_won.first_won_opportunity_id
)

select * from final

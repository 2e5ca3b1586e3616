-- Contracts behind ARR: every opportunity won by as_of with an account (int_kpi__opportunities)
-- starts a contract [close date, close date + 12 months) with arr = its amount_reporting. A won
-- renewal replaces the account's contracts running on its close date: a contract ends at the
-- first later won renewal of its account closing before the contract's natural end, else at
-- its natural end (unrenewed: ARR drops to 0 then). Contracts cover the days
-- starts_on <= day < ends_on. Account segments: the channel of the account's first won
-- opportunity and its ICP segment (int_kpi__accounts).
with opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

accounts as (
    select * from {{ ref('int_kpi__accounts') }}
),

won as (
    select
        opportunity_id,
        account_id,
        type_group,
        close_date as starts_on,
        cast(close_date + interval 12 month as date) as natural_ends_on,
        amount_reporting as arr
    from opportunities
    where is_won and account_id is not null
),

renewals as (
    select opportunity_id, account_id, starts_on as renewed_on
    from won
    where type_group = 'renewal'
),

replaced as (
    select
        won.opportunity_id,
        min(renewals.renewed_on) as replaced_on
    from won
    inner join renewals
        on renewals.account_id = won.account_id
        and renewals.opportunity_id <> won.opportunity_id
        and renewals.renewed_on > won.starts_on
        and renewals.renewed_on < won.natural_ends_on
    group by won.opportunity_id
),

final as (
    select
        won.opportunity_id,
        won.account_id,
        won.type_group,
        won.starts_on,
        won.natural_ends_on,
        coalesce(replaced.replaced_on, won.natural_ends_on) as ends_on,
        replaced.replaced_on is not null as is_replaced_by_renewal,
        won.arr,
        accounts.channel,
        accounts.icp_segment
    from won
    inner join accounts on accounts.account_id = won.account_id
    left join replaced on replaced.opportunity_id = won.opportunity_id
)

select * from final

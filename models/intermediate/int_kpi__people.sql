-- People as the KPI marts see them on as_of: persons (dim_person) who reached lead by as_of,
-- with their "reached" stage times (stage or any later one, dim_person) nulled when after
-- as_of, their acquisition channel (int_person__acquisition) and the ICP segment of their
-- account (int_kpi__icp_accounts; no account = non_icp). Keys only, no personal data.
with people as (
    select * from {{ ref('dim_person') }}
),

as_of as (
    select as_of, cast(as_of + interval 1 day as timestamp) as as_of_end
    from {{ ref('int_reporting__as_of') }}
),

acquisition as (
    select * from {{ ref('int_person__acquisition') }}
),

icp_accounts as (
    select * from {{ ref('int_kpi__icp_accounts') }}
),

final as (
    select
        people.person_id,
        people.account_id,
        coalesce(acquisition.acquisition_channel, 'unattributed') as channel,
        coalesce(icp_accounts.icp_segment, 'non_icp') as icp_segment,
        people.lead_at,
        case when people.mql_at < as_of.as_of_end then people.mql_at end as mql_at,
        case when people.sql_at < as_of.as_of_end then people.sql_at end as sql_at,
        case when people.opportunity_at < as_of.as_of_end then people.opportunity_at end
            as opportunity_at
    from people
    cross join as_of
    left join acquisition on acquisition.person_id = people.person_id
    left join icp_accounts on icp_accounts.account_id = people.account_id
    where people.lead_at < as_of.as_of_end
)

select * from final

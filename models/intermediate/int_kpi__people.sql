-- People as the KPI marts see them on as_of: persons (dim_person) who reached lead by as_of,
-- with their "reached" stage times (stage or any later one, dim_person) nulled when after
-- as_of, their acquisition channel (int_person__acquisition) and their ICP segment
-- (dim_person.icp_fit: icp, non_icp or unknown). Keys only, no personal data.
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

final as (
    select
        people.person_id,
        people.account_id,
        coalesce(acquisition.acquisition_channel, 'unattributed') as channel,
        people.icp_fit as icp_segment,
        people.lead_at,
        case when people.mql_at < as_of.as_of_end then people.mql_at end as mql_at,
        case when people.mql_or_later_at < as_of.as_of_end then people.mql_or_later_at end
            as mql_or_later_at,
        case when people.sql_at < as_of.as_of_end then people.sql_at end as sql_at,
        case when people.opportunity_at < as_of.as_of_end then people.opportunity_at end
            as opportunity_at,
        people.is_sales_generated and people.sql_at < as_of.as_of_end as is_sales_generated,
        people.marketo_records > 0
            and people.salesforce_lead_records + people.salesforce_contact_records > 0
            as is_cross_system,
        people.marketo_records + people.salesforce_contact_records
            + people.salesforce_unconverted_lead_records as family_records,
        people.duplicate_records
    from people
    cross join as_of
    left join acquisition on acquisition.person_id = people.person_id
    where people.lead_at < as_of.as_of_end
)

select * from final

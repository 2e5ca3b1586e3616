-- Salesforce campaign responses, one row per campaign member that responded (HasResponded, or a
-- FirstRespondedDate). FirstRespondedDate is a date: the touch is at midnight UTC of that date
-- (never shifted); a response without a date is placed at midnight of the member's creation
-- day. The person is the member's contact's person, else its lead's (int_identity__crosswalk);
-- members without a person are dropped.
with members as (
    select * from {{ ref('stg_salesforce__campaign_member') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaign') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

responses as (
    select *
    from members
    where has_responded
),

contact_people as (
    select source_id, person_id
    from crosswalk
    where source_system = 'salesforce' and source_object = 'Contact'
),

lead_people as (
    select source_id, person_id
    from crosswalk
    where source_system = 'salesforce' and source_object = 'Lead'
),

final as (
    select
        'salesforce:' || responses.campaign_member_id as touch_id,
        coalesce(contact_people.person_id, lead_people.person_id) as person_id,
        cast(coalesce(responses.first_responded_date, cast(responses.created_at as date))
            as timestamp) as touched_at,
        'campaign_response' as touch_type,
        'salesforce' as source_system,
        responses.campaign_member_id as source_record_id,
        responses.campaign_id,
        campaigns.campaign_type,
        responses.status as member_status
    from responses
    left join contact_people on contact_people.source_id = responses.contact_id
    left join lead_people on lead_people.source_id = responses.lead_id
    left join campaigns on campaigns.campaign_id = responses.campaign_id
    where coalesce(contact_people.person_id, lead_people.person_id) is not null
        and coalesce(responses.first_responded_date, cast(responses.created_at as date))
            is not null
)

select * from final

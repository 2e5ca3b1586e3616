-- Lifecycle evidence, one row per (person, stage, time, evidence). Stages: lead, mql, sql,
-- opportunity, customer. Evidence:
--   record_created     any live record of the person was created (lead); a Salesforce lead
--                      with no timestamp at all (stg_salesforce__lead.created_at) at its first
--                      campaign-member response (FirstRespondedDate, else the member's
--                      CreatedDate when it responded)
--   marketo_status     a Marketo "Change Data Value" on var('marketo_status_attribute')
--                      ("Lead Status"); its "New Value" mapped by the seed lead_status_stages
--   marketo_score      (only when var('mql_score_threshold') is set) a "Change Score" activity
--                      whose new value reaches the threshold (mql)
--   status_version     the earliest delivered version of a Salesforce lead (SystemModstamp) or a
--                      Marketo lead (updatedAt) whose status maps to mql/sql: statuses that
--                      changed between extracts are dated at the first extract showing them
--   lead_conversion    a converted Salesforce lead (sql), at ConvertedDate (not before creation)
--   opportunity        the creation of an opportunity linked to the person
--   customer           the close date of a won new_business opportunity linked to the person
--                      (its latest state: a deal won and later lost does not count)
with crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__lead') }}
),

campaign_members as (
    select * from {{ ref('stg_salesforce__campaign_member') }}
),

raw_salesforce_leads as (
    select * from {{ source('salesforce', 'Lead') }}
),

raw_marketo_leads as (
    select * from {{ source('marketo', 'leads') }}
),

opportunity_people as (
    select * from {{ ref('int_opportunity__people') }}
),

opportunities as (
    select * from {{ ref('int_opportunity__opportunities') }}
),

status_stages as (
    select
        lower(trim(status)) as status_key,
        min(stage) as stage
    from {{ source('seeds', 'lead_status_stages') }}
    group by all
),

marketo_people as (
    select
        cast(source_id as bigint) as lead_id,
        person_id
    from crosswalk
    where source_system = 'marketo' and source_object = 'leads'
),

lead_first_responses as (
    select
        lead_id,
        min(coalesce(cast(first_responded_date as timestamp), created_at)) as responded_at
    from campaign_members
    where lead_id is not null and has_responded
    group by lead_id
),

record_created as (
    select
        crosswalk.person_id,
        'lead' as stage,
        coalesce(records.created_at, lead_first_responses.responded_at) as entered_at,
        'record_created' as evidence
    from records
    inner join crosswalk on crosswalk.record_key = records.record_key
    left join lead_first_responses
        on crosswalk.source_system = 'salesforce'
        and crosswalk.source_object = 'Lead'
        and lead_first_responses.lead_id = crosswalk.source_id
    where coalesce(records.created_at, lead_first_responses.responded_at) is not null
),

marketo_status as (
    select
        marketo_people.person_id,
        status_stages.stage,
        activities.activity_at as entered_at,
        'marketo_status' as evidence
    from activities
    inner join marketo_people on marketo_people.lead_id = activities.lead_id
    inner join status_stages
        on status_stages.status_key = lower(trim(activities.attributes ->> 'New Value'))
    where activities.activity_type_name = 'Change Data Value'
        and lower(coalesce(
            activities.attributes ->> 'Attribute Name', activities.primary_attribute_value
        )) = lower('{{ var("marketo_status_attribute", "Lead Status") }}')
),

marketo_score as (
{% if var('mql_score_threshold', none) is not none %}
    select
        marketo_people.person_id,
        'mql' as stage,
        activities.activity_at as entered_at,
        'marketo_score' as evidence
    from activities
    inner join marketo_people on marketo_people.lead_id = activities.lead_id
    where activities.activity_type_name = 'Change Score'
        and try_cast(activities.attributes ->> 'New Value' as double)
            >= {{ var('mql_score_threshold', none) }}
{% else %}
    select
        cast(null as varchar) as person_id,
        cast(null as varchar) as stage,
        cast(null as timestamp) as entered_at,
        cast(null as varchar) as evidence
    where false
{% endif %}
),

salesforce_status_versions as (
    select
        crosswalk.person_id,
        status_stages.stage,
        min(coalesce(
            raw_salesforce_leads.system_modstamp,
            raw_salesforce_leads.last_modified_date,
            raw_salesforce_leads.created_date
        )) as entered_at,
        'status_version' as evidence
    from raw_salesforce_leads
    inner join crosswalk
        on crosswalk.source_system = 'salesforce'
        and crosswalk.source_object = 'Lead'
        and crosswalk.source_id = raw_salesforce_leads.id
    inner join status_stages on status_stages.status_key = lower(trim(raw_salesforce_leads.status))
    group by all
),

marketo_status_versions as (
    select
        marketo_people.person_id,
        status_stages.stage,
        min(coalesce(raw_marketo_leads.updated_at, raw_marketo_leads.created_at)) as entered_at,
        'status_version' as evidence
    from raw_marketo_leads
    inner join marketo_people on marketo_people.lead_id = raw_marketo_leads.id
    inner join status_stages
        on status_stages.status_key = lower(trim(raw_marketo_leads.lead_status))
    group by all
),

lead_conversion as (
    select
        crosswalk.person_id,
        'sql' as stage,
        greatest(
            cast(salesforce_leads.converted_date as timestamp), salesforce_leads.created_at
        ) as entered_at,
        'lead_conversion' as evidence
    from salesforce_leads
    inner join crosswalk
        on crosswalk.source_system = 'salesforce'
        and crosswalk.source_object = 'Lead'
        and crosswalk.source_id = salesforce_leads.lead_id
    where salesforce_leads.is_converted
),

opportunity_created as (
    select
        opportunity_people.person_id,
        'opportunity' as stage,
        opportunities.created_at as entered_at,
        'opportunity' as evidence
    from opportunity_people
    inner join opportunities on opportunities.opportunity_id = opportunity_people.opportunity_id
),

customer as (
    select
        opportunity_people.person_id,
        'customer' as stage,
        cast(opportunities.close_date as timestamp) as entered_at,
        'customer' as evidence
    from opportunity_people
    inner join opportunities on opportunities.opportunity_id = opportunity_people.opportunity_id
    where opportunities.is_won and opportunities.type_group = 'new_business'
),

final as (
    select * from record_created
    union all
    select * from marketo_status
    union all
    select * from marketo_score
    union all
    select * from salesforce_status_versions
    union all
    select * from marketo_status_versions
    union all
    select * from lead_conversion
    union all
    select * from opportunity_created
    union all
    select * from customer
)

select * from final
where entered_at is not null

-- Marketo leads: latest version per id by updatedAt, then delivery. Leads deleted in Marketo
-- (a "Delete Lead" activity) and leads merged into another (listed on the survivor's "Merge
-- Leads" activity) are dropped; int_identity__merges keeps the merge pointers.
with source as (
    select * from {{ source('marketo', 'leads') }}
),

raw_activities as (
    select * from {{ source('marketo', 'activities') }}
),

activity_types as (
    select * from {{ ref('stg_marketo__activity_types') }}
),

activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

deleted_leads as (
    select distinct raw_activities.lead_id
    from raw_activities
    inner join activity_types
        on activity_types.activity_type_id = raw_activities.activity_type_id
    where activity_types.activity_type_name = 'Delete Lead'
),

merge_pointers as (
    select
        lead_id as survivor_lead_id,
        unnest(merged_lead_ids) as merged_lead_id
    from activities
    where merged_lead_ids is not null
),

merged_leads as (
    select distinct merged_lead_id as lead_id
    from merge_pointers
    where merged_lead_id <> survivor_lead_id
),

removed_leads as (
    select lead_id from deleted_leads
    union
    select lead_id from merged_leads
),

latest as (
    select *
    from {{ latest_versions('source', 'id', 'updated_at desc nulls last, _file desc, _line desc') }}
        as versions
),

renamed as (
    select
        id as lead_id,
        nullif(trim(email), '') as email,
        {{ normalise_email('email') }} as email_normalised,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(company), '') as company,
        nullif(trim(title), '') as title,
        nullif(trim(country), '') as country,
        nullif(trim(industry), '') as industry,
        number_of_employees,
        nullif(trim(lead_status), '') as lead_status,
        lead_score,
        nullif(trim(lead_source), '') as lead_source,
        nullif(trim(sfdc_type), '') as sfdc_type,
        sfdc_lead_id,
        sfdc_contact_id,
        sfdc_account_id,
        nullif(trim(utm_source), '') as utm_source,
        nullif(trim(utm_medium), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,
        nullif(trim(utm_content), '') as utm_content,
        nullif(trim(utm_term), '') as utm_term,
        created_at,
        updated_at
    from latest
),

final as (
    select renamed.*
    from renamed
    anti join removed_leads on removed_leads.lead_id = renamed.lead_id
)

select * from final

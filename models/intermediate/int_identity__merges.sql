-- Merge pointers: a record merged into another (the loser) -> the record that survived.
-- Salesforce: the loser's latest version is deleted and carries MasterRecordId = survivor (the
-- staging models drop deleted records, so the pointers are read from the raw versions here with
-- the same CDC rule). Marketo: the survivor's "Merge Leads" activity lists the merged ids.
with salesforce_leads as (
    select * from {{ source('salesforce', 'Lead') }}
),

salesforce_contacts as (
    select * from {{ source('salesforce', 'Contact') }}
),

marketo_activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

salesforce_versions as (
    select
        'Lead' as source_object, id, master_record_id, is_deleted, system_modstamp,
        last_modified_date, fivetran_synced, _file, _line
    from salesforce_leads
    union all
    select
        'Contact' as source_object, id, master_record_id, is_deleted, system_modstamp,
        last_modified_date, fivetran_synced, _file, _line
    from salesforce_contacts
),

salesforce_latest as (
    select *
    from salesforce_versions
    qualify row_number() over (
        partition by source_object, id
        order by system_modstamp desc nulls last, last_modified_date desc nulls last,
            fivetran_synced desc nulls last, _file desc, _line desc
    ) = 1
),

salesforce_merges as (
    select
        'salesforce' as source_system,
        source_object,
        id as merged_id,
        master_record_id as survivor_id,
        coalesce(system_modstamp, last_modified_date) as merged_at
    from salesforce_latest
    where coalesce(is_deleted, false)
        and master_record_id is not null
        and master_record_id <> id
),

marketo_pointers as (
    select
        lead_id as survivor_lead_id,
        unnest(merged_lead_ids) as merged_lead_id,
        activity_at
    from marketo_activities
    where merged_lead_ids is not null
),

marketo_merges as (
    select
        'marketo' as source_system,
        'leads' as source_object,
        cast(merged_lead_id as varchar) as merged_id,
        cast(survivor_lead_id as varchar) as survivor_id,
        min(activity_at) as merged_at
    from marketo_pointers
    where merged_lead_id <> survivor_lead_id
    group by all
),

final as (
    select * from salesforce_merges
    union all
    select * from marketo_merges
)

select * from final

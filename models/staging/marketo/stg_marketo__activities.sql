-- Marketo activities: one row per marketoGUID (a re-delivered activity keeps its latest
-- delivery), typed, with the activity type's name; activities of deleted leads (a "Delete Lead"
-- activity exists for the lead) are dropped. Materialized as a table: it is read by several
-- models and is the largest source (~20M rows).
-- Incremental, partitioned by activity_date (delete+insert of whole days): a night rebuilds the
-- days touched by the activity loads this model has not seen (late ones included, whatever the
-- date in their names): the days, old and new, of every marketoGUID in them, every day holding
-- an activity of a lead deleted by them, and every day holding an activity type renamed since.
-- A rebuilt day is computed exactly as a full build computes it (all deliveries of its GUIDs).
{{ config(
    materialized='incremental',
    unique_key='activity_date',
    incremental_strategy='delete+insert',
    changes_from=[source('marketo', 'activities')]
) }}

with raw_activities as (
    select * from {{ source('marketo', 'activities') }}
),

activity_types as (
    select * from {{ ref('stg_marketo__activity_types') }}
),

{% if is_incremental() %}
{{ marketo_new_deliveries('raw_activities', new_loads(source('marketo', 'activities')),
    'activity_types') }}

renamed_types as (
    select activity_type_id
    from (
        select distinct activity_type_id, activity_type_name from {{ this }}
        except
        select activity_type_id, activity_type_name from activity_types
    )
),

-- one semi join per reason (an `or` of `in` subqueries defeats DuckDB's semi joins: 1.5 s ->
-- 0.1 s at 100k people)
affected_days as (
    select stored.activity_date
    from {{ this }} as stored
    semi join new_deliveries on new_deliveries.marketo_guid = stored.activity_id
    union
    select stored.activity_date
    from {{ this }} as stored
    semi join deleting_leads on deleting_leads.lead_id = stored.lead_id
    union
    select stored.activity_date
    from {{ this }} as stored
    semi join renamed_types on renamed_types.activity_type_id = stored.activity_type_id
    union
    select cast(raw_activities.activity_date as date)
    from raw_activities
    semi join new_deliveries on new_deliveries.marketo_guid = raw_activities.marketo_guid
    union
    select cast(raw_activities.activity_date as date)
    from raw_activities
    semi join deleting_leads on deleting_leads.lead_id = raw_activities.lead_id
),

source as (
    select *
    from raw_activities
    where marketo_guid in (
        select marketo_guid
        from raw_activities
        where cast(activity_date as date) in (select activity_date from affected_days)
    )
),
{% else %}
source as (
    select * from raw_activities
),
{% endif %}

latest as (
    select *
    from {{ latest_versions('source', 'marketo_guid', '_file desc, _line desc') }} as versions
),

named as (
    select
        latest.marketo_guid as activity_id,
        latest.lead_id,
        latest.activity_date as activity_at,
        cast(latest.activity_date as date) as activity_date,
        cast(latest.activity_type_id as integer) as activity_type_id,
        activity_types.activity_type_name,
        latest.campaign_id,
        latest.primary_attribute_value_id,
        latest.primary_attribute_value,
        latest.attributes,
        -- "Merge Leads" (32): the ids merged into this (surviving) lead, from the attribute
        -- "Merge Ids" (a JSON array or a comma-separated text, depending on the extract);
        -- may include the survivor itself, which consumers ignore.
        case when activity_types.activity_type_name = 'Merge Leads'
            then {{ marketo_merged_ids('latest.attributes') }}
        end as merged_lead_ids
    from latest
    left join activity_types
        on activity_types.activity_type_id = cast(latest.activity_type_id as integer)
),

-- deleted leads over all deliveries (not only the rebuilt days): the latest delivery of every
-- GUID that was ever delivered as a "Delete Lead"
delete_candidates as (
    select raw_activities.*
    from raw_activities
    where raw_activities.marketo_guid in (
        select candidates.marketo_guid
        from raw_activities as candidates
        inner join activity_types
            on activity_types.activity_type_id = cast(candidates.activity_type_id as integer)
        where activity_types.activity_type_name = 'Delete Lead'
    )
),

deleted_leads as (
    select distinct latest_deletes.lead_id
    from (
        select *
        from delete_candidates
        qualify row_number() over (partition by marketo_guid order by _file desc, _line desc) = 1
    ) as latest_deletes
    inner join activity_types
        on activity_types.activity_type_id = cast(latest_deletes.activity_type_id as integer)
    where activity_types.activity_type_name = 'Delete Lead'
),

final as (
    select named.*
    from named
    anti join deleted_leads on deleted_leads.lead_id = named.lead_id
    {% if is_incremental() %}
    where named.activity_date in (select activity_date from affected_days)
    {% endif %}
)

select * from final

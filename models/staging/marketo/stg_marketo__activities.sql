-- Marketo activities: one row per marketoGUID (a re-delivered activity keeps its latest
-- delivery), typed, with the activity type's name; activities of deleted leads (a "Delete Lead"
-- activity exists for the lead) are dropped. Materialized as a table: it is read by several
-- models and is the largest source (~20M rows).
{{ config(materialized='table') }}

with source as (
    select * from {{ source('marketo', 'activities') }}
),

activity_types as (
    select * from {{ ref('stg_marketo__activity_types') }}
),

latest as (
    select *
    from source
    qualify row_number() over (partition by marketo_guid order by _file desc, _line desc) = 1
),

named as (
    select
        latest.marketo_guid as activity_id,
        latest.lead_id,
        latest.activity_date as activity_at,
        cast(latest.activity_type_id as integer) as activity_type_id,
        activity_types.activity_type_name,
        latest.campaign_id,
        latest.primary_attribute_value_id,
        latest.primary_attribute_value,
        latest.attributes,
        -- "Merge Leads" (32): the ids merged into this (surviving) lead, from the attribute
        -- "Merge Ids" (a JSON array or a comma-separated text, depending on the extract);
        -- may include the survivor itself, which consumers ignore.
        case when activity_types.activity_type_name = 'Merge Leads' then
            cast(
                regexp_extract_all(
                    coalesce(
                        latest.attributes ->> 'Merge Ids',
                        latest.attributes ->> 'Merge ids',
                        latest.attributes ->> 'mergeIds'
                    ),
                    '[0-9]+'
                ) as bigint []
            )
        end as merged_lead_ids
    from latest
    left join activity_types
        on activity_types.activity_type_id = cast(latest.activity_type_id as integer)
),

deleted_leads as (
    select distinct lead_id
    from named
    where activity_type_name = 'Delete Lead'
),

final as (
    select named.*
    from named
    anti join deleted_leads on deleted_leads.lead_id = named.lead_id
)

select * from final

-- Salesforce CampaignMember: a lead or contact in a campaign, with its response flags; CDC per
-- id, deleted dropped.
-- A table, not a view like the other staging models: CampaignMember is the biggest Salesforce
-- object, and as a view its CDC ran once per reader (two YAML tests, a gate check and
-- int_touch__salesforce: 46 s at 1M people, 29 s as a table).
{{ config(materialized='table') }}
with source as (
    select * from {{ source('salesforce', 'CampaignMember') }}
),

latest as (
    select *
    from source
    {{ latest_salesforce_version('id') }}
),

renamed as (
    select
        id as campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        nullif(trim(status), '') as status,
        coalesce(has_responded, false) or first_responded_date is not null as has_responded,
        first_responded_date,
        created_date as created_at,
        last_modified_date as updated_at,
        coalesce(is_deleted, false) as is_deleted
    from latest
),

final as (
    select * exclude (is_deleted)
    from renamed
    where not is_deleted
)

select * from final

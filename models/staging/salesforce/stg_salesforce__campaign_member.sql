-- Salesforce CampaignMember: a lead or contact in a campaign, with its response flags; CDC per
-- id, deleted dropped.
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

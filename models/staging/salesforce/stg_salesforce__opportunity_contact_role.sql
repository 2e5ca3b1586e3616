-- Salesforce OpportunityContactRole: contacts attached to opportunities; CDC, deleted dropped.
with source as (
    select * from {{ source('salesforce', 'OpportunityContactRole') }}
),

latest as (
    select * from {{ latest_salesforce_versions('source') }} as versions
),

renamed as (
    select
        id as opportunity_contact_role_id,
        opportunity_id,
        contact_id,
        nullif(trim(role), '') as role,
        coalesce(is_primary, false) as is_primary,
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

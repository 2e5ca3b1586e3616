-- Salesforce campaigns: latest delivered version per id (CDC), deleted dropped.
with source as (
    select * from {{ source('salesforce', 'Campaign') }}
),

latest as (
    select * from {{ latest_salesforce_versions('source') }} as versions
),

renamed as (
    select
        id as campaign_id,
        nullif(trim(name), '') as campaign_name,
        nullif(trim(type), '') as campaign_type,
        parent_id as parent_campaign_id,
        nullif(trim(status), '') as status,
        start_date,
        end_date,
        budgeted_cost,
        actual_cost,
        coalesce(is_active, false) as is_active,
        owner_id,
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

-- Salesforce accounts: latest delivered version per id (CDC), deleted and merged-away dropped.
with source as (
    select * from {{ source('salesforce', 'Account') }}
),

latest as (
    select * from {{ latest_salesforce_versions('source') }} as versions
),

renamed as (
    select
        id as account_id,
        master_record_id,
        nullif(trim(name), '') as account_name,
        nullif(trim(type), '') as account_type,
        parent_id as parent_account_id,
        nullif(trim(industry), '') as industry,
        number_of_employees,
        annual_revenue,
        nullif(trim(billing_country), '') as billing_country,
        nullif(trim(website), '') as website,
        owner_id,
        currency_iso_code as currency,
        created_date as created_at,
        last_modified_date as updated_at,
        system_modstamp,
        coalesce(is_deleted, false) as is_deleted
    from latest
),

final as (
    select * exclude (is_deleted)
    from renamed
    where not is_deleted
)

select * from final

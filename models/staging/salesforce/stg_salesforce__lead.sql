-- Salesforce leads: latest delivered version per id (CDC), deleted and merged-away leads dropped.
with source as (
    select * from {{ source('salesforce', 'Lead') }}
),

latest as (
    select * from {{ latest_salesforce_versions('source') }} as versions
),

renamed as (
    select
        id as lead_id,
        master_record_id,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(email), '') as email,
        {{ normalise_email('email') }} as email_normalised,
        nullif(trim(company), '') as company,
        nullif(trim(title), '') as title,
        nullif(trim(country), '') as country,
        nullif(trim(industry), '') as industry,
        number_of_employees,
        annual_revenue,
        nullif(trim(lead_source), '') as lead_source,
        nullif(trim(status), '') as status,
        rating,
        owner_id,
        coalesce(is_converted, false) or converted_contact_id is not null as is_converted,
        converted_date,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
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

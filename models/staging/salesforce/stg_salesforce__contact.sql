-- Salesforce contacts: latest delivered version per id (CDC), deleted and merged-away dropped.
-- Incremental on contact_id, as stg_salesforce__campaign_member: a night recomputes the CDC of the
-- ids delivered in loads this model has not seen, over all their versions (as a view, every
-- reader recomputed the CDC of every contact).
{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy='delete+insert',
    changes_from=[source('salesforce', 'Contact')]
) }}
{% macro rebuild() -%}
    {{ delivered_ids(source('salesforce', 'Contact'), new_loads(source('salesforce', 'Contact')),
        as_name='contact_id') }}
{%- endmacro %}
with source as (
    select * from {{ source('salesforce', 'Contact') }}
),

{{ salesforce_versions('source', rebuilt() if is_incremental() else none, 'contact_id') }}

latest as (
    select * from {{ latest_salesforce_versions('versions') }} as latest_versions
),

renamed as (
    select
        id as contact_id,
        master_record_id,
        account_id,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(email), '') as email,
        {{ normalise_email('email') }} as email_normalised,
        nullif(trim(title), '') as title,
        nullif(trim(mailing_country), '') as country,
        nullif(trim(lead_source), '') as lead_source,
        owner_id,
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

-- Salesforce leads: latest delivered version per id (CDC), deleted and merged-away leads dropped.
-- created_at is CreatedDate; a lead without one (a Lead report may omit it) is dated at its
-- earliest known timestamp over all its delivered versions: the least of LastModifiedDate,
-- SystemModstamp and ConvertedDate (ties in that order); `created_at_source` names the column.
-- Incremental on lead_id, as stg_salesforce__campaign_member: a night recomputes the CDC of the
-- ids delivered in loads this model has not seen, over all their versions (as a view, every
-- reader recomputed the CDC of every lead).
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy='delete+insert',
    changes_from=[source('salesforce', 'Lead')]
) }}
{% macro rebuild() -%}
    {{ delivered_ids(source('salesforce', 'Lead'), new_loads(source('salesforce', 'Lead')),
        as_name='lead_id') }}
{%- endmacro %}
with source as (
    select * from {{ source('salesforce', 'Lead') }}
),

{{ salesforce_versions('source', rebuilt() if is_incremental() else none, 'lead_id') }}

latest as (
    select * from {{ latest_salesforce_versions('versions') }} as latest_versions
),

known_times as (
    select
        id,
        min(created_date) as created_date,
        least(
            min(last_modified_date), min(system_modstamp), cast(min(converted_date) as timestamp)
        ) as earliest_at,
        min(last_modified_date) as last_modified_date,
        min(system_modstamp) as system_modstamp,
        cast(min(converted_date) as timestamp) as converted_at
    from versions
    group by id
),

renamed as (
    select
        latest.id as lead_id,
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
        latest.converted_date,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        currency_iso_code as currency,
        coalesce(known_times.created_date, known_times.earliest_at) as created_at,
        case
            when known_times.created_date is not null then 'created_date'
            when known_times.earliest_at = known_times.last_modified_date
                then 'last_modified_date'
            when known_times.earliest_at = known_times.system_modstamp then 'system_modstamp'
            when known_times.earliest_at = known_times.converted_at then 'converted_date'
        end as created_at_source,
        latest.last_modified_date as updated_at,
        latest.system_modstamp,
        coalesce(is_deleted, false) as is_deleted
    from latest
    inner join known_times on known_times.id = latest.id
),

final as (
    select * exclude (is_deleted)
    from renamed
    where not is_deleted
)

select * from final

-- Salesforce opportunities: latest delivered version per id (CDC), deleted dropped.
-- Outcomes come from IsClosed/IsWon, never from stage names (customised per org).
-- Incremental on opportunity_id, as stg_salesforce__lead: a night recomputes the CDC of the ids
-- delivered in loads this model has not seen, over all their versions (as a view, each of its
-- four readers and its checks recomputed the CDC of every opportunity).
{{ config(
    materialized='incremental',
    unique_key='opportunity_id',
    incremental_strategy='delete+insert',
    changes_from=[source('salesforce', 'Opportunity')]
) }}
{% macro rebuild() -%}
    {{ delivered_ids(source('salesforce', 'Opportunity'), new_loads(source('salesforce', 'Opportunity')),
        as_name='opportunity_id') }}
{%- endmacro %}
with source as (
    select * from {{ source('salesforce', 'Opportunity') }}
),

{{ salesforce_versions('source', rebuilt() if is_incremental() else none, 'opportunity_id') }}

latest as (
    select * from {{ latest_salesforce_versions('versions') }} as latest_versions
),

renamed as (
    select
        id as opportunity_id,
        account_id,
        nullif(trim(name), '') as opportunity_name,
        nullif(trim(stage_name), '') as stage_name,
        amount,
        probability,
        expected_revenue,
        close_date,
        nullif(trim(type), '') as type,
        nullif(trim(lead_source), '') as lead_source,
        coalesce(is_closed, false) or coalesce(is_won, false) as is_closed,
        coalesce(is_won, false) as is_won,
        forecast_category,
        campaign_id,
        owner_id,
        coalesce(
            nullif(upper(trim(currency_iso_code)), ''),
            '{{ var("crm_default_currency", "USD") }}'
        ) as currency,
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

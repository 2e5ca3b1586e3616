-- Salesforce CampaignMember: a lead or contact in a campaign, with its response flags; CDC per
-- id, deleted dropped.
-- Incremental on campaign_member_id (CampaignMember is the biggest Salesforce object: 16M raw
-- rows at 1M people; as a view its CDC ran once per reader). A night recomputes the CDC of
-- the ids delivered in loads this model has not consumed (`new_loads`) over all their versions:
-- `rebuild()` lists those ids, the engine deletes their rows, and the night inserts the ones
-- whose latest version is not deleted.
{{ config(
    materialized='incremental',
    unique_key='campaign_member_id',
    incremental_strategy='delete+insert',
    changes_from=[source('salesforce', 'CampaignMember')]
) }}
{% macro rebuild() -%}
    {{ delivered_ids(source('salesforce', 'CampaignMember'), new_loads(source('salesforce', 'CampaignMember')),
        as_name='campaign_member_id') }}
{%- endmacro %}
with source as (
    select * from {{ source('salesforce', 'CampaignMember') }}
),

{{ salesforce_versions('source', rebuilt() if is_incremental() else none, 'campaign_member_id') }}

latest as (
    select * from {{ latest_salesforce_versions('versions') }} as latest_versions
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

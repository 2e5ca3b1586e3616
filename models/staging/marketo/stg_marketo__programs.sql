-- Marketo programs: latest version per id by updatedAt, then delivery. `sfdc_campaign_id` is the
-- Salesforce campaign the program is synced to (18-character id), null when not synced.
with source as (
    select * from {{ source('marketo', 'programs') }}
),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by id order by updated_at desc nulls last, _file desc, _line desc
    ) = 1
),

final as (
    select
        id as program_id,
        nullif(trim(name), '') as program_name,
        description,
        nullif(trim(type), '') as program_type,
        nullif(trim(channel), '') as channel,
        nullif(trim(status), '') as status,
        workspace,
        sfdc_id as sfdc_campaign_id,
        sfdc_name as sfdc_campaign_name,
        created_at,
        updated_at
    from latest
)

select * from final

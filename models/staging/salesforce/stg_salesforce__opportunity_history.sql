-- Salesforce OpportunityHistory: one row per change of stage, amount, probability or close
-- date; CDC per history id, deleted rows dropped.
with source as (
    select * from {{ source('salesforce', 'OpportunityHistory') }}
),

latest as (
    select * from {{ latest_salesforce_versions('source') }} as versions
),

renamed as (
    select
        id as opportunity_history_id,
        opportunity_id,
        nullif(trim(stage_name), '') as stage_name,
        amount,
        probability,
        expected_revenue,
        close_date,
        forecast_category,
        created_date as created_at,
        coalesce(is_deleted, false) as is_deleted
    from latest
),

final as (
    select * exclude (is_deleted)
    from renamed
    where not is_deleted
)

select * from final

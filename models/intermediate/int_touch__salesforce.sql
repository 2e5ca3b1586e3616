-- Salesforce campaign responses, one row per campaign member that responded (HasResponded, or a
-- FirstRespondedDate). FirstRespondedDate is a date: the touch is at midnight UTC of that date
-- (never shifted); a response without a date is placed at midnight of the member's creation
-- day. A function of the member alone: the member's person (its contact's, else its lead's) is
-- joined in fct_touch, for the people a night recomputes only.
-- A view: a filter of stg_salesforce__campaign_member read by fct_touch alone (as a table it
-- rewrote 4M rows every night at 1M people).
{{ config(materialized='view') }}
with members as (
    select * from {{ ref('stg_salesforce__campaign_member') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaign') }}
),

responses as (
    select
        *,
        coalesce(first_responded_date, cast(created_at as date)) as responded_date
    from members
    where has_responded
),

final as (
    select
        'salesforce:' || responses.campaign_member_id as touch_id,
        cast(responses.responded_date as timestamp) as touched_at,
        'campaign_response' as touch_type,
        'salesforce' as source_system,
        responses.campaign_member_id as source_record_id,
        responses.contact_id,
        responses.lead_id,
        responses.campaign_id,
        campaigns.campaign_type,
        responses.status as member_status
    from responses
    left join campaigns on campaigns.campaign_id = responses.campaign_id
    where responses.responded_date is not null
)

select * from final

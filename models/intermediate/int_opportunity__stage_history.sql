-- Stage entries per opportunity from OpportunityHistory: one row per (opportunity, stage) with
-- the first and the latest time the deal entered that stage and how often. A regressed deal
-- (Closed Won -> Closed Lost, or reopened) keeps its first entry time (for velocity); outcomes
-- come from the opportunity's latest state, not from here. A history row whose stage equals the
-- previous row's (an amount or date change) is not a stage entry.
with history as (
    select * from {{ ref('stg_salesforce__opportunity_history') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunity') }}
),

ordered as (
    select
        history.opportunity_id,
        history.stage_name,
        history.created_at,
        lag(history.stage_name) over (
            partition by history.opportunity_id
            order by history.created_at, history.opportunity_history_id
        ) as previous_stage_name
    from history
    semi join opportunities on opportunities.opportunity_id = history.opportunity_id
    where history.stage_name is not null
),

entries as (
    select *
    from ordered
    where previous_stage_name is null or previous_stage_name <> stage_name
),

final as (
    select
        opportunity_id,
        stage_name,
        min(created_at) as first_entered_at,
        max(created_at) as last_entered_at,
        count(*) as times_entered
    from entries
    group by opportunity_id, stage_name
)

select * from final

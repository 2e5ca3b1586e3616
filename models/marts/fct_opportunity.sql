-- One row per opportunity in its latest state (see int_opportunity__opportunities for typing
-- and currency conversion), with stage-history facts: when the deal entered its current stage
-- first, how many stage changes it had, and whether it moved back into a stage it had left.
with opportunities as (
    select * from {{ ref('int_opportunity__opportunities') }}
),

stage_history as (
    select * from {{ ref('int_opportunity__stage_history') }}
),

people as (
    select * from {{ ref('int_opportunity__people') }}
),

history_summary as (
    select
        opportunity_id,
        sum(times_entered) as stage_entries,
        bool_or(times_entered > 1) as has_reentered_stage
    from stage_history
    group by opportunity_id
),

people_summary as (
    select
        opportunity_id,
        count(*) as people,
        first(person_id order by is_primary desc, person_id) as primary_person_id
    from people
    group by opportunity_id
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.opportunity_name,
        opportunities.stage_name,
        opportunities.type,
        opportunities.type_group,
        opportunities.created_at,
        opportunities.created_date,
        opportunities.close_date,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.amount,
        opportunities.currency,
        opportunities.amount_reporting,
        opportunities.reporting_currency,
        opportunities.fx_rate,
        opportunities.fx_rate_date,
        opportunities.probability,
        opportunities.expected_revenue_reporting,
        opportunities.campaign_id,
        opportunities.lead_source,
        current_stage.first_entered_at as current_stage_first_entered_at,
        coalesce(history_summary.stage_entries, 0) as stage_entries,
        coalesce(history_summary.has_reentered_stage, false) as has_reentered_stage,
        coalesce(people_summary.people, 0) as people,
        people_summary.primary_person_id
    from opportunities
    left join stage_history as current_stage
        on current_stage.opportunity_id = opportunities.opportunity_id
        and current_stage.stage_name = opportunities.stage_name
    left join history_summary on history_summary.opportunity_id = opportunities.opportunity_id
    left join people_summary on people_summary.opportunity_id = opportunities.opportunity_id
)

select * from final

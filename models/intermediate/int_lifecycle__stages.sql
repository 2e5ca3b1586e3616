-- Per person, when they entered each lifecycle stage (lead -> mql -> sql -> opportunity ->
-- customer). `<stage>_entered_at` is the earliest direct evidence of the stage (null when
-- skipped). `<stage>_at` is when the person REACHED the stage: the earliest entry into it or any
-- later stage, so a person who skipped a stage reached it at the later stage's time. MQL is the
-- exception: `mql_at` is the true MQL entry (a recorded mql status or score, at or before the
-- person reached sql or later), `mql_or_later_at` the "reached" time; a person reaching sql or
-- later without a recorded MQL entry is sales-generated (`is_sales_generated`). First entries
-- are kept when a stage regresses (velocity).
with events as (
    select * from {{ ref('int_lifecycle__events') }}
),

first_entries as (
    select
        person_id,
        min(entered_at) filter (where stage = 'lead') as lead_entered_at,
        min(entered_at) filter (where stage = 'mql') as mql_entered_at,
        min(entered_at) filter (where stage = 'sql') as sql_entered_at,
        min(entered_at) filter (where stage = 'opportunity') as opportunity_entered_at,
        min(entered_at) filter (where stage = 'customer') as customer_entered_at
    from events
    group by person_id
),

reached as (
    select
        *,
        least(
            lead_entered_at, mql_entered_at, sql_entered_at, opportunity_entered_at,
            customer_entered_at
        ) as lead_at,
        least(
            mql_entered_at, sql_entered_at, opportunity_entered_at, customer_entered_at
        ) as mql_or_later_at,
        least(sql_entered_at, opportunity_entered_at, customer_entered_at) as sql_at,
        least(opportunity_entered_at, customer_entered_at) as opportunity_at,
        customer_entered_at as customer_at
    from first_entries
),

final as (
    select
        *,
        case
            when mql_entered_at <= coalesce(sql_at, mql_entered_at) then mql_entered_at
        end as mql_at,
        sql_at is not null and not coalesce(mql_entered_at <= sql_at, false)
            as is_sales_generated,
        case
            when customer_at is not null then 'customer'
            when opportunity_at is not null then 'opportunity'
            when sql_at is not null then 'sql'
            when mql_or_later_at is not null then 'mql'
            else 'lead'
        end as furthest_stage
    from reached
)

select * from final

-- Cohort-based funnel KPIs per (kpi, grain, cohort period, segment). The cohort is the period
-- of entering the from-stage; the numerator counts those who reached the to-stage (or a later
-- one) by as_of, so a rate is a probability (never above 1) and recent cohorts are immature.
--   lead_to_mql_rate / mql_to_sql_rate / sql_to_opportunity_rate  people (int_kpi__people,
--       "reached" times: lead_at, mql_or_later_at, sql_at, opportunity_at), except that the
--       mql_to_sql cohort is the true MQLs (mql_at: sales-generated SQLs never were MQLs)
--   opportunity_win_rate  new-business opportunities created in the cohort and won by as_of
--       over all created (int_kpi__opportunities)
--   *_days  median over those who reached the to-stage: decimal days between the two entry
--       times for people; whole days close date - creation date for won new business
-- Segments: people by acquisition channel, opportunities by first_touch channel; icp by
-- account. Rows from the segment's first cohort period through the as_of period; empty
-- cohorts give rate and days NULL. is_mature: the cohort period's last day is at least
-- var cohort_maturity_days before as_of. value_to_date (the periods with a to_date_end only:
-- the one before the as_of period and the one a year earlier): the same KPI over the cohort
-- entering in the to-date window (int_reporting__periods).
with people as (
    select * from {{ ref('int_kpi__people') }}
),

opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

periods as (
    select * from {{ ref('int_reporting__periods') }}
),

as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

transitions as (
    select 'lead_to_mql' as transition, person_id as entity_id, channel, icp_segment,
        cast(lead_at as date) as cohort_date, mql_or_later_at is not null as is_reached,
        epoch(mql_or_later_at - lead_at) / 86400.0 as days
    from people
    union all
    select 'mql_to_sql', person_id, channel, icp_segment, cast(mql_at as date),
        sql_at is not null, epoch(sql_at - mql_at) / 86400.0
    from people
    where mql_at is not null
    union all
    select 'sql_to_opportunity', person_id, channel, icp_segment, cast(sql_at as date),
        opportunity_at is not null, epoch(opportunity_at - sql_at) / 86400.0
    from people
    where sql_at is not null
    union all
    select 'opportunity_to_won', opportunity_id, channel, icp_segment, created_date, is_won,
        cast(cycle_days as double)
    from opportunities
    where type_group = 'new_business'
),

grains as (
    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)
),

windows as (
    select grain, period_start, to_date_end from periods where to_date_end is not null
),

bucketed as (
    select
        transitions.*,
        grains.grain,
        cast(date_trunc(grains.grain, transitions.cohort_date) as date) as period_start
    from transitions
    cross join grains
),

windowed as (
    select
        bucketed.*,
        coalesce(bucketed.cohort_date <= windows.to_date_end, false) as is_to_date
    from bucketed
    left join windows
        on windows.grain = bucketed.grain and windows.period_start = bucketed.period_start
),

segmented as (
    select transition, grain, period_start, 'total' as segment_type, 'total' as segment_value,
        is_reached, days, is_to_date
    from windowed
    union all
    select transition, grain, period_start, 'channel', channel, is_reached, days, is_to_date
    from windowed
    union all
    select transition, grain, period_start, 'icp', icp_segment, is_reached, days, is_to_date
    from windowed
),

aggregated as (
    select
        transition,
        grain,
        period_start,
        segment_type,
        segment_value,
        count(*) as cohort_size,
        count(*) filter (where is_reached) as reached,
        median(days) filter (where is_reached) as median_days,
        count(*) filter (where is_to_date) as cohort_size_to_date,
        count(*) filter (where is_reached and is_to_date) as reached_to_date,
        median(days) filter (where is_reached and is_to_date) as median_days_to_date
    from segmented
    group by all
),

segment_starts as (
    select transition, grain, segment_type, segment_value, min(period_start) as first_period
    from aggregated
    group by all
),

spine as (
    select
        segment_starts.transition,
        segment_starts.grain,
        periods.period_start,
        periods.period_end,
        periods.to_date_end,
        segment_starts.segment_type,
        segment_starts.segment_value
    from segment_starts
    inner join periods
        on periods.grain = segment_starts.grain
        and periods.period_start >= segment_starts.first_period
),

filled as (
    select
        spine.*,
        cast(coalesce(aggregated.cohort_size, 0) as double) as cohort_size,
        cast(coalesce(aggregated.reached, 0) as double) as reached,
        aggregated.median_days,
        case when spine.to_date_end is not null
            then cast(coalesce(aggregated.cohort_size_to_date, 0) as double)
        end as cohort_size_to_date,
        case when spine.to_date_end is not null
            then cast(coalesce(aggregated.reached_to_date, 0) as double)
        end as reached_to_date,
        aggregated.median_days_to_date,
        as_of.as_of - spine.period_end >= as_of.cohort_maturity_days as is_mature
    from spine
    cross join as_of
    left join aggregated
        on aggregated.transition = spine.transition
        and aggregated.grain = spine.grain
        and aggregated.period_start = spine.period_start
        and aggregated.segment_type = spine.segment_type
        and aggregated.segment_value = spine.segment_value
),

final as (
    select
        case transition
            when 'opportunity_to_won' then 'opportunity_win_rate'
            else transition || '_rate'
        end as kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        reached as numerator,
        cohort_size as denominator,
        reached / nullif(cohort_size, 0) as value,
        is_mature,
        reached_to_date / nullif(cohort_size_to_date, 0) as value_to_date
    from filled
    union all
    select
        transition || '_days' as kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        median_days as value,
        is_mature,
        median_days_to_date as value_to_date
    from filled
)

select * from final

-- pipeline_velocity per (grain, period, segment), in reporting-currency money per day:
-- open x win_rate x avg_deal_size / sales_cycle_days, where open = opportunities open at the
-- period's measuring day (int_reporting__periods.measured_on = least(period end, as_of):
-- created on or before it and not closed on or before it, latest state) and the three rates
-- are taken over the 365 days ending that day (won / (won + lost) by count, revenue_won /
-- deals_won, median close date - creation date of won deals), all of new business only.
-- numerator = open x win_rate x avg_deal_size, denominator = sales_cycle_days; NULL when any
-- factor is undefined or the cycle is 0 days. Segments: first_touch channel, account ICP.
-- Rows from the first period in which the segment has an opportunity created.
-- value_to_date (the periods with a to_date_end only): the same measured on its
-- to_date_end (int_reporting__periods), the day as far into it as as_of is into its period.
with opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
    where type_group = 'new_business'
),

calendar as (
    select * from {{ ref('int_reporting__periods') }}
),

-- each period measured on its measured_on day, and the periods with a to_date_end also on it
-- (is_to_date), for value_to_date
periods as (
    select grain, period_start, period_end, measured_on, false as is_to_date
    from calendar
    union all
    select grain, period_start, period_end, to_date_end, true
    from calendar
    where to_date_end is not null
),

segmented as (
    select 'total' as segment_type, 'total' as segment_value, opportunities.*
    from opportunities
    union all
    select 'channel', channel, opportunities.*
    from opportunities
    union all
    select 'icp', icp_segment, opportunities.*
    from opportunities
),

segment_starts as (
    select segment_type, segment_value, min(created_date) as first_created_date
    from segmented
    group by all
),

spine as (
    select
        periods.grain,
        periods.period_start,
        periods.measured_on,
        periods.is_to_date,
        segment_starts.segment_type,
        segment_starts.segment_value
    from periods
    inner join segment_starts on segment_starts.first_created_date <= periods.period_end
),

period_deals as (
    select
        spine.grain,
        spine.period_start,
        spine.is_to_date,
        spine.segment_type,
        spine.segment_value,
        count(*) filter (
            where segmented.created_date <= spine.measured_on
            and not (segmented.is_closed and segmented.close_date <= spine.measured_on)
        ) as open_deals,
        count(*) filter (
            where segmented.is_won
            and segmented.close_date between spine.measured_on - 364 and spine.measured_on
        ) as won_deals,
        count(*) filter (
            where segmented.is_closed
            and segmented.close_date between spine.measured_on - 364 and spine.measured_on
        ) as closed_deals,
        sum(segmented.amount_reporting) filter (
            where segmented.is_won
            and segmented.close_date between spine.measured_on - 364 and spine.measured_on
        ) as revenue_won,
        median(segmented.cycle_days) filter (
            where segmented.is_won
            and segmented.close_date between spine.measured_on - 364 and spine.measured_on
        ) as sales_cycle_days
    from spine
    left join segmented
        on segmented.segment_type = spine.segment_type
        and segmented.segment_value = spine.segment_value
        and segmented.created_date <= spine.measured_on
    group by all
),

factors as (
    select
        *,
        cast(won_deals as double) / nullif(closed_deals, 0) as win_rate,
        cast(revenue_won as double) / nullif(won_deals, 0) as avg_deal_size
    from period_deals
),

measured as (
    select
        grain,
        period_start,
        is_to_date,
        segment_type,
        segment_value,
        open_deals * win_rate * avg_deal_size as numerator,
        cast(sales_cycle_days as double) as denominator,
        open_deals * win_rate * avg_deal_size / nullif(sales_cycle_days, 0) as value
    from factors
),

final as (
    select
        'pipeline_velocity' as kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        max(numerator) filter (where not is_to_date) as numerator,
        max(denominator) filter (where not is_to_date) as denominator,
        max(value) filter (where not is_to_date) as value,
        cast(null as boolean) as is_mature,
        max(value) filter (where is_to_date) as value_to_date
    from measured
    group by grain, period_start, segment_type, segment_value
)

select * from final

-- The base measures of int_kpi__measures over the to-date windows of the period before the
-- as_of period and of the same period a year earlier (int_reporting__periods.to_date_end):
-- their first N days, N = days elapsed in the as_of period. One row per (measure, grain,
-- period_start, segment) with events in the window; the same aggregation (distinct entities,
-- sum, median) and segments (total, channel, icp, opportunity_type; models/macros/segments.py).
-- Reads only the events of six short windows, so it adds no rows to the KPI models.
with events as (
    select * from {{ ref('int_kpi__events') }}
),

catalog as (
    select * from {{ ref('int_kpi__measure_catalog') }}
),

windows as (
    select grain, period_start, to_date_end
    from {{ ref('int_reporting__periods') }}
    where to_date_end is not null
),

windowed as (
    select
        events.measure,
        catalog.aggregation,
        windows.grain,
        windows.period_start,
        events.channel,
        events.icp_segment,
        events.opportunity_type,
        events.entity_id,
        events.amount
    from events
    inner join windows
        on events.event_date between windows.period_start and windows.to_date_end
    inner join catalog on catalog.measure = events.measure
),

{%- set segments = ['channel', 'icp', 'opportunity_type'] %}

aggregated as (
    select
        measure,
        grain,
        period_start,
        {{ segment_columns(segments) }},
        case any_value(aggregation)
            when 'count' then cast(count(distinct entity_id) as double)
            when 'sum' then cast(sum(amount) as double)
            when 'median' then cast(median(amount) as double)
        end as amount
    from windowed
    group by {{ segment_sets([['measure', 'grain', 'period_start']], segments) }}
),

-- a segment needs a value: events without one are only in the totals
final as (
    select * from aggregated where segment_value is not null
)

select * from final

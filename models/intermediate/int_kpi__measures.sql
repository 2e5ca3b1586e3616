-- Base measures per (measure, grain, period, segment) for periods with events: the events of
-- int_kpi__events bucketed into calendar periods (week = ISO week from Monday, month, quarter;
-- date_trunc of the event date) and aggregated per int_kpi__measure_catalog (count = distinct
-- entities, sum, median). Segments: total ('total'), channel (event channel), icp ('icp' /
-- 'non_icp'), opportunity_type (the type group, bookings only); events without a channel, icp
-- segment or opportunity type are not split that way (models/macros/segments.py).
-- Channels without an ad-spend source (not in fct_ad_spend_daily nor the seed
-- ad_platform_channels) get an `ad_spend` (and `marketing__ad_spend`) row with a NULL amount in
-- their first period, so their ad spend is reported as NULL (unknown), never 0; is_ad_channel
-- says which channels have one.
with events as (
    select * from {{ ref('int_kpi__events') }}
),

catalog as (
    select * from {{ ref('int_kpi__measure_catalog') }}
),

ad_channels as (
    select channel from {{ source('seeds', 'ad_platform_channels') }}
    union
    select channel from {{ ref('fct_ad_spend_daily') }}
),

-- Each event in its week, month and quarter; `repeats` says whether any entity of its measure has
-- more than one event. Where none has, counting distinct entities is counting events: only the
-- email measures (4.4M of 10.5M events at 1M people) pay for the distinct count.
repeated_measures as (
    select measure
    from events
    group by measure
    having count(entity_id) > count(distinct entity_id)
),

bucketed as (
    select
        events.measure,
        catalog.aggregation,
        events.measure in (select measure from repeated_measures) as repeats,
        cast(date_trunc('week', events.event_date) as date) as week,
        cast(date_trunc('month', events.event_date) as date) as month,
        cast(date_trunc('quarter', events.event_date) as date) as quarter,
        events.channel,
        events.icp_segment,
        events.opportunity_type,
        events.entity_id,
        events.amount
    from events
    inner join catalog on catalog.measure = events.measure
),

{%- set grain_keys = [
    ['measure', 'aggregation', 'week'],
    ['measure', 'aggregation', 'month'],
    ['measure', 'aggregation', 'quarter'],
] %}
{%- set segments = ['channel', 'icp'] %}
{%- set grouping_sets = segment_sets(grain_keys, segments) %}
{%- set grain_labels %}
        case
            when grouping(week) = 0 then 'week'
            when grouping(month) = 0 then 'month'
            else 'quarter'
        end as grain,
        coalesce(week, month, quarter) as period_start,
{%- endset %}
{%- set segment_labels %}
        {{ segment_columns(segments) }},
{%- endset %}
{%- set labels %}
        measure,
        aggregation,
        {{- grain_labels }}
        {{- segment_labels }}
{%- endset %}

-- Three aggregates, as a distinct count beside other aggregates makes DuckDB materialise its
-- input; grouping sets give every (grain, segment) in one pass (24.7 s -> 14.5 s at 1M people).
counted_once as (
    select
        {{ labels }}
        cast(count(entity_id) as double) as amount
    from bucketed
    where aggregation = 'count' and not repeats
    group by {{ grouping_sets }}
),

-- A distinct count in grouping sets groups every set by its keys plus the entity (nine
-- aggregates of 4M rows that spilled: 14.2 s at 1M people). An event's segments are attributes
-- of its entity (the person's channel and ICP segment, the opportunity's, ...), so one
-- aggregate can first keep each entity once per (measure, period, segments) in each grain;
-- counting those rows then counts distinct entities in every segment (6.7 s).
distinct_entities as (
    select
        measure,
        aggregation,
        {{- grain_labels }}
        channel,
        icp_segment
    from bucketed
    where aggregation = 'count' and repeats
    group by grouping sets (
        (measure, aggregation, week, channel, icp_segment, entity_id),
        (measure, aggregation, month, channel, icp_segment, entity_id),
        (measure, aggregation, quarter, channel, icp_segment, entity_id)
    )
),

counted_distinct as (
    select
        measure,
        aggregation,
        grain,
        period_start,
        {{- segment_labels }}
        cast(count(*) as double) as amount
    from distinct_entities
    group by {{ segment_sets([['measure', 'aggregation', 'grain', 'period_start']], segments) }}
),

summed as (
    select
        {{ labels }}
        case aggregation
            when 'sum' then cast(sum(amount) as double)
            when 'median' then cast(median(amount) as double)
        end as amount
    from bucketed
    where aggregation in ('sum', 'median')
    group by {{ grouping_sets }}
),

by_opportunity_type as (
    select
        measure,
        aggregation,
        {{- grain_labels }}
        {{ segment_columns(['opportunity_type']) }},
        case aggregation
            when 'sum' then cast(sum(amount) as double)
            when 'median' then cast(median(amount) as double)
            else cast(count(distinct entity_id) as double)
        end as amount
    from bucketed
    where opportunity_type is not null
    group by {{ segment_sets(grain_keys, ['opportunity_type'], with_total=false) }}
),

-- a channel or icp segment needs a value: events without one are only in the totals
aggregated as (
    select * from counted_once where segment_value is not null
    union all
    select * from counted_distinct where segment_value is not null
    union all
    select * from summed where segment_value is not null
    union all
    select * from by_opportunity_type
),

non_ad_channels as (
    select
        spend_measures.measure,
        aggregated.grain,
        aggregated.segment_value,
        min(aggregated.period_start) as period_start
    from aggregated
    inner join (values ('ad_spend', ''), ('marketing__ad_spend', 'marketing__'))
        as spend_measures (measure, prefix)
        on starts_with(aggregated.measure, spend_measures.prefix)
    where aggregated.segment_type = 'channel'
        and aggregated.segment_value not in (
            select channel from ad_channels where channel is not null
        )
    group by all
),

unknown_spend as (
    select
        measure,
        'sum' as aggregation,
        grain,
        period_start,
        'channel' as segment_type,
        segment_value,
        cast(null as double) as amount
    from non_ad_channels
),

unioned as (
    select * from aggregated
    union all
    select * from unknown_spend
),

final as (
    select
        unioned.*,
        unioned.segment_type <> 'channel'
            or unioned.segment_value in (select channel from ad_channels where channel is not null)
            as is_ad_channel
    from unioned
)

select * from final

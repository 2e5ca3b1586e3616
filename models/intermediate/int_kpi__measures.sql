-- Base measures per (measure, grain, period, segment) for periods with events: the events of
-- int_kpi__events bucketed into calendar periods (week = ISO week from Monday, month, quarter;
-- date_trunc of the event date) and aggregated per int_kpi__measure_catalog (count = distinct
-- entities, sum, median). Segments: total ('total'), channel (event channel), icp ('icp' /
-- 'non_icp'); events without a channel or icp segment are not split that way.
-- Channels without an ad-spend source (not in fct_ad_spend_daily nor the seed
-- ad_platform_channels) get a `spend` row with a NULL amount in their first period, so their
-- spend is reported as NULL (unknown), never 0; is_ad_channel says which channels have one.
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

grains as (
    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)
),

bucketed as (
    select
        events.*,
        grains.grain,
        cast(date_trunc(grains.grain, events.event_date) as date) as period_start
    from events
    cross join grains
),

segmented as (
    select measure, grain, period_start, 'total' as segment_type, 'total' as segment_value,
        entity_id, amount
    from bucketed
    union all
    select measure, grain, period_start, 'channel', channel, entity_id, amount
    from bucketed
    where channel is not null
    union all
    select measure, grain, period_start, 'icp', icp_segment, entity_id, amount
    from bucketed
    where icp_segment is not null
),

aggregated as (
    select
        segmented.measure,
        catalog.aggregation,
        segmented.grain,
        segmented.period_start,
        segmented.segment_type,
        segmented.segment_value,
        case catalog.aggregation
            when 'count' then cast(count(distinct segmented.entity_id) as double)
            when 'sum' then cast(sum(segmented.amount) as double)
            when 'median' then cast(median(segmented.amount) as double)
        end as amount
    from segmented
    inner join catalog on catalog.measure = segmented.measure
    group by
        segmented.measure,
        catalog.aggregation,
        segmented.grain,
        segmented.period_start,
        segmented.segment_type,
        segmented.segment_value
),

non_ad_channels as (
    select
        grain,
        segment_value,
        min(period_start) as period_start
    from aggregated
    where segment_type = 'channel'
        and segment_value not in (select channel from ad_channels where channel is not null)
    group by all
),

unknown_spend as (
    select
        'spend' as measure,
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

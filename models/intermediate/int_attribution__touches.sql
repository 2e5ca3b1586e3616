-- The touches that count for each opportunity: the touches (fct_touch) of the opportunity's
-- people (int_opportunity__people) with
--   created_at - var('attribution_lookback_days') days <= touched_at <= created_at
-- (inclusive at both ends), one row per (opportunity, touch). Ordered per opportunity by
-- touched_at then touch_id (touch_position 1..touch_count): ties are broken by touch_id.
-- age_days = (created_at - touched_at) in days (fractional), for time decay.
with opportunities as (
    select * from {{ ref('fct_opportunity') }}
),

opportunity_people as (
    select * from {{ ref('int_opportunity__people') }}
),

touches as (
    select * from {{ ref('fct_touch') }}
),

windowed as (
    select distinct
        opportunities.opportunity_id,
        opportunities.created_at as opportunity_created_at,
        touches.touch_id,
        touches.person_id,
        touches.touched_at,
        touches.touch_type,
        touches.channel,
        touches.campaign_id
    from opportunities
    inner join opportunity_people
        on opportunity_people.opportunity_id = opportunities.opportunity_id
    inner join touches
        on touches.person_id = opportunity_people.person_id
        and touches.touched_at <= opportunities.created_at
        and touches.touched_at >= opportunities.created_at
            - to_days(cast({{ var('attribution_lookback_days') }} as integer))
),

final as (
    select
        *,
        row_number() over (
            partition by opportunity_id order by touched_at, touch_id
        ) as touch_position,
        count(*) over (partition by opportunity_id) as touch_count,
        epoch(opportunity_created_at - touched_at) / 86400.0 as age_days
    from windowed
)

select * from final

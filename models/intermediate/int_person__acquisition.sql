-- Each person's acquisition channel: the channel of their first touch (fct_touch, ordered by
-- touched_at then touch_id) at or before dim_person.lead_at; 'unattributed' when the person
-- has no touch by then (or no lead_at).
with people as (
    select person_id, lead_at from {{ ref('dim_person') }}
),

touches as (
    select * from {{ ref('fct_touch') }}
),

first_touches as (
    select
        touches.person_id,
        arg_min(touches.touch_id, (touches.touched_at, touches.touch_id)) as first_touch_id,
        min(touches.touched_at) as first_touch_at
    from touches
    inner join people
        on people.person_id = touches.person_id
        and touches.touched_at <= people.lead_at
    group by touches.person_id
),

final as (
    select
        people.person_id,
        coalesce(touches.channel, 'unattributed') as acquisition_channel,
        first_touches.first_touch_id,
        first_touches.first_touch_at,
        touches.touch_type as first_touch_type,
        touches.campaign_id as first_touch_campaign_id,
        people.lead_at
    from people
    left join first_touches on first_touches.person_id = people.person_id
    left join touches on touches.touch_id = first_touches.first_touch_id
)

select * from final

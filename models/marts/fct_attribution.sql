-- Multi-touch attribution of every opportunity (fct_opportunity) to the touches of its people
-- in the lookback window (int_attribution__touches), one row per (opportunity, model, touch).
-- Models and weights, for n touches ordered by touched_at then touch_id:
--   first_touch     the first touch 1 (only that row is written);
--   last_touch      the last touch 1 (only that row is written);
--   linear          1/n each;
--   position_based  n=1: 1; n=2: 1/2 each; n>=3: first var('position_based_first_weight', 0.4),
--                   last var('position_based_last_weight', 0.4), the rest shared equally by
--                   the n-2 middle touches;
--   time_decay      2^(-age_days / var('time_decay_half_life_days')), normalised to sum 1.
-- An opportunity without touches gets one row per model: touch_id null, channel
-- 'unattributed', weight 1.
-- Exact totals: amounts are split by cumulative rounding in cents: a row's amount is
-- round(amount x cumulative weight up to and including it, 2) - round(amount x cumulative
-- weight before it, 2), and the last row's cumulative weight is exactly 1, so per opportunity
-- and model the amounts (decimal(18, 2)) add up exactly to amount_reporting, and each is within
-- a cent of its exact share (3 equal touches of 100.00: 33.33, 33.34, 33.33). Weights are
-- decimal(38, 15) (each rounded to 15 places); the last row's weight is 1 minus the weights
-- before it, so they sum to exactly 1.
-- pipeline_amount is dated at the opportunity's creation (pipeline_date = created_date),
-- revenue_amount (won opportunities only, else 0) at the close date (revenue_date).
-- opportunity_channel: the opportunity's first_touch channel (for counting deals by channel).
{% macro share(amount) -%}
    (cast(round({{ amount }} * cast(all_credits.weight_through as double), 2) as decimal(18, 2))
        - cast(round({{ amount }} * cast(all_credits.weight_before as double), 2)
            as decimal(18, 2)))
{%- endmacro %}
{% set first_share = var('position_based_first_weight', 0.4) %}
{% set last_share = var('position_based_last_weight', 0.4) %}
with opportunities as (
    select * from {{ ref('fct_opportunity') }}
),

attribution_touches as (
    select * from {{ ref('int_attribution__touches') }}
),

models as (
    select model
    from (
        values ('first_touch'), ('last_touch'), ('linear'), ('position_based'), ('time_decay')
    ) as models (model)
),

decay as (
    select
        *,
        pow(2.0, -age_days / cast({{ var('time_decay_half_life_days') }} as double))
            as decay_factor
    from attribution_touches
),

weighted as (
    select *, 'first_touch' as model, 1.0 as raw_weight
    from decay
    where touch_position = 1
    union all
    select *, 'last_touch' as model, 1.0 as raw_weight
    from decay
    where touch_position = touch_count
    union all
    select *, 'linear' as model, 1.0 / touch_count as raw_weight
    from decay
    union all
    select
        *,
        'position_based' as model,
        case
            when touch_count = 1 then 1.0
            when touch_count = 2 then 0.5
            when touch_position = 1 then {{ first_share }}
            when touch_position = touch_count then {{ last_share }}
            else (1.0 - {{ first_share }} - {{ last_share }}) / (touch_count - 2)
        end as raw_weight
    from decay
    union all
    select
        *,
        'time_decay' as model,
        decay_factor / sum(decay_factor) over (partition by opportunity_id) as raw_weight
    from decay
),

typed_weights as (
    select * replace (cast(raw_weight as decimal(38, 15)) as raw_weight)
    from weighted
),

cumulated as (
    select
        *,
        coalesce(
            sum(raw_weight) over (
                partition by opportunity_id, model
                order by touch_position
                rows between unbounded preceding and 1 preceding
            ),
            cast(0 as decimal(38, 15))
        ) as weight_before,
        touch_position = max(touch_position) over (partition by opportunity_id, model)
            as is_last_row
    from typed_weights
),

credited as (
    select
        opportunity_id,
        model,
        touch_id,
        person_id,
        touched_at,
        touch_type,
        channel,
        campaign_id,
        touch_position,
        touch_count,
        case
            when is_last_row then cast(1 - weight_before as decimal(38, 15))
            else raw_weight
        end as weight,
        weight_before,
        case
            when is_last_row then cast(1 as decimal(38, 15))
            else cast(weight_before + raw_weight as decimal(38, 15))
        end as weight_through
    from cumulated
),

unattributed as (
    select
        opportunities.opportunity_id,
        models.model,
        cast(null as varchar) as touch_id,
        cast(null as varchar) as person_id,
        cast(null as timestamp) as touched_at,
        cast(null as varchar) as touch_type,
        'unattributed' as channel,
        cast(null as varchar) as campaign_id,
        cast(null as bigint) as touch_position,
        cast(0 as bigint) as touch_count,
        cast(1 as decimal(38, 15)) as weight,
        cast(0 as decimal(38, 15)) as weight_before,
        cast(1 as decimal(38, 15)) as weight_through
    from opportunities
    cross join models
    anti join attribution_touches
        on attribution_touches.opportunity_id = opportunities.opportunity_id
),

all_credits as (
    select * from credited
    union all
    select * from unattributed
),

opportunity_channels as (
    select opportunity_id, channel as opportunity_channel
    from all_credits
    where model = 'first_touch'
),

final as (
    select
        {{ generate_surrogate_key(['all_credits.opportunity_id', 'all_credits.model',
            'all_credits.touch_id']) }} as attribution_id,
        all_credits.opportunity_id,
        all_credits.model,
        all_credits.touch_id,
        all_credits.person_id,
        all_credits.touched_at,
        all_credits.touch_type,
        all_credits.channel,
        all_credits.campaign_id,
        all_credits.touch_position,
        all_credits.touch_count,
        all_credits.weight,
        {{ share('opportunities.amount_reporting') }} as pipeline_amount,
        case
            when opportunities.is_won then {{ share('opportunities.amount_reporting') }}
            else cast(0 as decimal(18, 2))
        end as revenue_amount,
        opportunities.reporting_currency,
        opportunities.created_date as pipeline_date,
        case when opportunities.is_won then opportunities.close_date end as revenue_date,
        opportunities.is_won,
        opportunity_channels.opportunity_channel
    from all_credits
    inner join opportunities on opportunities.opportunity_id = all_credits.opportunity_id
    left join opportunity_channels
        on opportunity_channels.opportunity_id = all_credits.opportunity_id
)

select * from final

-- Seed marketing_costs is usable and fully spread: every row has a month on the first of a
-- month, a channel of seed channel_roles, an amount >= 0 and a three-letter currency, and the
-- other_cost days of int_marketing_cost__daily add up to the seed's amount per (month, channel,
-- category, currency). Returns the rows that break it with the reason.
with costs as (
    select * from {{ source('seeds', 'marketing_costs') }}
),

channel_roles as (
    select channel from {{ source('seeds', 'channel_roles') }}
),

spread as (
    select
        cast(date_trunc('month', date) as date) as month,
        channel,
        category,
        currency,
        sum(amount) as amount
    from {{ ref('int_marketing_cost__daily') }}
    where cost_component = 'other_cost'
    group by all
),

seeded as (
    select month, channel, category, upper(trim(currency)) as currency, sum(amount) as amount
    from costs
    group by all
),

checked as (
    select
        costs.month,
        costs.channel,
        costs.category,
        costs.currency,
        costs.amount,
        case
            when costs.month is null then 'month is empty'
            when day(costs.month) <> 1 then 'month is not the first day of a month'
            when costs.channel is null or costs.channel not in (select channel from channel_roles)
                then 'channel is not in seed channel_roles'
            when costs.amount is null or costs.amount < 0 then 'amount is empty or negative'
            when not regexp_full_match(coalesce(upper(trim(costs.currency)), ''), '[A-Z]{3}')
                then 'currency is not a three-letter ISO code'
        end as reason
    from costs
    union all
    select
        seeded.month,
        seeded.channel,
        seeded.category,
        seeded.currency,
        seeded.amount,
        'the days of the month do not add up to the amount'
    from seeded
    left join spread
        on spread.month = seeded.month
        and spread.channel = seeded.channel
        and spread.category is not distinct from seeded.category
        and spread.currency = seeded.currency
    where day(seeded.month) = 1
        and spread.amount is distinct from seeded.amount
)

select * from checked where reason is not null

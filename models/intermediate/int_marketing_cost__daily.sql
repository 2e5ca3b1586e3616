-- The marketing cost base, one row per (cost component, source row, day), in the source currency
-- and the reporting currency (the rate of that day from int_fx__daily_rates, carried forward):
--   ad_spend      fct_ad_spend_daily (spend_reporting), the platform's channel, the linked CRM
--                 campaign (crm_campaign_id)
--   program_cost  Salesforce Campaign.ActualCost (currency var crm_default_currency) spread
--                 evenly over StartDate..EndDate (one of them missing: that day; both missing:
--                 the creation day), the channel of its Type (seed campaign_type_channels, else
--                 unassigned). Campaigns whose channel is a paid ad channel (seed
--                 ad_platform_channels) are left out: the ad platforms already report that spend.
--   other_cost    seed marketing_costs, each month's amount spread evenly over its days
-- Spreading is cent-exact: day i of n gets round(cost x i / n, 2) - round(cost x (i - 1) / n, 2),
-- so the days add up exactly to the cost. channel_role from seed channel_roles (none when the
-- channel is not listed). Days after as_of are kept (the KPI events cut them).
{% set reporting = var('reporting_currency') %}
{% macro spread(total, day_number, days) -%}
    cast(
        cast(round(cast({{ total }} as double) * {{ day_number }} / {{ days }}, 2) as decimal(18, 2))
        - cast(round(cast({{ total }} as double) * ({{ day_number }} - 1) / {{ days }}, 2)
            as decimal(18, 2))
        as decimal(18, 2)
    )
{%- endmacro %}
with ad_spend as (
    select * from {{ ref('fct_ad_spend_daily') }}
),

campaigns as (
    select * from {{ ref('stg_salesforce__campaign') }}
),

fx_rates as (
    select * from {{ ref('int_fx__daily_rates') }}
),

other_costs as (
    select * from {{ source('seeds', 'marketing_costs') }}
),

channel_roles as (
    select channel, channel_role as role, is_paid_ad_channel from {{ ref('dim_channel') }}
),

type_channels as (
    select lower(trim(value)) as campaign_type, min(channel) as channel
    from {{ source('seeds', 'campaign_type_channels') }}
    where source_field = 'campaign_type'
    group by all
),

program_campaigns as (
    select
        campaigns.campaign_id,
        coalesce(type_channels.channel, 'unassigned') as channel,
        campaigns.actual_cost,
        coalesce(campaigns.start_date, campaigns.end_date, cast(campaigns.created_at as date))
            as first_day,
        coalesce(campaigns.end_date, campaigns.start_date, cast(campaigns.created_at as date))
            as last_day
    from campaigns
    left join type_channels on type_channels.campaign_type = lower(campaigns.campaign_type)
    where coalesce(campaigns.actual_cost, 0) <> 0
),

program_days as (
    select
        program_campaigns.campaign_id,
        program_campaigns.channel,
        cast(program_campaigns.first_day + to_days(cast(day_index as integer)) as date) as date,
        day_index + 1 as day_number,
        greatest(program_campaigns.last_day - program_campaigns.first_day, 0) + 1 as days,
        program_campaigns.actual_cost
    from program_campaigns
    cross join unnest(
        range(greatest(program_campaigns.last_day - program_campaigns.first_day, 0) + 1)
    ) as day_indexes (day_index)
    where program_campaigns.channel not in (
        select channel from channel_roles where is_paid_ad_channel
    )
),

numbered_other_costs as (
    select
        *,
        row_number() over (order by month, channel, category, currency, amount) as row_index
    from other_costs
),

other_days as (
    select
        other_costs.*,
        cast(other_costs.month + to_days(cast(day_index as integer)) as date) as date,
        day_index + 1 as day_number,
        cast(last_day(other_costs.month) - other_costs.month + 1 as bigint) as days
    from numbered_other_costs as other_costs
    cross join unnest(range(cast(last_day(other_costs.month) - other_costs.month + 1 as bigint)))
        as day_indexes (day_index)
),

components as (
    select
        'ad_spend' as cost_component,
        ad_spend_id as cost_id,
        date,
        channel,
        crm_campaign_id as campaign_id,
        cast(null as varchar) as category,
        currency,
        cast(spend as decimal(18, 6)) as amount,
        cast(spend_reporting as decimal(18, 6)) as amount_reporting
    from ad_spend
    union all
    select
        'program_cost',
        'program_cost|' || campaign_id || '|' || cast(date as varchar),
        date,
        channel,
        campaign_id,
        null,
        '{{ var("crm_default_currency", "USD") }}',
        {{ spread('actual_cost', 'day_number', 'days') }},
        null
    from program_days
    union all
    select
        'other_cost',
        'other_cost|' || cast(month as varchar) || '|' || channel || '|' || category || '|'
            || currency || '|' || cast(row_index as varchar) || '|' || cast(date as varchar),
        date,
        channel,
        null,
        category,
        upper(trim(currency)),
        {{ spread('amount', 'day_number', 'days') }},
        null
    from other_days
),

final as (
    select
        components.cost_component,
        components.cost_id,
        components.date,
        components.channel,
        coalesce(channel_roles.role, 'none') as channel_role,
        components.campaign_id,
        components.category,
        components.currency,
        components.amount,
        case
            when components.cost_component = 'ad_spend' then components.amount_reporting
            when components.currency = '{{ reporting }}' then components.amount
            else cast(components.amount * fx_rates.rate_to_reporting as decimal(18, 6))
        end as amount_reporting,
        '{{ reporting }}' as reporting_currency
    from components
    left join channel_roles on channel_roles.channel = components.channel
    left join fx_rates
        on fx_rates.currency = components.currency
        and fx_rates.rate_date = components.date
        and components.cost_component <> 'ad_spend'
)

select * from final

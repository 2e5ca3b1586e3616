-- Opportunities in their latest state, typed and converted to the reporting currency.
-- type_group: Opportunity.Type looked up case-insensitively in the seed opportunity_types;
-- unlisted or empty types are new_business. amount_reporting: amount x the rate of the
-- opportunity's currency on its close date (int_fx__daily_rates); when that day has no rate
-- (a close date after the last loaded rate), the latest earlier rate is used (as-of join), and
-- fx_rate_date says which day's rate was applied. The reporting currency converts at 1.
with opportunities as (
    select * from {{ ref('stg_salesforce__opportunity') }}
),

opportunity_types as (
    select
        lower(trim(type)) as type_key,
        min(type_group) as type_group
    from {{ source('seeds', 'opportunity_types') }}
    group by all
),

fx_rates as (
    select * from {{ ref('int_fx__daily_rates') }}
),

typed as (
    select
        opportunities.*,
        coalesce(opportunity_types.type_group, 'new_business') as type_group
    from opportunities
    left join opportunity_types on opportunity_types.type_key = lower(opportunities.type)
),

converted as (
    select
        typed.*,
        case
            when typed.currency = '{{ var("reporting_currency") }}' then 1.0
            else fx_rates.rate_to_reporting
        end as fx_rate,
        case
            when typed.currency = '{{ var("reporting_currency") }}' then typed.close_date
            else fx_rates.rate_date
        end as fx_rate_date
    from typed
    asof left join fx_rates
        on fx_rates.currency = typed.currency
        and fx_rates.rate_date <= typed.close_date
),

final as (
    select
        opportunity_id,
        account_id,
        opportunity_name,
        stage_name,
        type,
        type_group,
        created_at,
        cast(created_at as date) as created_date,
        close_date,
        is_closed,
        is_won,
        amount,
        currency,
        fx_rate,
        fx_rate_date,
        cast(amount * fx_rate as decimal(18, 2)) as amount_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        probability,
        cast(amount * fx_rate * probability / 100 as decimal(18, 2)) as expected_revenue_reporting,
        campaign_id,
        lead_source,
        forecast_category,
        owner_id,
        updated_at
    from converted
)

select * from final

-- Daily conversion rates to the reporting currency, one row per (rate_date, currency) for every
-- calendar day from the first ECB date to the last day needed: the latest of the last ECB date,
-- var('as_of') and the latest ad-spend day and opportunity close date loaded. Days without an ECB
-- rate (weekends, TARGET holidays, days after the last delivery) carry the currency's last known
-- rate forward; a currency has rows from its own first quote on. Cross rate through the euro:
-- X -> R = R_per_EUR / X_per_EUR, both as of the same day; EUR is quoted at 1 per EUR, so EUR ->
-- R = R_per_EUR and the reporting currency converts at exactly 1.
{% set reporting = var('reporting_currency') %}
with ecb as (
    select * from {{ ref('stg_fx__ecb_rates') }}
),

per_eur as (
    select rate_date, currency, rate_per_eur from ecb
    union all
    select distinct rate_date, 'EUR' as currency, 1.0 as rate_per_eur from ecb
),

data_dates as (
    select max(date) as last_date from {{ ref('stg_google_ads__campaign_stats') }}
    union all
    select max(date) from {{ ref('stg_meta_ads__insights') }}
    union all
    select max(date) from {{ ref('stg_linkedin_ads__ad_analytics') }}
    union all
    select max(date) from {{ ref('stg_microsoft_ads__campaign_performance') }}
    union all
    select max(close_date) from {{ ref('stg_salesforce__opportunity') }}
    union all
    select max(rate_date) from ecb
{%- if var('as_of') %}
    union all
    select cast('{{ var("as_of") }}' as date)
{%- endif %}
),

bounds as (
    select
        (select min(rate_date) from ecb) as first_date,
        max(last_date) as last_date
    from data_dates
),

currencies as (
    select currency, min(rate_date) as first_date
    from per_eur
    group by currency
),

calendar as (
    select cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as day
    from bounds
    where first_date is not null
),

currency_days as (
    select
        calendar.day,
        currencies.currency
    from calendar
    inner join currencies on currencies.first_date <= calendar.day
),

-- Each day's own quote, if any, then the last quote carried forward by a window: DuckDB plans
-- the equivalent as-of join as a nested loop here (38.6M pairs at 1M people, 2.6 s).
quoted as (
    select
        currency_days.day,
        currency_days.currency,
        per_eur.rate_per_eur,
        per_eur.rate_date
    from currency_days
    left join per_eur
        on per_eur.currency = currency_days.currency
        and per_eur.rate_date = currency_days.day
),

carried as (
    select
        day as rate_date,
        currency,
        last_value(rate_per_eur ignore nulls) over carry_forward as rate_per_eur,
        last_value(rate_date ignore nulls) over carry_forward as ecb_rate_date
    from quoted
    window carry_forward as (
        partition by currency order by day rows between unbounded preceding and current row
    )
),

reporting as (
    select rate_date, rate_per_eur as reporting_per_eur
    from carried
    where currency = '{{ reporting }}'
),

final as (
    select
        carried.rate_date,
        carried.currency,
        case
            when carried.currency = '{{ reporting }}' then 1.0
            else reporting.reporting_per_eur / carried.rate_per_eur
        end as rate_to_reporting,
        carried.rate_per_eur,
        reporting.reporting_per_eur,
        carried.ecb_rate_date,
        carried.ecb_rate_date < carried.rate_date as is_carried_forward,
        '{{ reporting }}' as reporting_currency
    from carried
    inner join reporting on reporting.rate_date = carried.rate_date
)

select * from final

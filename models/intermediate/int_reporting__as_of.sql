-- The reporting date of every KPI mart, one row. as_of = var('as_of') when set, else the latest
-- date present in the loaded data: the latest of touch days, lifecycle entry days, opportunity
-- creation days, close dates of closed opportunities (open deals' expected close dates are
-- plans, not data), ad-spend days and Marketo activity days. Never the wall clock.
-- Also carries the KPI vars, so every mart reads them from one place.
with touches as (
    select max(cast(touched_at as date)) as last_date from {{ ref('fct_touch') }}
),

people as (
    select
        max(cast(lead_at as date)) as last_lead_date,
        max(cast(mql_at as date)) as last_mql_date,
        max(cast(sql_at as date)) as last_sql_date,
        max(cast(opportunity_at as date)) as last_opportunity_date
    from {{ ref('dim_person') }}
),

opportunities as (
    select
        max(created_date) as last_created_date,
        max(close_date) filter (where is_closed) as last_close_date
    from {{ ref('fct_opportunity') }}
),

ad_spend as (
    select max(date) as last_date from {{ ref('fct_ad_spend_daily') }}
),

activities as (
    select max(cast(activity_at as date)) as last_date from {{ ref('stg_marketo__activities') }}
),

data_dates as (
    select last_date from touches
    union all
    select last_lead_date from people
    union all
    select last_mql_date from people
    union all
    select last_sql_date from people
    union all
    select last_opportunity_date from people
    union all
    select last_created_date from opportunities
    union all
    select last_close_date from opportunities
    union all
    select last_date from ad_spend
    union all
    select last_date from activities
),

latest as (
    select max(last_date) as last_data_date from data_dates
),

final as (
    select
{%- if var('as_of', none) %}
        cast('{{ var("as_of") }}' as date) as as_of,
        false as is_default_as_of,
{%- else %}
        last_data_date as as_of,
        true as is_default_as_of,
{%- endif %}
        last_data_date,
        cast({{ var('cohort_maturity_days', 90) }} as integer) as cohort_maturity_days,
        cast({{ var('sla_hours', 48) }} as integer) as sla_hours,
        '{{ var("kpi_attribution_model", "position_based") }}' as attribution_model,
        '{{ var("reporting_currency") }}' as reporting_currency
    from latest
)

select * from final

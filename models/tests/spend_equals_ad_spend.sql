{{ config(description='Total spend equals the spend in fct_ad_spend_daily.') }}
-- Per grain, the mart's spend (reporting currency) sums to the fact's spend_reporting up to the
-- reporting date: every grain partitions the same days. Each mart row is rounded to cents, so
-- the sums may differ by half a cent per row. Returns the grains that differ by more.
with as_of as (
    select as_of from {{ ref('int_reporting__as_of') }}
),

mart as (
    select grain, sum(spend) as spend, count(spend) as rounded_rows
    from {{ ref('mart_channel_performance') }}
    group by grain
),

fact as (
    select sum(spend_reporting) as spend
    from {{ ref('fct_ad_spend_daily') }}
    where date <= (select as_of from as_of)
)

select mart.grain, mart.spend as mart_spend, fact.spend as fact_spend
from mart, fact
where abs(coalesce(mart.spend, 0) - coalesce(fact.spend, 0)) > 0.01 + 0.005 * mart.rounded_rows

-- Attribution detail for dashboards, one row per (opportunity, touch, model): fct_attribution
-- for the opportunities created by as_of (int_kpi__opportunities), with the opportunity's
-- facts as of as_of: revenue_amount and revenue_date only when it is won by as_of.
-- is_kpi_model marks var kpi_attribution_model, whose revenue_amount summed by revenue_date
-- period and channel is mart_kpis.attributed_revenue. Person keys only, no personal data.
-- Money DECIMAL(18, 2) in `currency`; credit_share is fct_attribution.weight (0-1) as DOUBLE.
with attribution as (
    select * from {{ ref('fct_attribution') }}
),

opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

final as (
    select
        attribution.attribution_id,
        attribution.opportunity_id,
        opportunities.account_id,
        opportunities.type_group,
        opportunities.created_date,
        opportunities.close_date,
        opportunities.is_won,
        opportunities.amount_reporting,
        opportunities.channel as opportunity_channel,
        opportunities.icp_segment,
        attribution.model,
        attribution.model = as_of.attribution_model as is_kpi_model,
        attribution.touch_id,
        attribution.person_id,
        attribution.touched_at,
        attribution.touch_type,
        attribution.channel,
        attribution.campaign_id,
        attribution.touch_position,
        attribution.touch_count,
        cast(attribution.weight as double) as credit_share,
        cast(attribution.pipeline_amount as decimal(18, 2)) as pipeline_amount,
        attribution.pipeline_date,
        cast(case when opportunities.is_won then attribution.revenue_amount else 0 end
            as decimal(18, 2)) as revenue_amount,
        case when opportunities.is_won then attribution.revenue_date end as revenue_date,
        attribution.reporting_currency as currency
    from attribution
    cross join as_of
    inner join opportunities on opportunities.opportunity_id = attribution.opportunity_id
)

select * from final

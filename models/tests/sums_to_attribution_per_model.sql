{{ config(description="Attributed pipeline and revenue per model equal fct_attribution's.") }}
-- Returns the models whose mart totals differ from the fact's by more than a cent.
with mart as (
    select model, sum(pipeline_amount) as pipeline, sum(revenue_amount) as revenue
    from {{ ref('mart_opportunity_attribution') }}
    group by all
),

fact as (
    select model, sum(pipeline_amount) as pipeline, sum(revenue_amount) as revenue
    from {{ ref('fct_attribution') }}
    group by all
)

select
    model,
    mart.pipeline as mart_pipeline,
    fact.pipeline as fact_pipeline,
    mart.revenue as mart_revenue,
    fact.revenue as fact_revenue
from fact
full join mart using (model)
where abs(coalesce(mart.pipeline, 0) - coalesce(fact.pipeline, 0)) > 0.01
    or abs(coalesce(mart.revenue, 0) - coalesce(fact.revenue, 0)) > 0.01

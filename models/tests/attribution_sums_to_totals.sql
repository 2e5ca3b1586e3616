-- Every attribution model credits each opportunity exactly once: weights sum to 1 and the
-- attributed pipeline and revenue sum exactly to the opportunity's amount_reporting (revenue:
-- won opportunities only). Returns the (opportunity, model) pairs that break it.
with credits as (
    select
        opportunity_id,
        model,
        sum(weight) as weight,
        sum(pipeline_amount) as pipeline_amount,
        sum(revenue_amount) as revenue_amount
    from {{ ref('fct_attribution') }}
    group by opportunity_id, model
),

opportunities as (
    select * from {{ ref('fct_opportunity') }}
),

expected as (
    select
        opportunities.opportunity_id,
        models.model,
        opportunities.amount_reporting,
        case when opportunities.is_won then opportunities.amount_reporting else 0 end
            as revenue_total
    from opportunities
    cross join (
        values ('first_touch'), ('last_touch'), ('linear'), ('position_based'), ('time_decay')
    ) as models (model)
)

select expected.*, credits.weight, credits.pipeline_amount, credits.revenue_amount
from expected
left join credits
    on credits.opportunity_id = expected.opportunity_id
    and credits.model = expected.model
where credits.opportunity_id is null
    or credits.weight <> 1
    or credits.pipeline_amount is distinct from expected.amount_reporting
    or credits.revenue_amount is distinct from expected.revenue_total

-- The shared definition of every KPI of mart_kpis (seed kpi_definitions), in schema marts so
-- it is published beside the KPIs.
with definitions as (
    select * from {{ source('seeds', 'kpi_definitions') }}
),

final as (
    select
        kpi,
        name,
        description,
        formula,
        unit,
        direction,
        tier,
        indicator,
        funnel_stage,
        owner,
        sources,
        opportunity_types,
        channel_roles,
        cost_components,
        attribution_model,
        date_basis
    from definitions
)

select * from final

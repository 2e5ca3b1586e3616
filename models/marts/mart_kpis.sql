-- Every KPI in long format, for any BI tool to pivot: one row per (kpi, grain, period_start,
-- segment_type, segment_value) from int_kpi__kpis (definitions in kpi_definitions), with the
-- trend columns: previous_value = the value of the previous period of the same grain and
-- segment (NULL for the first); change_pct = (value - previous_value) / abs(previous_value),
-- NULL when either is NULL or the previous is 0. Rows of a KPI, grain and segment run without
-- gaps from its first period with data through the as_of period, so the previous row is the
-- previous period. Reproducible: everything is as of int_reporting__as_of, never the clock.
with kpis as (
    select * from {{ ref('int_kpi__kpis') }}
),

trended as (
    select
        *,
        lag(value) over (
            partition by kpi, grain, segment_type, segment_value
            order by period_start
        ) as previous_value
    from kpis
),

final as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        value,
        numerator,
        denominator,
        previous_value,
        case
            when previous_value is null or value is null or previous_value = 0 then null
            else (value - previous_value) / abs(previous_value)
        end as change_pct,
        is_mature
    from trended
)

select * from final

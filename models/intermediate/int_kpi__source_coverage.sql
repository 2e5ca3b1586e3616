-- The sources each KPI needs that are in use: one row per (kpi, source) of
-- kpi_definitions.sources (system.object joined by +) whose object has rows
-- (mart_source_coverage), with the object's first day with data. A source without any row is
-- not in use and not required. A KPI, or a set of KPIs such as a wide mart's row, is covered
-- from the latest first_date of its rows here on, and never when it has none.
with definitions as (
    select * from {{ ref('kpi_definitions') }}
),

coverage as (
    select * from {{ ref('mart_source_coverage') }}
),

kpi_sources as (
    select kpi, trim(unnest(string_split(sources, '+'))) as source
    from definitions
),

final as (
    select
        kpi_sources.kpi,
        kpi_sources.source,
        coverage.first_date
    from kpi_sources
    inner join coverage
        on coverage.system || '.' || coverage.object = kpi_sources.source
        and coverage.row_count > 0
)

select * from final

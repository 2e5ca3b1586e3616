"""A warehouse with a few marts whose content is a function of a generation number, so a
reader can tell two publishes apart (every row carries `gen`; row counts grow with it)."""

from __future__ import annotations

from pathlib import Path

from pipeline.warehouse import connect

PUBLISHED = ("kpi_definitions", "mart_kpis", "mart_revenue")
"""The tables a project would tag `publish` (dim_person and fct_touch are not published)."""


def write_generation(warehouse: Path, gen: int) -> None:
    with connect(warehouse) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.mart_kpis as select ? as gen, range as kpi_id, "
            "(range * 1.5)::decimal(18, 2) as value from range(100 + ?)",
            [gen, gen],
        )
        con.execute(
            "create or replace table marts.mart_revenue as select ? as gen, range as month, "
            "0.25::double as win_rate from range(50 + 2 * ?)",
            [gen, gen],
        )
        con.execute(
            "create or replace table marts.kpi_definitions as select ? as gen, 'pipeline' as kpi",
            [gen],
        )
        con.execute(
            "create or replace table marts.dim_person as select 'p1' as person_id, "
            "'a@b.com' as email"
        )
        con.execute("create or replace table marts.fct_touch as select 1 as touch_id")


def expected_counts(gen: int) -> dict[str, int]:
    return {"kpi_definitions": 1, "mart_kpis": 100 + gen, "mart_revenue": 50 + 2 * gen}

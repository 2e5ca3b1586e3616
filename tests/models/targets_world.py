"""Hand-made inputs for the targets and signals models (int_kpi__targets, mart_kpi_signals):
each model's compiled SQL runs on an in-memory DuckDB over small tables standing in for the
seeds and the models it reads, so every expected value can be worked out by hand."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import duckdb

from pipeline.engine import Project, compile_model, load_project
from pipeline.settings import Settings

DEFINITIONS = "kpi varchar, unit varchar, direction varchar, formula varchar"
RULES = [
    ("on_target_band", 0.1), ("off_target_band", 0.15), ("trend_periods", 3),
    ("yoy_change_pct", 25), ("anomaly_k", 3), ("anomaly_window", 8), ("anomaly_min_periods", 8),
]  # fmt: skip


@cache
def project() -> Project:
    return load_project(Settings.from_env().models_dir)


def table(
    con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Create `name` (schema.table) with `columns` (SQL column definitions) holding `rows`."""
    schema = name.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"create or replace table {name} ({columns})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"insert into {name} values ({marks})", [list(r) for r in rows])


def rules(con: duckdb.DuckDBPyConnection, **overrides: float) -> None:
    """seeds.signal_rules with the bundled thresholds, `overrides` replacing some."""
    values = [(name, overrides.get(name, value)) for name, value in RULES]
    table(con, "seeds.signal_rules", "parameter varchar, value double", values)


def run_model(con: duckdb.DuckDBPyConnection, name: str) -> list[dict[str, Any]]:
    """Rows of the model `name` computed over the tables in `con`, as dicts."""
    model = project().models[name]
    cursor = con.execute(compile_model(project(), model))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

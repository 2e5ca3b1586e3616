"""Ratio names say what they hold, in every published table (the published file of the small
generated world) and in the KPI catalogue: a 0-1 fraction is named `*_rate` or `*_share`; a
name with `_pct` holds a percentage (25.0 = 25 %) and is declared `meta: {unit: percent}` in
its model's YAML. Established acronyms (ctr, nrr, grr, roas, romi) keep their names; their unit
is in kpi_definitions."""

from __future__ import annotations

import csv
from typing import Any

import duckdb
import pytest
import yaml

from pipeline.engine import load_project
from pipeline.settings import PROJECT_ROOT, Settings
from tests.marts.published import is_numeric, published_columns, published_names

ACRONYMS = {"ctr", "nrr", "grr", "roas", "romi"}
# mart_kpis holds every KPI in one set of columns: their unit is the KPI's (kpi_definitions)
MIXED_UNITS = {
    "value", "numerator", "denominator", "previous_value", "change_abs",
    "value_to_date_previous", "same_period_last_year_value",
    "same_period_last_year_value_to_date",
}  # fmt: skip
TABLES = published_names()
# so do the targets of mart_kpis and mart_kpi_signals
MIXED_UNITS |= {"target", "target_to_date", "reference"}
KPI_LONG_TABLES = ("mart_kpis", "mart_kpi_signals")


def _kpi_rows() -> list[dict[str, str]]:
    with (PROJECT_ROOT / "seeds" / "kpi_definitions.csv").open(newline="") as f:
        return list(csv.DictReader(f))


KPIS = [pytest.param(row, id=row["kpi"]) for row in _kpi_rows()]


def numeric_columns(marts: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [c for c, kind in published_columns(marts, table).items() if is_numeric(kind)]


def yaml_columns(table: str) -> dict[str, dict[str, Any]]:
    model = load_project(Settings.from_env().models_dir).models[table]
    assert model.yaml_path is not None, f"{table} has no YAML"
    document = yaml.safe_load(model.yaml_path.read_text())
    entry = next(m for m in document["models"] if m["name"] == table)
    return {c["name"]: c for c in entry.get("columns") or []}


def is_pct(column: str) -> bool:
    return "_pct" in f"{column}_"


def value_range(marts: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[Any, ...]:
    row = marts.execute(
        f"select min({column}), max({column}), max(abs({column})), "
        f"count(*) filter (where {column} > 0 and {column} < 1) from {table}"
    ).fetchone()
    assert row is not None
    return tuple(row)


@pytest.mark.parametrize("row", KPIS)
def test_no_kpi_named_pct_holds_a_fraction(row: dict[str, str]) -> None:
    assert not (is_pct(row["kpi"]) and row["unit"] == "ratio")


@pytest.mark.parametrize(
    "table",
    TABLES,
)
def test_every_pct_column_is_declared_a_percentage(
    marts: duckdb.DuckDBPyConnection, table: str
) -> None:
    declared = yaml_columns(table)
    undeclared = [
        column
        for column in numeric_columns(marts, table)
        if is_pct(column) and (declared.get(column, {}).get("meta") or {}).get("unit") != "percent"
    ]
    assert undeclared == []


@pytest.mark.parametrize("table", TABLES)
def test_pct_values_are_scaled_as_percentages(marts: duckdb.DuckDBPyConnection, table: str) -> None:
    # in this world each change column moves by more than 1 % somewhere: fractions would not
    fractions = []
    for column in numeric_columns(marts, table):
        if is_pct(column):
            _, _, largest, _ = value_range(marts, table, column)
            if largest is not None and largest != 0 and largest <= 1:
                fractions.append(column)
    assert fractions == []


@pytest.mark.parametrize("table", TABLES)
def test_fraction_columns_are_named_rate_or_share(
    marts: duckdb.DuckDBPyConnection, table: str
) -> None:
    misnamed = []
    for column in numeric_columns(marts, table):
        if column.split("_")[0] in ACRONYMS or column.endswith(("_days", "_rate", "_share")):
            continue
        if table in KPI_LONG_TABLES and column in MIXED_UNITS:
            continue
        low, high, _, between = value_range(marts, table, column)
        if low is not None and low >= 0 and high <= 1 and between > 0:
            misnamed.append(column)
    assert misnamed == []


@pytest.mark.parametrize("table", TABLES)
def test_rate_and_share_columns_hold_fractions(
    marts: duckdb.DuckDBPyConnection, table: str
) -> None:
    outside = []
    for column in numeric_columns(marts, table):
        if column.endswith(("_rate", "_share")):
            low, high, _, _ = value_range(marts, table, column)
            if low is not None and (low < 0 or high > 1):
                outside.append(column)
    assert outside == []

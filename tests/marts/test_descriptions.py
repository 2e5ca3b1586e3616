"""Every column of every KPI mart (and of the int_kpi / int_reporting models) is described in
YAML: the project is loaded, the marts are built on the small world, and each built column
must have a non-empty description."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.engine import load_project
from tests.funnel.harness import MODELS_DIR
from tests.funnel.touch_world import build
from tests.marts.kpi_world import KPI_MODELS, WORLD


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("docs"), WORLD, KPI_MODELS)


def owned(name: str) -> bool:
    return name.startswith(("mart_", "int_kpi__", "int_reporting__")) or name == "kpi_definitions"


def test_every_column_is_described(con: duckdb.DuckDBPyConnection) -> None:
    project = load_project(MODELS_DIR)
    models = [m for name, m in project.models.items() if owned(name)]
    assert {m.name for m in models} >= {
        "mart_kpis", "kpi_definitions", "mart_funnel_cohorts", "mart_channel_performance",
        "mart_campaign_performance", "mart_opportunity_attribution", "mart_revenue",
        "mart_retention", "mart_data_quality",
    }  # fmt: skip
    missing = []
    for model in models:
        schema = "marts" if model.folder[:1] == ("marts",) else "intermediate"
        built = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [schema, model.name],
            ).fetchall()
        ]
        assert built, f"{model.name} was not built"
        assert model.description.strip(), f"{model.name} has no description"
        for column in built:
            doc = model.columns.get(column)
            if doc is None or not doc.description.strip():
                missing.append(f"{model.name}.{column}")
        extra = set(model.columns) - set(built)
        assert not extra, f"{model.name} documents columns it does not have: {extra}"
    assert missing == []

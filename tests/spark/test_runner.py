"""Models built on Spark: materializations on a tiny project, and a subset of the real models
from a small generated world, compared row for row with the same models built on DuckDB."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pipeline.engine import build as build_on_duckdb
from pipeline.engine import load_project
from pipeline.engine.spark import lake as lakes
from pipeline.engine.spark import runner
from pipeline.engine.spark.lint import SparkLintError
from pipeline.engine.spark.parity import compare_relation
from pipeline.warehouse import connect
from tests.engine.conftest import write_models

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

TINY = {
    "staging/stg_events.sql": """
        select id, kind, amount from {{ source('src', 'events') }}
        qualify row_number() over (partition by id order by amount desc) = 1
    """,
    "intermediate/int_totals.sql": """
        select kind, sum(amount) / count(*) as mean, list(id order by id desc) as ids
        from {{ ref('stg_events') }}
        where {{ var('column', 'kind') }} is not null
        group by kind
    """,
}


def _tiny_lake(spark: SparkSession, tmp_path: Path) -> tuple[Path, str]:
    root = write_models(tmp_path / "models", TINY)
    with connect(tmp_path / "warehouse.duckdb") as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.src__events as select * from (values (1, 'a', 2.0), (1, 'a', 3.0), "
            "(2, 'a', 5.0), (3, 'b', 1.0), (4, null, 9.0)) t(id, kind, amount)"
        )
        con.execute("create table raw.src__accounts as select 1 as id")
        lake = str(tmp_path / "lake")
        assert lakes.copy_from_duckdb(con, spark, lake, [("raw", "src__events")]) == {
            ("raw", "src__events"): 5
        }
    return root, lake


def test_view_then_table_swapped_and_a_failed_build_keeps_the_previous(
    spark: SparkSession, tmp_path: Path
) -> None:
    root, lake = _tiny_lake(spark, tmp_path)
    project = load_project(root)
    results = runner.build(spark, project, ["stg_events", "int_totals"], lake)
    assert [(r.name, r.status, r.rows) for r in results] == [
        ("stg_events", "success", None),
        ("int_totals", "success", 2),
    ]
    rows = sorted(tuple(r) for r in spark.table("intermediate.int_totals").collect())
    assert rows == [("a", 4.0, [2, 1]), ("b", 1.0, [3])]
    first = lakes.current_location(spark, "intermediate", "int_totals")

    again = runner.build(spark, project, ["int_totals"], lake)
    second = lakes.current_location(spark, "intermediate", "int_totals")
    assert again[0].ok and second != first
    assert not Path(str(first).removeprefix("file:")).exists()

    failing = runner.build(spark, project, ["int_totals"], lake, vars={"column": "no_such"})
    assert failing[0].status == "error" and "no_such" in failing[0].message
    assert lakes.current_location(spark, "intermediate", "int_totals") == second
    assert sorted(tuple(r) for r in spark.table("intermediate.int_totals").collect()) == rows


def test_a_model_spark_cannot_run_is_rejected_before_anything_builds(
    spark: SparkSession, tmp_path: Path
) -> None:
    root, lake = _tiny_lake(spark, tmp_path)
    (root / "intermediate" / "int_hashed.sql").write_text(
        "select hash(id) as key from {{ ref('stg_events') }}\n"
    )
    with pytest.raises(SparkLintError, match=r"int_hashed.sql:1: hash\(\)"):
        runner.build(spark, load_project(root), ["stg_events", "int_hashed"], lake)


# Real models Spark builds with DuckDB's results (staging, a few intermediates and marts);
# the rest are listed in docs/spark.md with what keeps them on DuckDB for now.
REAL_MODELS = [
    "stg_fx__ecb_rates",
    "int_fx__daily_rates",
    "stg_google_ads__campaign_stats",
    "stg_linkedin_ads__ad_analytics",
    "stg_microsoft_ads__campaign_performance",
    "stg_meta_ads__insights",
    "int_ad_spend__daily",
    "stg_marketo__programs",
    "stg_marketo__activity_types",
    "stg_marketo__activities",
    "stg_marketo__leads",
    "int_touch__marketo",
    "stg_salesforce__account",
    "stg_salesforce__campaign",
    "stg_salesforce__campaign_member",
    "stg_salesforce__contact",
    "stg_salesforce__lead",
    "stg_salesforce__opportunity",
    "stg_salesforce__opportunity_contact_role",
    "stg_salesforce__opportunity_history",
    "int_touch__salesforce",
    "int_identity__records",
    "int_opportunity__stage_history",
    "int_kpi__measure_catalog",
    "kpi_definitions",
    "dim_channel",
]


def test_real_models_equal_on_both_engines(spark: SparkSession, tmp_path: Path) -> None:
    from pipeline.generate import generate_world
    from pipeline.ingest.loader import ingest_landing
    from pipeline.seeds import load_seeds
    from pipeline.settings import PROJECT_ROOT

    generate_world(tmp_path / "landing", people=100, days=20, seed=11, end_date=date(2026, 10, 31))
    project = load_project(PROJECT_ROOT / "models")
    lake = str(tmp_path / "lake")
    with connect(tmp_path / "warehouse.duckdb") as con:
        ingest_landing(con, tmp_path / "landing")
        load_seeds(con, PROJECT_ROOT / "seeds")
        assert all(r.ok for r in build_on_duckdb(con, project, list(project.models)))
        lakes.copy_from_duckdb(con, spark, lake, runner.inputs_of(project, REAL_MODELS))
        results = runner.build(spark, project, REAL_MODELS, lake)
        assert [(r.name, r.message) for r in results if not r.ok] == []
        differing = {
            name: found
            for name in REAL_MODELS
            if (found := compare_relation(con, spark, *project.models[name].relation.split(".")))
        }
    assert differing == {}


def test_swap_in_replaces_a_view_and_recreates_a_table_whose_columns_changed(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake, schema = str(tmp_path / "lake"), f"swaps_{uuid.uuid4().hex[:8]}"
    spark.sql(f"create database {schema}")
    spark.sql(f"create view {schema}.t as select 1 as id")
    first = lakes.new_location(lake, schema, "t")
    spark.range(3).write.parquet(first)
    lakes.swap_in(spark, schema, "t", first)
    assert spark.catalog.getTable(f"{schema}.t").tableType != "VIEW"
    assert spark.table(f"{schema}.t").count() == 3

    second = lakes.new_location(lake, schema, "t")
    spark.range(2).selectExpr("id", "id * 2 as twice").write.parquet(second)
    lakes.swap_in(spark, schema, "t", second)
    assert spark.table(f"{schema}.t").columns == ["id", "twice"]
    assert sorted(tuple(r) for r in spark.table(f"{schema}.t").collect()) == [(0, 0), (1, 2)]
    assert not Path(first).exists()

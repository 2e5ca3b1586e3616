"""Building the fixture project: results, failures, tests, concurrency, materialization swaps."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.engine import build, load_project, select
from pipeline.engine.runner import ModelResult
from tests.engine.conftest import load_fixture_raw, rows, write_models

REV = "select * from marts.fct_revenue_by_account"
REVENUE = [("001A", "Acme", 1, 1000), ("001B", "Globex", 1, 4000), ("001C", "Initech", 0, 0)]


def by_name(results: list[ModelResult]) -> dict[str, ModelResult]:
    return {r.name: r for r in results}


def build_all(
    con: duckdb.DuckDBPyConnection, models: Path, **kwargs: object
) -> dict[str, ModelResult]:
    project = load_project(models)
    return by_name(build(con, project, select(project), **kwargs))  # type: ignore[arg-type]


def test_fixture_project_builds(con: duckdb.DuckDBPyConnection, fixture_models: Path) -> None:
    load_fixture_raw(con)
    results = build_all(con, fixture_models)
    assert {n: (r.status, r.rows) for n, r in results.items()} == {
        "stg_salesforce__account": ("success", None),
        "stg_salesforce__opportunity": ("success", None),
        "fct_revenue_by_account": ("success", 3),
        "fct_large_deals": ("success", 2),  # 006A (1000) and 006C (4000) are won and >= 100
    }
    assert rows(con, REV) == REVENUE
    assert all(r.seconds > 0 for r in results.values())
    assert [(t.test.name, t.passed) for t in results["fct_revenue_by_account"].tests] == [
        ("unique_account_id", True),
        ("not_null_account_id", True),
        ("assert_won_amount_not_negative", True),
    ]


def test_ephemeral_models_are_not_built(
    con: duckdb.DuckDBPyConnection, fixture_models: Path
) -> None:
    load_fixture_raw(con)
    build_all(con, fixture_models)
    relations = rows(
        con,
        "select table_schema, table_name from information_schema.tables "
        "where table_schema not in ('raw', 'meta')",
    )
    assert relations == [
        ("marts", "fct_large_deals"),
        ("marts", "fct_revenue_by_account"),
        ("staging", "stg_salesforce__account"),
        ("staging", "stg_salesforce__opportunity"),
    ]


def test_vars_at_build_time(con: duckdb.DuckDBPyConnection, fixture_models: Path) -> None:
    load_fixture_raw(con)
    project = load_project(fixture_models)
    build(con, project, select(project), vars={"min_amount": 2000})
    assert rows(con, "select opportunity_id from marts.fct_large_deals") == [("006C",)]


def test_failed_build_keeps_previous_version_and_skips_downstream(
    con: duckdb.DuckDBPyConnection, fixture_models: Path
) -> None:
    load_fixture_raw(con)
    build_all(con, fixture_models)
    (fixture_models / "marts" / "fct_revenue_by_account.sql").write_text(
        "select account_id, cast(account_name as integer) as won_amount "
        "from {{ ref('stg_salesforce__account') }}"
    )
    (fixture_models / "marts" / "fct_after.sql").write_text(
        "select * from {{ ref('fct_revenue_by_account') }}"
    )
    results = build_all(con, fixture_models)
    assert results["fct_revenue_by_account"].status == "error"
    assert "Conversion Error" in results["fct_revenue_by_account"].message
    assert (results["fct_after"].status, results["fct_after"].message) == (
        "skipped",
        "upstream fct_revenue_by_account failed",
    )
    assert results["fct_large_deals"].status == "success"  # independent branch still built
    assert rows(con, REV) == REVENUE


def test_failing_error_test_skips_downstream_but_warn_does_not(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    models = write_models(
        tmp_path / "models",
        {
            "staging/stg_a.sql": "select * from (values (1, 'x'), (1, 'y')) as t(id, kind)",
            "staging/stg_a.yml": """
            models:
              - name: stg_a
                columns:
                  - name: id
                    tests: [unique]
                  - name: kind
                    tests:
                      - accepted_values: {values: [x], config: {severity: warn}}
            """,
            "marts/fct_a.sql": "select * from {{ ref('stg_a') }}",
        },
    )
    results = build_all(con, models)
    stg = results["stg_a"]
    assert stg.status == "tests_failed" and stg.message == "failed tests: unique_id"
    assert [(t.test.name, t.label, t.failures) for t in stg.tests] == [
        ("unique_id", "fail", 1),
        ("accepted_values_kind", "warn", 1),
    ]
    assert results["fct_a"].status == "skipped"


def test_relationships_and_where(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    models = write_models(
        tmp_path / "models",
        {
            "staging/stg_parent.sql": "select * from (values (1), (2)) as t(id)",
            "staging/stg_child.sql": (
                "select * from (values (1, 1), (2, 3), (3, null), (4, 9)) as t(id, parent_id)"
            ),
            "staging/_schema.yml": """
            models:
              - name: stg_child
                columns:
                  - name: parent_id
                    tests:
                      - relationships: {to: "ref('stg_parent')", field: id}
                      - relationships:
                          arguments: {to: "ref('stg_parent')", field: id}
                          config: {where: "id < 4", severity: warn}
            """,
        },
    )
    results = build_all(con, models)
    assert [(t.test.name, t.failures) for t in results["stg_child"].tests] == [
        ("relationships_parent_id__stg_parent", 2),  # parent 3 and 9 are missing; null is fine
        ("relationships_parent_id__stg_parent_2", 1),  # only parent 3 when id < 4
    ]


def test_threads_build_the_same(con: duckdb.DuckDBPyConnection, fixture_models: Path) -> None:
    load_fixture_raw(con)
    results = build_all(con, fixture_models, threads=4)
    assert {r.status for r in results.values()} == {"success"}
    assert rows(con, REV) == REVENUE


def test_switching_view_to_table_and_back(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    model = tmp_path / "models" / "staging" / "stg_a.sql"
    models = write_models(tmp_path / "models", {"staging/stg_a.sql": "select 1 as id"})
    build_all(con, models)
    model.write_text("{{ config(materialized='table') }}select 2 as id")
    assert build_all(con, models)["stg_a"].rows == 1
    kind = "select table_type from information_schema.tables where table_name = 'stg_a'"
    assert rows(con, kind) == [("BASE TABLE",)]
    model.write_text("select 3 as id")
    build_all(con, models)
    assert rows(con, kind) == [("VIEW",)]
    assert rows(con, "select * from staging.stg_a") == [(3,)]

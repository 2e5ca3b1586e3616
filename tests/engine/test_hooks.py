"""pre_hook / post_hook: SQL rendered with the model's context at build time and run in the
model's transaction, as dbt's hooks are."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.engine import build, load_project, select
from pipeline.engine.runner import ModelResult
from tests.engine.conftest import rows, write_models

TARGET = "select k from marts.numbers order by k"


def build_numbers(con: duckdb.DuckDBPyConnection, tmp_path: Path, config: str) -> ModelResult:
    models = write_models(
        tmp_path / "models",
        {"marts/numbers.sql": f"{{{{ config({config}) }}}}\nselect * from range(1, 4) t(k)"},
    )
    project = load_project(models)
    [result] = build(con, project, select(project))
    return result


def test_a_post_hook_runs_on_the_built_model(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = build_numbers(con, tmp_path, "post_hook='delete from {{ this }} where k = 2'")
    assert (result.status, result.rows) == ("success", 2)
    assert rows(con, TARGET) == [(1,), (3,)]


def test_pre_hooks_run_before_the_build(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    build_numbers(
        con,
        tmp_path,
        "pre_hook=['create or replace table main.log (step varchar)', "
        "\"insert into main.log values ('before')\"]",
    )
    assert rows(con, "select step from main.log") == [("before",)]


def test_a_failing_hook_leaves_the_previous_version(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    build_numbers(con, tmp_path, "materialized='table'")
    result = build_numbers(con, tmp_path, "post_hook='delete from {{ this }} where nope = 1'")
    assert result.status == "error"
    assert "nope" in result.message
    assert rows(con, TARGET) == [(1,), (2,), (3,)]

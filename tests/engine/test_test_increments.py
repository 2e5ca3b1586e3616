"""After an incremental run, a test that vouched for the previous build reads only the rows the
run wrote, and still finds what those rows break; anything else is tested whole."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.engine import build, load_project
from pipeline.engine.project import Project
from pipeline.engine.tests import TestResult, run_tests
from tests.engine.conftest import DEFAULT_PROJECT_YML, write_models

MODEL = """
{{ config(materialized='incremental', incremental_strategy='append') }}
select id, batch, cast(id as varchar) as opportunity_id, cast(person as varchar) as person_id
from {{ source('src', 'events') }}
{% if is_incremental() %}
where batch > (select max(batch) from {{ this }})
{% endif %}
"""
YAML = """
models:
  - name: fct_events
    data_tests:
      - unique_key: {columns: [id]}
      - pandera:
          schema: OpportunityPeople
          select: opportunity_id, person_id
          row_level: true
          config: {name: keys_present}
"""
INCREMENT = 'meta."marts__fct_events__increment"'


@pytest.fixture
def con(warehouse: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    warehouse.execute("create schema raw")
    return warehouse


@pytest.fixture
def project(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> Project:
    con.execute("create table raw.src__events (id integer, batch integer, person integer)")
    files = {"marts/fct_events.sql": MODEL, "marts/fct_events.yml": YAML}
    root = write_models(tmp_path / "models", files)
    (root / "project.yml").write_text(DEFAULT_PROJECT_YML + "test-schemas: checks.schemas\n")
    return load_project(root)


def land_batch(con: duckdb.DuckDBPyConnection, project: Project, batch: int, *ids: int) -> None:
    """Land one batch of events and build the model (incrementally once it exists)."""
    con.executemany("insert into raw.src__events values (?, ?, ?)", [(i, batch, i) for i in ids])
    [result] = build(con, project, ["fct_events"], run_tests=False)
    assert result.ok, result.message


def check(
    con: duckdb.DuckDBPyConnection, project: Project, name: str = "one_row_per_id"
) -> TestResult:
    [test] = [t for t in project.tests_of("fct_events") if t.name == name]
    [result] = run_tests(con, project, [test])
    return result


def test_a_first_build_is_checked_whole(con: duckdb.DuckDBPyConnection, project: Project) -> None:
    land_batch(con, project, 1, 1, 2)
    outcome = check(con, project)
    assert (outcome.status, outcome.increment) == ("passed", None)


def test_after_a_clean_check_a_run_is_checked_in_its_increment_only(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1, 2)
    check(con, project)
    land_batch(con, project, 2, 3, 2)  # 2 was delivered before
    outcome = check(con, project)
    assert (outcome.status, outcome.increment) == ("failed", INCREMENT)
    assert outcome.sample == [{"id": 2, "row_count": 2}]


def test_a_failure_is_found_again_after_a_run_that_does_not_touch_it(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1, 1)
    assert check(con, project).status == "failed"
    land_batch(con, project, 2, 5)
    outcome = check(con, project)
    assert (outcome.status, outcome.increment) == ("failed", None)


def test_two_runs_without_a_check_between_are_checked_whole(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1)
    check(con, project)
    land_batch(con, project, 2, 2)
    land_batch(con, project, 3, 3)
    outcome = check(con, project)
    assert (outcome.status, outcome.increment) == ("passed", None)


def test_a_full_refresh_is_checked_whole(con: duckdb.DuckDBPyConnection, project: Project) -> None:
    land_batch(con, project, 1, 1)
    check(con, project)
    [result] = build(con, project, ["fct_events"], full_refresh=True, run_tests=False)
    assert result.ok
    outcome = check(con, project)
    assert (outcome.status, outcome.increment) == ("passed", None)


def test_a_row_level_schema_check_reads_the_increment_only(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1, 2)
    assert check(con, project, "keys_present").checked_rows == 2
    con.execute("insert into raw.src__events values (3, 2, null)")  # a link without its person
    [result] = build(con, project, ["fct_events"], run_tests=False)
    assert result.ok
    outcome = check(con, project, "keys_present")
    assert (outcome.status, outcome.increment, outcome.checked_rows) == ("failed", INCREMENT, 1)


def test_the_gate_s_old_verifications_are_dropped(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    con.execute("create schema if not exists meta")
    con.execute("create table meta.gate_verified (check_id varchar)")
    land_batch(con, project, 1, 1)
    check(con, project)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "test_verified" in tables and "gate_verified" not in tables

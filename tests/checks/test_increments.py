"""After an incremental run, a check that vouched for the previous build reads only the rows the
run wrote, and still finds what those rows break; anything else is checked whole."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from checks.config import GateConfig
from checks.gate import CheckOutcome, iter_gate
from checks.registry import Check, SchemaCheck, unique
from pipeline.engine import build, load_project
from pipeline.engine.project import Project
from tests.engine.conftest import write_models

MODEL = """
{{ config(materialized='incremental', incremental_strategy='append') }}
select id, batch, cast(id as varchar) as opportunity_id, cast(person as varchar) as person_id
from {{ source('src', 'events') }}
{% if is_incremental() %}
where batch > (select max(batch) from {{ this }})
{% endif %}
"""
ONE_ROW_PER_ID = unique("marts.fct_events", ("id",))
KEYS_PRESENT = SchemaCheck(
    "marts.fct_events", "keys_present", "Both keys present.", "OpportunityPeople",
    "opportunity_id, person_id", keys=("opportunity_id",), row_level=True,
)  # fmt: skip
INCREMENT = 'meta."marts__fct_events__increment"'


@pytest.fixture
def con(warehouse: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    warehouse.execute("create schema raw")
    return warehouse


@pytest.fixture
def project(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> Project:
    con.execute("create table raw.src__events (id integer, batch integer, person integer)")
    return load_project(write_models(tmp_path / "models", {"marts/fct_events.sql": MODEL}))


def land_batch(con: duckdb.DuckDBPyConnection, project: Project, batch: int, *ids: int) -> None:
    """Land one batch of events and build the model (incrementally once it exists)."""
    con.executemany("insert into raw.src__events values (?, ?, ?)", [(i, batch, i) for i in ids])
    [result] = build(con, project, ["fct_events"])
    assert result.ok, result.message


def check(con: duckdb.DuckDBPyConnection, which: Check = ONE_ROW_PER_ID) -> CheckOutcome:
    [outcome] = iter_gate(con, [which], GateConfig())
    return outcome


def test_a_first_build_is_checked_whole(con: duckdb.DuckDBPyConnection, project: Project) -> None:
    land_batch(con, project, 1, 1, 2)
    outcome = check(con)
    assert (outcome.status, outcome.increment) == ("passed", None)


def test_after_a_clean_check_a_run_is_checked_in_its_increment_only(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1, 2)
    check(con)
    land_batch(con, project, 2, 3, 2)  # 2 was delivered before
    outcome = check(con)
    assert (outcome.status, outcome.increment) == ("failed", INCREMENT)
    assert outcome.sample == [{"id": 2, "row_count": 2}]


def test_a_failure_is_found_again_after_a_run_that_does_not_touch_it(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1, 1)
    assert check(con).status == "failed"
    land_batch(con, project, 2, 5)
    outcome = check(con)
    assert (outcome.status, outcome.increment) == ("failed", None)


def test_two_runs_without_a_check_between_are_checked_whole(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1)
    check(con)
    land_batch(con, project, 2, 2)
    land_batch(con, project, 3, 3)
    outcome = check(con)
    assert (outcome.status, outcome.increment) == ("passed", None)


def test_a_full_refresh_is_checked_whole(con: duckdb.DuckDBPyConnection, project: Project) -> None:
    land_batch(con, project, 1, 1)
    check(con)
    [result] = build(con, project, ["fct_events"], full_refresh=True)
    assert result.ok
    outcome = check(con)
    assert (outcome.status, outcome.increment) == ("passed", None)


def test_a_row_level_schema_check_reads_the_increment_only(
    con: duckdb.DuckDBPyConnection, project: Project
) -> None:
    land_batch(con, project, 1, 1, 2)
    assert check(con, KEYS_PRESENT).checked_rows == 2
    con.execute("insert into raw.src__events values (3, 2, null)")  # a link without its person
    [result] = build(con, project, ["fct_events"])
    assert result.ok
    outcome = check(con, KEYS_PRESENT)
    assert (outcome.status, outcome.increment, outcome.checked_rows) == ("failed", INCREMENT, 1)

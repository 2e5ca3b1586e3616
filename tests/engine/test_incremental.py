"""One behavioural suite that every incremental strategy must pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.engine import build, load_project
from pipeline.engine.runner import ModelResult
from tests.engine.conftest import rows, write_models

STRATEGIES = ["append", "merge", "delete+insert"]
MODEL = """
{{ config(materialized='incremental', incremental_strategy=var('strategy'),
          unique_key=['k1', 'k2'], on_schema_change=var('on_schema_change', 'fail')) }}
select k1, k2, {{ var('v_expr', 'v') }} as v, updated_at {{ var('extra', '') }}
from {{ source('src', 'events') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
"""
TARGET = "select * from marts.events_inc"


@pytest.fixture(params=STRATEGIES)
def strategy(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def models(tmp_path: Path) -> Path:
    return write_models(tmp_path / "models", {"marts/events_inc.sql": MODEL})


@pytest.fixture
def events(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute(
        "create table raw.src__events as select * from (values "
        "('a', 1, 'x', 1), ('a', 2, 'y', 1), ('b', 1, 'z', 1)) as t(k1, k2, v, updated_at)"
    )
    return con


def run(con: duckdb.DuckDBPyConnection, models: Path, strategy: str, **options: Any) -> ModelResult:
    full_refresh = bool(options.pop("full_refresh", False))
    project = load_project(models, {"strategy": strategy, **options})
    [result] = build(con, project, ["events_inc"], full_refresh=full_refresh)
    return result


FIRST = [("a", 1, "x", 1), ("a", 2, "y", 1), ("b", 1, "z", 1)]


def test_first_run_creates_the_table(events: Any, models: Path, strategy: str) -> None:
    result = run(events, models, strategy)
    assert (result.status, result.rows) == ("success", 3)
    assert rows(events, TARGET) == FIRST


def test_rerun_without_new_data_changes_nothing(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    result = run(events, models, strategy)
    assert (result.status, result.rows) == ("success", 3)
    assert rows(events, TARGET) == FIRST


def test_new_rows_are_added(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    events.execute("insert into raw.src__events values ('c', 1, 'w', 2)")
    result = run(events, models, strategy)
    assert result.rows == 4
    assert rows(events, TARGET) == [*FIRST, ("c", 1, "w", 2)]


UPDATED = {
    "append": [("a", 1, "X", 2), ("a", 1, "x", 1), ("a", 2, "y", 1), ("b", 1, "z", 1)],
    "merge": [("a", 1, "X", 2), ("a", 2, "y", 1), ("b", 1, "z", 1)],
    "delete+insert": [("a", 1, "X", 2), ("a", 2, "y", 1), ("b", 1, "z", 1)],
}


def test_updated_rows(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    events.execute("update raw.src__events set v = 'X', updated_at = 2 where k1 = 'a' and k2 = 1")
    run(events, models, strategy)
    assert rows(events, TARGET) == UPDATED[strategy]


# The new batch holds keys (a, 1) and (b, 2). Matching key columns one by one
# (k1 in (a, b) and k2 in (1, 2)) would also delete (a, 2) and (b, 1): tuples must match.
COMPOSITE = {
    "append": [
        ("a", 1, "X", 2),
        ("a", 1, "x", 1),
        ("a", 2, "y", 1),
        ("b", 1, "z", 1),
        ("b", 2, "W", 2),
    ],
    "merge": [("a", 1, "X", 2), ("a", 2, "y", 1), ("b", 1, "z", 1), ("b", 2, "W", 2)],
    "delete+insert": [("a", 1, "X", 2), ("a", 2, "y", 1), ("b", 1, "z", 1), ("b", 2, "W", 2)],
}


def test_composite_keys_match_as_tuples(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    events.execute("update raw.src__events set v = 'X', updated_at = 2 where k1 = 'a' and k2 = 1")
    events.execute("insert into raw.src__events values ('b', 2, 'W', 2)")
    run(events, models, strategy)
    assert rows(events, TARGET) == COMPOSITE[strategy]


def test_null_key_parts_match_each_other(events: Any, models: Path, strategy: str) -> None:
    events.execute("insert into raw.src__events values ('n', null, 'p', 1)")
    run(events, models, strategy)
    events.execute("update raw.src__events set v = 'q', updated_at = 2 where k1 = 'n'")
    run(events, models, strategy)
    expected = [("n", None, "q", 2)] + ([("n", None, "p", 1)] if strategy == "append" else [])
    assert rows(events, TARGET + " where k1 = 'n'") == sorted(expected, key=repr)


def test_schema_change_is_refused_clearly(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    events.execute("insert into raw.src__events values ('c', 1, 'w', 2)")
    result = run(events, models, strategy, extra=", 7 as extra")
    assert result.status == "error"
    assert "columns changed (added extra INTEGER)" in result.message
    assert "on_schema_change" in result.message and "--full-refresh" in result.message
    assert rows(events, TARGET) == FIRST


def test_schema_change_append_new_columns(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    events.execute("insert into raw.src__events values ('c', 1, 'w', 2)")
    run(events, models, strategy, extra=", 7 as extra", on_schema_change="append_new_columns")
    assert rows(events, TARGET) == [*((*r, None) for r in FIRST), ("c", 1, "w", 2, 7)]


def test_full_refresh_rebuilds_from_scratch(events: Any, models: Path, strategy: str) -> None:
    run(events, models, strategy)
    events.execute("delete from raw.src__events where k1 = 'b'")
    result = run(events, models, strategy, full_refresh=True)
    assert result.rows == 2
    assert rows(events, TARGET) == FIRST[:2]


def test_failed_run_leaves_previous_rows(events: Any, models: Path, strategy: str) -> None:
    """delete+insert deletes before it inserts: the failing insert must roll the delete back."""
    ints = {"v_expr": "cast(updated_at * 10 as integer)", "on_schema_change": "ignore"}
    run(events, models, strategy, **ints)
    events.execute("update raw.src__events set v = 'oops', updated_at = 2 where k1 = 'a'")
    result = run(events, models, strategy, v_expr="v", on_schema_change="ignore")
    assert result.status == "error"
    assert "Conversion Error" in result.message
    assert rows(events, TARGET) == [("a", 1, 10, 1), ("a", 2, 10, 1), ("b", 1, 10, 1)]

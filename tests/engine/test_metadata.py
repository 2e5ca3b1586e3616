"""A build can return each model's metadata (rows, columns, lineage), read on the connection
that built it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.engine import iter_build, load_project
from tests.engine.conftest import write_models


def test_the_build_result_carries_rows_columns_and_lineage(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con.execute(
        "create table raw.src__events as select * from (values "
        "('a', 2), ('a', 3), ('b', 5)) as t(account, amount)"
    )
    folder = write_models(
        tmp_path / "models",
        {
            "staging/stg_events.sql": "select account, amount from {{ source('src', 'events') }}",
            "marts/totals.sql": "select account, sum(amount) as total, count(*) as events "
            "from {{ ref('stg_events') }} group by account",
        },
    )
    results = {r.name: r for r in iter_build(con, load_project(folder), ["stg_events", "totals"],
                                             metadata=True)}  # fmt: skip
    view, table = results["stg_events"].metadata, results["totals"].metadata
    assert view is not None and table is not None
    assert view.rows == 3  # a view's rows are counted
    assert table.rows == 2
    assert table.table_name == "warehouse.marts.totals"
    assert table.columns == (("account", "VARCHAR"), ("total", "HUGEINT"), ("events", "BIGINT"))
    assert table.lineage["total"] == [("staging", "stg_events", "amount")]
    assert "events" not in table.lineage  # count(*) reads no column


def test_without_asking_the_build_reads_no_metadata(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = write_models(tmp_path / "models", {"marts/one.sql": "select 1 as x"})
    [result] = iter_build(con, load_project(folder), ["one"])
    assert result.metadata is None

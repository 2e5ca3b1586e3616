"""The published marts file of the small generated world (tests/checks/world.py), for tests
over every published table and column: what BI tools see, not the warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipeline.engine import load_project
from pipeline.publish import publish
from pipeline.settings import Settings
from pipeline.warehouse import connect

NUMERIC = ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "DECIMAL")


def published_names() -> list[str]:
    """The models the project publishes (tagged `publish`), sorted."""
    return sorted(load_project(Settings.from_env().models_dir).published)


def publish_world(warehouse: Path, root: Path) -> Path:
    """Publish a copy of the built `warehouse` into `root/marts.duckdb`; return its path."""
    copy = root / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    target = root / "marts.duckdb"
    with connect(copy) as con:
        publish(con, target, run_id="published-test", names=published_names())
    return target


def is_numeric(data_type: str) -> bool:
    return data_type.upper().startswith(NUMERIC)


def published_columns(marts: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column -> type of a published table, types spelled without spaces (DECIMAL(18,2))."""
    found = marts.execute(
        "select column_name, data_type from duckdb_columns() where table_name = ? "
        "order by column_index",
        [table],
    ).fetchall()
    assert found, f"{table} is not published"
    return {str(name): str(kind).replace(", ", ",") for name, kind in found}

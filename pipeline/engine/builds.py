"""The build of each incremental model now in the warehouse, and the rows its last run wrote.

`meta.model_builds` holds one row per incremental model: its build id, the build an incremental
run extended (`parent_build_id`) and that run's increment, the new rows it applied, kept as
`meta."<schema>__<name>__increment"`. A first run or a full refresh has no parent and no
increment. The quality gate uses both: a check that passed on build B only needs the increment
of a run on top of B (checks/increments.py); anything else is checked whole.

A build that is not an incremental run forgets the record before it starts, so a crash
half-way leaves no record rather than a stale one.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pipeline.sqltext import identifier

if TYPE_CHECKING:
    import duckdb

BUILDS = "meta.model_builds"


def increment_table(schema: str, name: str) -> str:
    """The name, in schema `meta`, of the table holding the last run's increment."""
    return f"{schema}__{name}__increment"


def increment_relation(schema: str, name: str) -> str:
    return f"meta.{identifier(increment_table(schema, name))}"


def _has_builds(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'meta' and table_name = 'model_builds'"
    ).fetchone()
    return bool(row and row[0])


def _ensure(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("create schema if not exists meta")
    cur.execute(
        f"create table if not exists {BUILDS} (relation varchar, build_id varchar, "
        "parent_build_id varchar, increment varchar, built_at timestamp)"
    )


def forget(cur: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Before a build that is not an incremental run: no record, no increment."""
    if not _has_builds(cur):
        return
    cur.execute(f"delete from {BUILDS} where relation = ?", [f"{schema}.{name}"])
    cur.execute(f"drop table if exists {increment_relation(schema, name)}")


def record(cur: duckdb.DuckDBPyConnection, schema: str, name: str, *, incremental: bool) -> None:
    """After a build of an incremental model, in its transaction when it has one."""
    _ensure(cur)
    relation = f"{schema}.{name}"
    previous = cur.execute(
        f"select build_id from {BUILDS} where relation = ?", [relation]
    ).fetchone()
    parent = previous[0] if previous and incremental else None
    increment = increment_relation(schema, name) if incremental else None
    cur.execute(f"delete from {BUILDS} where relation = ?", [relation])
    cur.execute(
        f"insert into {BUILDS} values (?, ?, ?, ?, now()::timestamp)",
        [relation, uuid.uuid4().hex, parent, increment],
    )

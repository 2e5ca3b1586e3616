"""The build of each incremental model now in the warehouse, and the rows its last run wrote.

`meta.model_builds` holds one row per incremental model: its build id, the build an incremental
run extended (`parent_build_id`) and that run's increment, the new rows it applied, kept as
`meta."<schema>__<name>__increment"`. A first run or a full refresh has no parent and no
increment. Data tests use both: a test that passed on build B only needs the increment of a run
on top of B (pipeline/engine/verified.py); anything else is tested whole.

A build that is not an incremental run forgets the record before it starts, so a crash
half-way leaves no record rather than a stale one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.engine.materialize.relations import meta_table_exists
from pipeline.sqltext import identifier

if TYPE_CHECKING:
    import duckdb

BUILDS = "meta.model_builds"


@dataclass(frozen=True)
class Build:
    """The current build of one incremental model (`relation` is `schema.name`). `increment`
    is the relation of the rows its run wrote, when it extended `parent_build_id` and they are
    still there; None after a first build or a full refresh."""

    relation: str
    build_id: str
    parent_build_id: str | None
    increment: str | None


def last_builds(cur: duckdb.DuckDBPyConnection) -> dict[str, Build]:
    """The current build of every incremental model, by relation (empty before any)."""
    if not _has_builds(cur):
        return {}
    tables = {
        str(r[0])
        for r in cur.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'meta'"
        ).fetchall()
    }
    builds = {}
    for relation, build_id, parent, increment in cur.execute(
        f"select relation, build_id, parent_build_id, increment from {BUILDS}"
    ).fetchall():
        schema, name = str(relation).split(".", 1)
        kept = increment is not None and increment_table(schema, name) in tables
        builds[str(relation)] = Build(
            str(relation),
            str(build_id),
            None if parent is None else str(parent),
            str(increment) if kept else None,
        )
    return builds


def current_build(cur: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """The build id of `relation` (`schema.name`) if it is an incremental model's table."""
    if not _has_builds(cur):
        return None
    row = cur.execute(f"select build_id from {BUILDS} where relation = ?", [relation]).fetchone()
    return str(row[0]) if row else None


def increment_table(schema: str, name: str) -> str:
    """The name, in schema `meta`, of the table holding the last run's increment."""
    return f"{schema}__{name}__increment"


def increment_relation(schema: str, name: str) -> str:
    return f"meta.{identifier(increment_table(schema, name))}"


def _has_builds(cur: duckdb.DuckDBPyConnection) -> bool:
    return meta_table_exists(cur, "model_builds")


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

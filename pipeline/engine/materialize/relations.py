"""What exists in the warehouse: relation kinds and columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pipeline.sqltext import qualified as qualified  # re-exported for the benchmarks

if TYPE_CHECKING:
    import duckdb

RelationKind = Literal["table", "view"]


def existing_relations(cur: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], RelationKind]:
    """Every table and view of the database, once (a catalog snapshot for a build run)."""
    rows = cur.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_catalog = current_database()"
    ).fetchall()
    return {(str(s), str(n)): "view" if t == "VIEW" else "table" for s, n, t in rows}


def meta_table_exists(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether table `meta.<name>` of the engine's bookkeeping exists."""
    row = cur.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'meta' and table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])


def columns(cur: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[tuple[str, str]]:
    """`(column, type)` of a relation, in order; `schema` `temp` reads a temp table."""
    database = "temp" if schema == "temp" else None
    rows = cur.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? and database_name = coalesce(?, "
        "current_database()) order by column_index",
        [schema if database is None else "main", name, database],
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def drop(cur: duckdb.DuckDBPyConnection, kind: RelationKind, schema: str, name: str) -> None:
    cur.execute(f"drop {kind} if exists {qualified(schema, name)}")

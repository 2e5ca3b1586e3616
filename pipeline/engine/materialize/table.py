"""`table`: `create or replace table ... as` (dropping a view of the same name first if told)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.engine.materialize.relations import RelationKind, drop
from pipeline.sqltext import qualified

if TYPE_CHECKING:
    import duckdb


def build_table(
    cur: duckdb.DuckDBPyConnection,
    schema: str,
    name: str,
    sql: str,
    *,
    replace: RelationKind | None = None,
) -> int:
    """Create or replace the table; returns its row count."""
    if replace == "view":
        drop(cur, "view", schema, name)
    row = cur.execute(
        f"create or replace table {qualified(schema, name)} as (\n{sql}\n)"
    ).fetchone()
    return int(row[0]) if row else 0

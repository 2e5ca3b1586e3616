"""`view`: `create or replace view` (dropping a table of the same name first if told to)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.engine.materialize.relations import RelationKind, drop
from pipeline.sqltext import qualified

if TYPE_CHECKING:
    import duckdb


def build_view(
    cur: duckdb.DuckDBPyConnection,
    schema: str,
    name: str,
    sql: str,
    *,
    replace: RelationKind | None = None,
) -> int | None:
    """Create or replace the view; returns None (a view's row count is not computed)."""
    if replace == "table":
        drop(cur, "table", schema, name)
    cur.execute(f"create or replace view {qualified(schema, name)} as (\n{sql}\n)")
    return None

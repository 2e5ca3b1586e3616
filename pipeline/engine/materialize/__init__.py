"""Materializations, one module each; `materialize` builds one model atomically.

A view or table whose relation kind is unchanged is one `create or replace ... as` statement,
atomic on its own. Anything longer (an incremental run, a view becoming a table) runs in one
transaction. Either way a failing build leaves the previous version of the relation intact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pipeline.engine.materialize.relations import RelationKind, existing_relations

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.model import Model
    from pipeline.engine.project import Project

__all__ = ["existing_relations", "materialize"]


def materialize(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    model: Model,
    *,
    existing: RelationKind | None,
    vars: Mapping[str, Any] | None = None,
    full_refresh: bool = False,
) -> tuple[int | None, str]:
    """Build `model`; returns (row count, None for views; the SQL run).

    `existing` is what the relation is now (`table`, `view` or None), from a catalog snapshot.
    """
    from pipeline.engine.compile import compile_model
    from pipeline.engine.materialize.incremental import build_incremental
    from pipeline.engine.materialize.table import build_table
    from pipeline.engine.materialize.view import build_view

    kind = model.materialized
    incremental = kind == "incremental" and not full_refresh and existing == "table"
    sql = compile_model(project, model, is_incremental=incremental, vars=vars)
    target_kind = "view" if kind == "view" else "table"
    if not incremental and existing in (None, target_kind):
        if kind == "view":
            return build_view(cur, model.schema, model.name, sql), sql
        return build_table(cur, model.schema, model.name, sql), sql
    cur.execute("begin transaction")
    try:
        rows: int | None
        if kind == "view":
            rows = build_view(cur, model.schema, model.name, sql, replace="table")
        elif incremental:
            rows = build_incremental(
                cur, model.schema, model.name, sql, model.config, model_label=model.name
            )
        else:
            rows = build_table(cur, model.schema, model.name, sql, replace="view")
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    return rows, sql

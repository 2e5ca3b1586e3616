"""Materializations, one module each; `materialize` builds one model atomically.

A view or table whose relation kind is unchanged is one `create or replace ... as` statement,
atomic on its own. Anything longer (an incremental run, a view becoming a table, a model with
pre- or post-hooks) runs in one transaction. Either way a failing build (or hook) leaves the
previous version of the relation intact.
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
    from pipeline.engine import builds, changes
    from pipeline.engine.compile import compile_model
    from pipeline.engine.materialize.incremental import build_incremental
    from pipeline.engine.materialize.table import build_table
    from pipeline.engine.materialize.view import build_view
    from pipeline.engine.project import render_hooks, render_rebuild
    from pipeline.sqltext import qualified

    kind = model.materialized
    inputs = project.change_inputs(model)
    incremental_config = model.incremental
    incremental = (
        incremental_config is not None
        and not full_refresh
        and existing == "table"
        and (not inputs or changes.has_state(cur, model.name, model.schema, inputs, model.changes))
    )
    sql = compile_model(project, model, is_incremental=incremental, vars=vars)
    rebuild = render_rebuild(project, model, vars=vars) if incremental else None
    target_kind = "view" if kind == "view" else "table"
    config = model.config
    pre, post = (
        render_hooks(project, model, hooks, is_incremental=incremental, vars=vars)
        for hooks in (config.pre_hook, config.post_hook)
    )
    if not incremental:
        builds.forget(cur, model.schema, model.name)
    simple = not (pre or post or inputs)
    if not incremental and existing in (None, target_kind) and simple:
        if kind == "view":
            return build_view(cur, model.schema, model.name, sql), sql
        built = build_table(cur, model.schema, model.name, sql)
        if kind == "incremental":
            builds.record(cur, model.schema, model.name, incremental=False)
        return built, sql
    cur.execute("begin transaction")
    try:
        for hook in pre:
            cur.execute(hook)
        if rebuild is not None:
            target = qualified(model.schema, model.name)
            changes.stage_rebuild(cur, model.schema, model.name, target, rebuild)
        rows: int | None
        if kind == "view":
            rows = build_view(
                cur, model.schema, model.name, sql, replace="table" if existing == "table" else None
            )
        elif incremental and incremental_config is not None:
            rows = build_incremental(
                cur, model.schema, model.name, sql, incremental_config, model_label=model.name
            )
        else:
            rows = build_table(
                cur, model.schema, model.name, sql, replace="view" if existing == "view" else None
            )
        for hook in post:
            cur.execute(hook)
        if inputs:
            changes.record(
                cur,
                model=model.name,
                schema=model.schema,
                inputs=inputs,
                usage=model.changes,
                load_log=project.load_log,
                incremental=incremental,
            )
        if kind == "incremental":
            builds.record(cur, model.schema, model.name, incremental=incremental)
        if post and rows is not None:
            counted = cur.execute(f"select count(*) from {qualified(model.schema, model.name)}")
            rows = int((counted.fetchone() or (0,))[0])
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    return rows, sql

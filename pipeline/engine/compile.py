"""Compiling a model to the SQL that runs: small pure steps over sqlglot expressions.

`render` (Jinja, in `project.render_model`) -> `parse` -> `inject_ctes` (ephemeral models
inlined as CTEs named `__dbt__cte__<model>`) -> `to_sql` -> `inline_import_ctes`. A model
without ephemeral parents runs as rendered: the text is not regenerated, so DuckDB sees the
author's SQL, with `not materialized` on its import CTEs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.engine.parse import parse_model
from pipeline.engine.project import Project, render_model

if TYPE_CHECKING:
    from sqlglot import exp

    from pipeline.engine.model import Model


def parse(sql: str) -> exp.Expr:
    """Parse one DuckDB query (raises `ModelSyntaxError`)."""
    from pathlib import Path

    return parse_model(sql, Path("<sql>"), sql)


def inject_ctes(query: exp.Expr, ctes: Sequence[tuple[str, exp.Expr]]) -> exp.Expr:
    """`query` with `ctes` prepended to its WITH clause (created if missing), as a copy."""
    from sqlglot import exp

    if not ctes:
        return query
    query = query.copy()
    new = [
        exp.CTE(this=body.copy(), alias=exp.TableAlias(this=exp.to_identifier(name)))
        for name, body in ctes
    ]
    existing = query.args.get("with_")
    if isinstance(existing, exp.With):
        existing.set("expressions", [*new, *existing.expressions])
    else:
        query.set("with_", exp.With(expressions=new))
    return query


def to_sql(query: exp.Expr) -> str:
    """Generate DuckDB SQL from an expression (pretty-printed)."""
    return query.sql(dialect="duckdb", pretty=True)


_IMPORT_CTE = re.compile(
    r"(?P<head>(?:\bwith|,)\s+(?P<name>\w+)\s+as\s+)"
    r"(?P<body>\(\s*select\s+\*\s+from\s+[\w.\"]+\s*\))",
    re.IGNORECASE,
)


def inline_import_ctes(sql: str) -> str:
    """Mark import CTEs (`name as (select * from relation)`, dbt style) `not materialized`.

    DuckDB materializes a CTE that is referenced more than once: for an import CTE that is a
    full copy of the table, every column, before any filter. On the 34M-row activities table
    that copy spilled 6 GB and took 48 s where the inlined scans take a few seconds. Inlining
    a plain table scan never costs more than reading the copy.
    """
    return _IMPORT_CTE.sub(lambda m: f"{m['head']}not materialized {m['body']}", sql)


def ephemeral_parents(project: Project, model: Model) -> list[str]:
    """Ephemeral models reached from `model` through ephemeral refs, upstream first."""
    found: set[str] = set()
    frontier = [model.name]
    while frontier:
        current = frontier.pop()
        for parent in project.models[current].refs:
            if project.models[parent].is_ephemeral and parent not in found:
                found.add(parent)
                frontier.append(parent)
    return [name for name in project.order if name in found]


def compile_model(
    project: Project,
    model: Model,
    *,
    is_incremental: bool = False,
    vars: Mapping[str, Any] | None = None,
) -> str:
    """The final SQL of `model`: rendered, with its ephemeral parents inlined as CTEs."""
    if vars or is_incremental or not model.rendered_sql:
        sql = render_model(project, model, is_incremental=is_incremental, vars=vars).sql
        ast = None
    else:
        sql, ast = model.rendered_sql, model.ast
    parents = ephemeral_parents(project, model)
    if not parents:
        return inline_import_ctes(strip_sql(sql))
    if ast is None:
        ast = parse_model(sql, model.path, model.raw_sql)
    ctes = [
        (project.models[p].cte_name, _ast_of(project, project.models[p], vars)) for p in parents
    ]
    return inline_import_ctes(to_sql(inject_ctes(ast, ctes)))


def _ast_of(project: Project, model: Model, vars: Mapping[str, Any] | None) -> exp.Expr:
    if model.ast is not None and not vars:
        return model.ast
    return parse_model(render_model(project, model, vars=vars).sql, model.path, model.raw_sql)


def strip_sql(sql: str) -> str:
    """Rendered SQL without surrounding blank lines and trailing semicolons."""
    return sql.strip().rstrip(";").rstrip()

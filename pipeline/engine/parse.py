"""Parsing a rendered model with sqlglot: exactly one query, errors at the template's line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.engine.errors import ModelSyntaxError

if TYPE_CHECKING:
    from sqlglot import exp


def parse_model(sql: str, path: Path, raw_sql: str) -> exp.Expr:
    """Parse rendered SQL; exactly one query, else `ModelSyntaxError` at the source line."""
    import sqlglot
    from sqlglot import exp

    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as error:
        first = error.errors[0] if error.errors else {}
        rendered_line = first.get("line")
        raise ModelSyntaxError(
            f"SQL syntax error: {first.get('description', error)} near "
            f"{first.get('highlight', '')!r}; fix the SQL (run `mops compile` to see it rendered).",
            path=path,
            line=_source_line(sql, raw_sql, rendered_line),
        ) from None
    except sqlglot.errors.TokenError as error:
        raise ModelSyntaxError(f"SQL syntax error: {error}", path=path) from None
    if len(statements) != 1:
        raise ModelSyntaxError(
            f"a model is exactly one select statement, found {len(statements)}; mops creates "
            "the relation itself.",
            path=path,
        )
    statement = statements[0]
    if isinstance(statement, (exp.Create, exp.Insert, exp.Delete, exp.Update, exp.Drop)):
        raise ModelSyntaxError(
            f"a model is a select statement, not {statement.key.upper()}; mops creates the "
            "relation itself (set `materialized` in config).",
            path=path,
        )
    return statement


def _source_line(rendered: str, raw: str, rendered_line: int | None) -> int | None:
    """Map a rendered-SQL line to the template line (Jinja blocks may have removed lines)."""
    if not rendered_line:
        return None
    rendered_lines = rendered.splitlines()
    if rendered_line > len(rendered_lines):
        return rendered_line
    text = rendered_lines[rendered_line - 1].strip()
    raw_lines = raw.splitlines()
    for index in range(rendered_line - 1, len(raw_lines)):
        if raw_lines[index].strip() == text:
            return index + 1
    return rendered_line

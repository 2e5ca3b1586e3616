"""Rewrites that need the input tables' columns: `union by name` and `* replace (...)`.

Spark has neither. With the columns of every table a model reads (from the Spark catalog),
sqlglot's qualifier expands the stars (applying `replace`), and a `union by name` becomes a
positional union with both sides projected in DuckDB's output order: the left side's columns,
then those only on the right, NULL where a side lacks one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp

Columns = Callable[[str, str], Mapping[str, str]]


def needs_schema(query: exp.Expr) -> bool:
    """Whether `query` uses a construct this module rewrites."""
    from sqlglot import exp

    for node in query.walk():
        if isinstance(node, exp.Union) and node.args.get("by_name"):
            return True
        if isinstance(node, exp.Star) and node.args.get("replace"):
            return True
    return False


def expand(query: exp.Expr, columns: Columns) -> exp.Expr:
    """`query` with stars expanded and `union by name` made positional (a copy)."""
    from sqlglot import exp
    from sqlglot.optimizer.qualify import qualify

    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    schema: dict[str, dict[str, dict[str, str]]] = {}
    for table in query.find_all(exp.Table):
        if table.db and table.name not in ctes:
            schema.setdefault(table.db, {})[table.name] = dict(columns(table.db, table.name))
    qualified = qualify(
        query.copy(),
        dialect="duckdb",
        schema=dict(schema),
        quote_identifiers=False,
        identify=False,
        validate_qualify_columns=False,
    )
    for union in reversed(list(qualified.find_all(exp.Union))):
        if union.args.get("by_name"):
            _positional(union)
    return qualified


def _names(query: exp.Expr) -> list[str]:
    from sqlglot import exp

    while isinstance(query, (exp.Union, exp.Subquery)):
        query = query.this
    return list(query.named_selects) if isinstance(query, exp.Select) else []


def _project(side: exp.Expr, names: list[str], alias: str) -> exp.Select:
    from sqlglot import exp

    have = set(_names(side))
    columns = [
        exp.column(name, table=alias) if name in have else exp.alias_(exp.Null(), name)
        for name in names
    ]
    return exp.select(*columns).from_(exp.Subquery(this=side.copy(), alias=alias))


def _positional(union: exp.Union) -> None:
    left, right = union.this, union.expression
    names = _names(left)
    names += [n for n in _names(right) if n not in names]
    union.set("this", _project(left, names, "_by_name_l"))
    union.set("expression", _project(right, names, "_by_name_r"))
    union.set("by_name", None)

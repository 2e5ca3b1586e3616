"""Column lineage of a compiled model, computed by `sqlglot.lineage` (best effort)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

logger = logging.getLogger(__name__)

Schema = Mapping[str, Mapping[str, Mapping[str, str]]]  # schema -> table -> column -> type
Upstream = tuple[str, str, str]  # (schema, table, column)


def column_lineage(sql: str, schema: Schema) -> dict[str, list[Upstream]]:
    """Each output column -> the upstream `(schema, table, column)` it is computed from.

    `schema` must describe every relation the SQL reads. Columns computed from no column
    (literals, `count(*)`) are left out; SQL that sqlglot cannot resolve gives `{}`.
    """
    from sqlglot import exp
    from sqlglot.lineage import lineage

    # trim_selects would deep-copy each scope's select per column (4x the time) for node labels
    # this walk never reads.
    try:
        nodes = lineage(
            None,
            sql,
            schema={k: dict(v) for k, v in schema.items()},
            dialect="duckdb",
            trim_selects=False,
        )
    except Exception as error:  # lineage is optional metadata: never fail a build for it
        logger.debug("no column lineage: %s", error)
        return {}
    if not isinstance(nodes, dict):
        return {}
    result: dict[str, list[Upstream]] = {}
    for column, node in nodes.items():
        upstream: list[Upstream] = []
        for leaf in node.walk():
            if leaf.downstream or not isinstance(leaf.expression, exp.Table):
                continue
            item = (leaf.expression.db, leaf.expression.name, leaf.name.split(".")[-1])
            if item not in upstream:
                upstream.append(item)
        if upstream:
            result[column] = upstream
    return result

"""Incremental strategy `delete+insert`: delete target rows whose key tuple is in the new rows,
then insert the new rows. Keys are matched as tuples (null-safe), never column by column."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engine.materialize.relations import quote


def key_match(left: str, right: str, keys: Sequence[str]) -> str:
    """`left` and `right` rows have the same key tuple (nulls equal, as one row condition)."""
    return " and ".join(f"{left}.{quote(k)} is not distinct from {right}.{quote(k)}" for k in keys)


def statements(target: str, source: str, cols: Sequence[str], keys: Sequence[str]) -> list[str]:
    names = ", ".join(quote(c) for c in cols)
    return [
        f"delete from {target} as dst where exists "
        f"(select 1 from {source} as src where {key_match('src', 'dst', keys)})",
        f"insert into {target} ({names}) select {names} from {source}",
    ]

"""Incremental strategy `delete+insert`: delete target rows whose key tuple is in the new rows,
then insert the new rows. Keys are matched as tuples (null-safe), never column by column."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.sqltext import identifier


def key_match(left: str, right: str, keys: Sequence[str]) -> str:
    """`left` and `right` rows have the same key tuple (nulls equal, as one row condition)."""
    return " and ".join(
        f"{left}.{identifier(k)} is not distinct from {right}.{identifier(k)}" for k in keys
    )


def statements(target: str, source: str, cols: Sequence[str], keys: Sequence[str]) -> list[str]:
    names = ", ".join(identifier(c) for c in cols)
    return [
        f"delete from {target} as dst where exists "
        f"(select 1 from {source} as src where {key_match('src', 'dst', keys)})",
        f"insert into {target} ({names}) select {names} from {source}",
    ]

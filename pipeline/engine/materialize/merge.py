"""Incremental strategy `merge`: update rows whose key tuple matches, insert the others.
Each target row may match at most one new row (DuckDB refuses duplicate matches)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engine.materialize.delete_insert import key_match
from pipeline.sqltext import identifier


def statements(target: str, source: str, cols: Sequence[str], keys: Sequence[str]) -> list[str]:
    names = ", ".join(identifier(c) for c in cols)
    values = ", ".join(f"src.{identifier(c)}" for c in cols)
    updates = ", ".join(f"{identifier(c)} = src.{identifier(c)}" for c in cols if c not in keys)
    matched = f"when matched then update set {updates} " if updates else ""
    return [
        f"merge into {target} as dst using {source} as src on ({key_match('dst', 'src', keys)}) "
        f"{matched}when not matched then insert ({names}) values ({values})"
    ]

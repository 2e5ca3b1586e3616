"""Incremental strategy `append`: insert every new row."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engine.materialize.relations import quote


def statements(target: str, source: str, cols: Sequence[str], keys: Sequence[str]) -> list[str]:
    """Insert all rows of `source` into `target` (matching columns by name)."""
    names = ", ".join(quote(c) for c in cols)
    return [f"insert into {target} ({names}) select {names} from {source}"]

"""Incremental strategy `append`: insert every new row."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.sqltext import identifier


def statements(target: str, source: str, cols: Sequence[str], keys: Sequence[str]) -> list[str]:
    """Insert all rows of `source` into `target` (matching columns by name)."""
    names = ", ".join(identifier(c) for c in cols)
    return [f"insert into {target} ({names}) select {names} from {source}"]

"""Seeds: CSV files built as tables by the query `select * from read_csv(...)`.

A seed is a model whose SQL is generated, so it is `ref()`-able, selectable and testable like any
model. Column types come from `column_types` (seed config) where given, else from DuckDB's CSV
sniffer.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline.sqltext import literal


def seed_select(path: Path, column_types: Mapping[str, str], delimiter: str = ",") -> str:
    """The query reading the seed CSV at `path`."""
    options = [literal(path.as_posix()), "header = true", f"delim = {literal(delimiter)}"]
    if column_types:
        types = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in column_types.items())
        options.append(f"types = {{{types}}}")
    return f"select * from read_csv({', '.join(options)})"

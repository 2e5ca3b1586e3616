"""Opening the DuckDB warehouse the same way everywhere (UTC session, memory limit, spill dir)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def connect(
    path: Path | str, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open `path` (created with its folder if missing) with mops' session settings.

    Timestamps are stored as naive UTC, so the session time zone is pinned to UTC: a naive
    timestamp string is read as UTC whatever the machine's zone is.
    """
    import duckdb

    target = Path(path)
    if not read_only and str(path) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    con.execute("set TimeZone = 'UTC'")
    if not read_only and str(path) != ":memory:":
        spill = target.parent / f".{target.name}.tmp"
        con.execute(f"set temp_directory = '{spill.as_posix()}'")
    return con

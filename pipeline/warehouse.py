"""Opening the DuckDB warehouse the same way everywhere (UTC session, memory limit, spill dir)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.filemodes import apply_umask, protect
from pipeline.settings import Settings

if TYPE_CHECKING:
    import duckdb


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    memory_limit: str | None = None,
    file_mode: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open `path` (created with its folder if missing) with mops' session settings.

    Timestamps are stored as naive UTC, so the session time zone is pinned to UTC: a naive
    timestamp string is read as UTC whatever the machine's zone is. Opened for writing, the
    file, its WAL and spill folder get `file_mode` (default `MOPS_FILE_MODE`, 0600).
    """
    import duckdb

    target = Path(path)
    writable = not read_only and str(path) != ":memory:"
    if writable:
        mode = Settings.from_env().file_mode if file_mode is None else file_mode
        apply_umask(mode)
        target.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    con.execute("set TimeZone = 'UTC'")
    if writable:
        spill = target.parent / f".{target.name}.tmp"
        con.execute(f"set temp_directory = '{spill.as_posix()}'")
        protect(target, target.with_name(f"{target.name}.wal"), spill, mode=mode)
    return con

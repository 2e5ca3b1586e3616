"""Small helpers for ingest tests: run an ingest, read rows back as dicts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from pipeline.ingest.loader import FileResult, ingest_landing
from pipeline.settings import Settings


def run_ingest(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    report_timezone: str = "UTC",
    ingest_settings: Path | None = None,
) -> list[FileResult]:
    """Ingest `landing` with the `ingest.yml` beside it (the defaults when there is none)."""
    settings = replace(
        Settings.from_env(),
        landing_dir=landing,
        report_timezone=report_timezone,
        ingest_settings=ingest_settings or landing.parent / "ingest.yml",
    )
    return ingest_landing(con, landing, settings)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    found = con.execute(sql).fetchone()
    assert found is not None
    return found[0]

"""Build the real `models/` project on a small hand-made world, for funnel and mart tests.

    con = build_world(tmp_path, {"salesforce/Lead/l.csv": "Id,Email\\n..."}, vars={...})

writes the files into a landing zone, ingests them, loads `seeds/`, builds every model and
returns the open warehouse connection. A model that fails makes the test fail with its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipeline.engine import build, load_project, select
from pipeline.ingest.loader import ingest_landing
from pipeline.seeds import load_seeds
from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse import connect

MODELS_DIR = PROJECT_ROOT / "models"
SEEDS_DIR = PROJECT_ROOT / "seeds"


def land(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    files: Mapping[str, str],
    *,
    strict: bool = True,
) -> None:
    """Write `files` (paths relative to `landing`) and ingest the landing zone. The world must
    load without rejected files and, when `strict`, without quarantined rows."""
    for relative, content in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    landing.mkdir(parents=True, exist_ok=True)
    loaded = ingest_landing(con, landing)
    problems = [r for r in loaded if r.status == "rejected" or (strict and r.rows_quarantined)]
    assert not problems, f"the test world did not load cleanly: {problems}"


def build_selected(
    con: duckdb.DuckDBPyConnection, spec: str, *, full_refresh: bool = False
) -> None:
    """Build the models chosen by `spec` (selection syntax) on `con`; every one must succeed."""
    project = load_project(MODELS_DIR)
    results = build(con, project, select(project, spec), full_refresh=full_refresh)
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]


def build_world(
    tmp_path: Path,
    files: Mapping[str, str],
    vars: Mapping[str, Any] | None = None,
    select: list[str] | None = None,
) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "warehouse.duckdb")
    land(con, tmp_path / "landing", files)
    load_seeds(con, SEEDS_DIR)
    project = load_project(MODELS_DIR, vars=vars)
    chosen = select or list(project.models)
    failed = [r for r in build(con, project, chosen, vars=vars) if not r.ok]
    assert not failed, "\n".join(f"{r.name}: {r.status} {r.message}" for r in failed)
    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

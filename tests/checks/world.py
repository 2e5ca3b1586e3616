"""A small generated world built once per test session (ingest, seeds, every model), copied per
test: real DuckDB files, the real `models/` project (or $MOPS_MODELS_DIR)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from pipeline.engine import build, load_project
from pipeline.generate import generate_world
from pipeline.ingest.loader import ingest_landing
from pipeline.seeds import load_seeds
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.warehouse import connect

PEOPLE = 200
DAYS = 10


def build_small_world(root: Path, people: int = PEOPLE, days: int = DAYS) -> Path:
    """Generate a world into `root/landing`, build it into `root/warehouse.duckdb`."""
    landing = root / "landing"
    generate_world(landing, people=people, days=days, seed=11, end_date=date(2026, 10, 31))
    warehouse = root / "warehouse.duckdb"
    with connect(warehouse) as con:
        ingest_landing(con, landing)
        load_seeds(con, PROJECT_ROOT / "seeds")
        project = load_project(Settings.from_env().models_dir)
        failed = [r for r in build(con, project, list(project.models)) if not r.ok]
        assert not failed, "\n".join(f"{r.name}: {r.status} {r.message}" for r in failed)
    return warehouse


def copy_world(warehouse: Path, to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True)
    target = to / "warehouse.duckdb"
    shutil.copyfile(warehouse, target)
    return target


_BUILT: dict[str, Path] = {}


def session_world(factory: object) -> Path:
    """Build the small world once per test process (`factory`: pytest's TempPathFactory)."""
    if "world" not in _BUILT:
        root = factory.mktemp("world")  # type: ignore[attr-defined]
        _BUILT["world"] = build_small_world(root)
    return _BUILT["world"]

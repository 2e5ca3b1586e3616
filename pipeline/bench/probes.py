"""Two speed probes of fixed size, each against a floor measured beside it in the same run: the
generator's people per second against DuckDB reading the files it wrote, and the engine's
load + plan of 200 synthetic models against parsing the same files with bare sqlglot."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipeline.bench.floors import ingest_floor
from pipeline.bench.result import BenchResult, Stage, timed

GENERATOR_PEOPLE = 3000
GENERATOR_DAYS = 120
ENGINE_MODELS = 200


def generator_probe(
    result: BenchResult,
    work: Path,
    memory_limit: str,
    people: int = GENERATOR_PEOPLE,
    days: int = GENERATOR_DAYS,
) -> None:
    """Stage `probe/generate` counts people (its rows/s are people/s); `probe/read` is the floor."""
    from pipeline.generate import generate_world

    landing = work / "probe-world"
    shutil.rmtree(landing, ignore_errors=True)
    try:
        with timed(result, "probe", "generate") as rows:
            generate_world(landing, people=people, days=days)
            rows[0] = people
        ingest_floor(result, landing, work / "probe-read.duckdb", memory_limit, "probe", "read")
    finally:
        shutil.rmtree(landing, ignore_errors=True)


def engine_probe(result: BenchResult, models: int = ENGINE_MODELS, repeats: int = 5) -> None:
    """CPU seconds, best of `repeats` each, alternated (`pipeline.engine.bench.time_load_plan`)."""
    from pipeline.engine.bench import time_load_plan, write_project

    with tempfile.TemporaryDirectory(prefix="mops-probe-") as tmp:
        root = Path(tmp) / "models"
        write_project(root, models)
        load_plan, parse = time_load_plan(root, repeats)
    result.stages.append(Stage("probe", "load+plan", load_plan, models, 0))
    result.stages.append(Stage("probe", "parse", parse, models, 0))

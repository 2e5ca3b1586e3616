"""One benchmark run: a full build of every day but the last, the floors, then one nightly day.

Stages, each timed with the peak memory of the process tree: ingest (landing files -> raw),
seeds, models (every model, tests off), checks (the load gate and every data test, as
`checks.gate.run_gate` runs them), publish (the marts file, its Parquet copies and the atomic swap),
checkpoint (what a run's closing connection writes to the database file). Each run opens its
own connection, as every Dagster run does.
After the full build's ingest, the ingest floor (the same files read by DuckDB's own readers
into one all-text table per object and layout of a scratch database: no typing, checks,
quarantine or load log). After the full build's models, the models floor (the same compiled SQL
of every model executed directly on the same connection in dependency order, no framework around
it) and `mops models --full-refresh` again, alternated, best of two each: `repeat / floor` is the
overhead ratio. The full build's checks and publish come after them, on the tables the night
extends. Last, two probes of fixed size: `mops generate` against DuckDB reading the files it
wrote, and the engine's load + plan against bare sqlglot parsing (`pipeline/bench/probes.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.bench.faults import add_wide_line_file
from pipeline.bench.floors import ingest_floor, remove_database
from pipeline.bench.probes import engine_probe, generator_probe
from pipeline.bench.result import BenchResult, Stage, timed
from pipeline.bench.worlds import Scale, split_last_day, world
from pipeline.settings import Settings

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.project import Project


def run_bench(
    scale: Scale,
    cache: Path,
    memory_limit: str = "2GB",
    repeats: int = 2,
    progress: Callable[[str], None] = lambda _: None,
) -> BenchResult:
    from pipeline.engine import load_project
    from pipeline.warehouse import connect

    # The bench's landing zones are links into the cached world, read as soon as they are made.
    settings = replace(
        Settings.from_env(), memory_limit=memory_limit, follow_symlinks=True, settle_seconds=0.0
    )
    progress(f"world {scale.key}")
    landing = world(scale, cache / "worlds")
    work = cache / "runs" / scale.key
    night1, night2, last_day = split_last_day(landing, work)
    add_wide_line_file(night1)
    database = work / "warehouse.duckdb"
    remove_database(database)
    result = BenchResult(scale.name, scale.people, scale.days, last_day, memory_limit)
    project = load_project(settings.models_dir)
    for run, landing_dir in (("full", night1), ("nightly", night2)):
        # one connection per run, as every Dagster run opens its own
        with connect(database, memory_limit=memory_limit) as con:
            progress(f"{run}: ingest")
            _ingest(con, result, run, landing_dir, settings)
            if run == "full":
                progress("ingest floor")
                ingest_floor(result, landing_dir, work / "floor.duckdb", memory_limit)
            progress(f"{run}: models")
            _models(con, result, run, project, settings)
            if run == "full":
                # before the checks: the night then extends the builds the checks verified, as
                # one night extends the last (pipeline/engine/verified.py)
                progress("floor")
                _overhead(con, result, project, repeats)
            progress(f"{run}: checks")
            _checks(con, result, run, project)
            progress(f"{run}: publish")
            _publish(con, result, run, work / "marts.duckdb", project)
            progress(f"{run}: checkpoint")
            _close(con, result, run)
    progress("probes: generator")
    generator_probe(result, work, memory_limit)
    progress("probes: engine load + plan")
    engine_probe(result)
    return result


def _ingest(
    con: duckdb.DuckDBPyConnection, result: BenchResult, run: str, landing: Path, settings: Settings
) -> None:
    from pipeline.ingest.loader import ingest_landing

    with timed(result, run, "ingest") as rows:
        loaded = ingest_landing(con, landing, settings)
        rows[0] = sum(r.rows_loaded for r in loaded)


def _models(
    con: duckdb.DuckDBPyConnection,
    result: BenchResult,
    run: str,
    project: Project,
    settings: Settings,
) -> None:
    from pipeline.engine import build, select
    from pipeline.seeds import load_seeds

    with timed(result, run, "seeds") as rows:
        rows[0] = len(load_seeds(con, settings.seeds_dir))
    with timed(result, run, "models") as rows:
        built = build(con, project, select(project), run_tests=False)
        failed = [f"{r.name}: {r.message}" for r in built if not r.ok]
        if failed:
            raise RuntimeError("models failed during the benchmark:\n" + "\n".join(failed))
        rows[0] = sum(r.rows or 0 for r in built)
    result.model_seconds[run] = {r.name: round(r.seconds, 3) for r in built}


def _checks(
    con: duckdb.DuckDBPyConnection, result: BenchResult, run: str, project: Project
) -> None:
    from checks.gate import run_gate

    with timed(result, run, "checks") as rows:
        gate = run_gate(con, project)
        if not gate.passed:
            raise RuntimeError("the quality gate failed during the benchmark:\n" + gate.report())
        rows[0] = len(gate.outcomes)
    result.check_seconds[run] = {o.check_id: round(o.seconds, 3) for o in gate.outcomes}


def _publish(
    con: duckdb.DuckDBPyConnection, result: BenchResult, run: str, target: Path, project: Project
) -> None:
    from pipeline.publish import publish

    with timed(result, run, "publish") as rows:
        published = publish(con, target, run_id=f"bench-{run}", names=project.published)
        rows[0] = sum(published.row_counts.values())


def _close(con: duckdb.DuckDBPyConnection, result: BenchResult, run: str) -> None:
    """A run ends by closing its connection: DuckDB writes what the run left in the WAL to the
    database file and frees the run's memory. Timed as the run's checkpoint, so neither run pays
    the other's debt; the next run opens its own connection, as every Dagster run does."""
    with timed(result, run, "checkpoint"):
        con.execute("checkpoint")
        con.close()


def _overhead(
    con: duckdb.DuckDBPyConnection, result: BenchResult, project: Project, repeats: int = 2
) -> None:
    """The floor (the compiled SQL of every model run directly, in dependency order) against
    `mops models` on the same data, alternated and best of `repeats` each, so neither side
    gains from running second on a warm cache. Each pass ends with a checkpoint, so neither
    pays for the tables the other replaced (DuckDB frees them only at a checkpoint)."""
    from pipeline.engine import build, select
    from pipeline.engine.compile import compile_model
    from pipeline.engine.materialize.relations import qualified

    names = select(project)
    models = [project.models[n] for n in names if not project.models[n].is_ephemeral]
    compiled = [(m, compile_model(project, m)) for m in models]
    floor: list[Stage] = []
    repeat: list[Stage] = []
    for _ in range(repeats):
        with timed(result, "floor", "models") as rows:
            for model, sql in compiled:
                kind = "view" if model.materialized == "view" else "table"
                relation = qualified(model.schema, model.name)
                con.execute(f"create or replace {kind} {relation} as (\n{sql}\n)")
            con.execute("checkpoint")
            rows[0] = len(compiled)
        floor.append(result.stages.pop())
        with timed(result, "repeat", "models") as rows:
            built = build(con, project, names, full_refresh=True, run_tests=False)
            con.execute("checkpoint")
            rows[0] = sum(r.rows or 0 for r in built)
        repeat.append(result.stages.pop())
    result.stages.append(min(floor, key=lambda s: s.seconds))
    result.stages.append(min(repeat, key=lambda s: s.seconds))

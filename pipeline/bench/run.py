"""One benchmark run: a full build of every day but the last, the floors, then one nightly day.

Stages, each timed with the peak memory of the process tree: ingest (landing files -> raw),
seeds, models (every model, tests off), checks (every YAML and singular data test, then the
quality gate of `checks/`), publish (the marts file, its Parquet copies and the atomic swap),
checkpoint (what a run's closing connection writes to the database file). Each run opens its
own connection, as every Dagster run does.
After the full build's ingest, the ingest floor (the same files read by DuckDB's own readers
into one all-text table per object and layout of a scratch database: no typing, checks,
quarantine or load log). After the full build's models, the models floor (the same compiled SQL
of every model executed directly on the same connection in dependency order, no framework around
it) and `mops models --full-refresh` again, alternated, best of two each: `repeat / floor` is the
overhead ratio. The full build's checks and publish come after them, on the tables the night
extends.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pipeline.bench.memory import PeakMemory
from pipeline.bench.worlds import Scale, split_last_day, world
from pipeline.settings import Settings

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.project import Project
    from pipeline.ingest.formats import Layout


@dataclass
class Stage:
    run: str  # full | nightly | floor | repeat
    stage: str
    seconds: float
    rows: int
    peak_bytes: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class BenchResult:
    scale: str
    people: int
    days: int
    nightly_day: str
    memory_limit: str
    stages: list[Stage] = field(default_factory=list)
    model_seconds: dict[str, dict[str, float]] = field(default_factory=dict)  # run -> model -> s
    check_seconds: dict[str, dict[str, float]] = field(default_factory=dict)  # run -> check -> s

    def slowest(
        self, run: str, count: int = 8, kind: Literal["models", "checks"] = "models"
    ) -> list[tuple[str, float]]:
        """The models (or checks) that dominate a run: where profiling starts."""
        seconds = self.model_seconds if kind == "models" else self.check_seconds
        ranked = sorted(seconds.get(run, {}).items(), key=lambda m: -m[1])
        return ranked[:count]

    def seconds(self, run: str, stage: str | None = None) -> float:
        return sum(s.seconds for s in self.stages if s.run == run and stage in (None, s.stage))

    def peak_bytes(self, run: str) -> int:
        return max((s.peak_bytes for s in self.stages if s.run == run), default=0)

    @property
    def ratios(self) -> dict[str, float]:
        full = self.seconds("full")
        return {
            "models_over_floor": self.seconds("repeat", "models") / self.seconds("floor", "models"),
            "ingest_over_floor": self.seconds("full", "ingest") / self.seconds("floor", "ingest"),
            "nightly_over_full": self.seconds("nightly") / full,
            "checks_over_full": self.seconds("full", "checks") / full,
        }

    def to_json(self) -> str:
        data = asdict(self)
        data["ratios"] = self.ratios
        data["totals"] = {run: self.seconds(run) for run in ("full", "nightly", "floor")}
        return json.dumps(data, indent=2)

    def summary(self) -> str:
        r = self.ratios
        return (
            f"bench {self.scale}: full {self.seconds('full'):.1f} s "
            f"(peak {self.peak_bytes('full') / 2**30:.2f} GiB), "
            f"nightly {self.seconds('nightly'):.1f} s = {r['nightly_over_full']:.1%} of full, "
            f"models/floor {r['models_over_floor']:.3f}x, "
            f"ingest/floor {r['ingest_over_floor']:.2f}x, "
            f"checks {r['checks_over_full']:.1%} of full"
        )


@contextmanager
def _timed(result: BenchResult, run: str, stage: str) -> Iterator[list[int]]:
    rows = [0]
    started = time.perf_counter()
    with PeakMemory() as peak:
        yield rows
    result.stages.append(Stage(run, stage, time.perf_counter() - started, rows[0], peak.bytes))


def run_bench(
    scale: Scale,
    cache: Path,
    memory_limit: str = "2GB",
    repeats: int = 2,
    progress: Callable[[str], None] = lambda _: None,
) -> BenchResult:
    from pipeline.engine import load_project
    from pipeline.warehouse import connect

    settings = replace(Settings.from_env(), memory_limit=memory_limit)
    progress(f"world {scale.key}")
    landing = world(scale, cache / "worlds")
    work = cache / "runs" / scale.key
    night1, night2, last_day = split_last_day(landing, work)
    database = work / "warehouse.duckdb"
    _remove_database(database)
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
                # one night extends the last (checks/increments.py)
                progress("floor")
                _overhead(con, result, project, repeats)
            progress(f"{run}: checks")
            _checks(con, result, run, project)
            progress(f"{run}: publish")
            _publish(con, result, run, work / "marts.duckdb")
            progress(f"{run}: checkpoint")
            _close(con, result, run)
    return result


def _ingest(
    con: duckdb.DuckDBPyConnection, result: BenchResult, run: str, landing: Path, settings: Settings
) -> None:
    from pipeline.ingest.loader import ingest_landing

    with _timed(result, run, "ingest") as rows:
        loaded = ingest_landing(con, landing, settings)
        rows[0] = sum(r.rows_loaded for r in loaded)


def ingest_floor(result: BenchResult, landing: Path, scratch: Path, memory_limit: str) -> None:
    """The ingest floor: every file of `landing` read by DuckDB's own reader (CSV: the header
    line the loader finds, all text; JSON: one object per row; Parquet as stored) into the
    scratch database `scratch`, deleted afterwards: one table per object and layout, as the
    loader scans them. It runs after the full ingest, on files the page cache holds, so it is a
    lower bound."""
    from pipeline.ingest.errors import FileRejected
    from pipeline.ingest.formats import sniff
    from pipeline.ingest.loader import discover
    from pipeline.ingest.objects import find_object
    from pipeline.warehouse import connect

    scans: dict[tuple[str, Layout], list[Path]] = {}
    for item in discover(landing):
        obj = find_object(item.system, item.object)
        try:
            layout = sniff(item.path, obj) if obj is not None else None
        except FileRejected:
            layout = None  # the loader rejects such a file unread: nothing to compare with
        if layout is not None:
            scans.setdefault((f"{item.system}__{item.object}", layout), []).append(item.path)
    _remove_database(scratch)
    try:
        with (
            _timed(result, "floor", "ingest") as rows,
            connect(scratch, memory_limit=memory_limit) as con,
        ):
            for index, ((name, layout), paths) in enumerate(scans.items()):
                table = f'"{name}__{index}"'
                con.execute(f"create table {table} as select * from {_floor_reader(paths, layout)}")
                counted = con.execute(f"select count(*) from {table}").fetchone()
                rows[0] += int(counted[0]) if counted else 0
    finally:
        _remove_database(scratch)


def _floor_reader(paths: list[Path], layout: Layout) -> str:
    files = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"
    if layout.kind == "csv":
        delimiter = layout.delimiter.replace("'", "''")
        return (
            f"read_csv({files}, header = true, skip = {layout.header_index}, "
            f"delim = '{delimiter}', all_varchar = true, ignore_errors = true)"
        )
    if layout.kind == "json":
        return f"read_json_objects({files}, format = '{layout.json_format}')"
    return f"read_parquet({files}, union_by_name = true)"


def _remove_database(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(f".{path.name}.tmp"), ignore_errors=True)


def _models(
    con: duckdb.DuckDBPyConnection,
    result: BenchResult,
    run: str,
    project: Project,
    settings: Settings,
) -> None:
    from pipeline.engine import build, select
    from pipeline.seeds import load_seeds

    with _timed(result, run, "seeds") as rows:
        rows[0] = len(load_seeds(con, settings.seeds_dir))
    with _timed(result, run, "models") as rows:
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
    from checks.registry import check_id
    from pipeline.engine.tests import run_tests

    with _timed(result, run, "checks") as rows:
        outcomes = [
            t for name in project.models for t in run_tests(con, project, project.tests_of(name))
        ]
        gate = run_gate(con)
        if not gate.passed:
            raise RuntimeError("the quality gate failed during the benchmark:\n" + gate.report())
        rows[0] = len(outcomes) + len(gate.outcomes)
    seconds = {f"{t.test.model}:{t.test.name}": round(t.seconds, 3) for t in outcomes}
    seconds |= {check_id(o.check): round(o.seconds, 3) for o in gate.outcomes}
    result.check_seconds[run] = seconds


def _publish(con: duckdb.DuckDBPyConnection, result: BenchResult, run: str, target: Path) -> None:
    from pipeline.publish import publish

    with _timed(result, run, "publish") as rows:
        published = publish(con, target, run_id=f"bench-{run}")
        rows[0] = sum(published.row_counts.values())


def _close(con: duckdb.DuckDBPyConnection, result: BenchResult, run: str) -> None:
    """A run ends by closing its connection: DuckDB writes what the run left in the WAL to the
    database file and frees the run's memory. Timed as the run's checkpoint, so neither run pays
    the other's debt; the next run opens its own connection, as every Dagster run does."""
    with _timed(result, run, "checkpoint"):
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
        with _timed(result, "floor", "models") as rows:
            for model, sql in compiled:
                kind = "view" if model.materialized == "view" else "table"
                relation = qualified(model.schema, model.name)
                con.execute(f"create or replace {kind} {relation} as (\n{sql}\n)")
            con.execute("checkpoint")
            rows[0] = len(compiled)
        floor.append(result.stages.pop())
        with _timed(result, "repeat", "models") as rows:
            built = build(con, project, names, full_refresh=True, run_tests=False)
            con.execute("checkpoint")
            rows[0] = sum(r.rows or 0 for r in built)
        repeat.append(result.stages.pop())
    result.stages.append(min(floor, key=lambda s: s.seconds))
    result.stages.append(min(repeat, key=lambda s: s.seconds))

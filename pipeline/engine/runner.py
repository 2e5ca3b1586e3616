"""Building selected models in dependency order on one DuckDB connection.

Independent models may run concurrently (`threads > 1`) on cursors of that connection. A model
whose build fails, or whose `error` test fails over its thresholds, skips everything downstream.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pipeline.engine.changes import ensure as ensure_state
from pipeline.engine.graph import Graph
from pipeline.engine.materialize.relations import existing_relations
from pipeline.engine.tests import TestResult
from pipeline.engine.tests import run_tests as run_data_tests
from pipeline.engine.verified import ensure as ensure_verified
from pipeline.engine.verified import scopable, writable

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.materialize.relations import RelationKind
    from pipeline.engine.metadata import ModelMetadata
    from pipeline.engine.model import DataTest
    from pipeline.engine.project import Project

Status = Literal["success", "error", "skipped", "tests_failed"]
_REASONS = {"error": "failed", "tests_failed": "failed its tests", "skipped": "was skipped"}


@dataclass
class ModelResult:
    """What happened to one model: status, rows (None for views), seconds, tests."""

    name: str
    relation: str
    materialized: str
    status: Status
    rows: int | None = None
    seconds: float = 0.0
    message: str = ""
    sql: str = ""
    tests: list[TestResult] = field(default_factory=list)
    metadata: ModelMetadata | None = None  # with iter_build(..., metadata=True)

    @property
    def ok(self) -> bool:
        return self.status == "success"


def build_order(
    project: Project, selected: Iterable[str], *, test_deps: bool = True
) -> dict[str, set[str]]:
    """Selected non-ephemeral models, in build order -> the selected models they wait for.

    With `test_deps`, a model also waits for the other models its tests read (relationships,
    singular tests); that orders the run but a failure there does not skip the model.
    """
    chosen = set(selected)
    upstream: dict[str, set[str]] = {}
    waits: dict[str, set[str]] = {}
    for name in project.order:
        above: set[str] = set()
        for parent in project.graph.parents[name]:
            above |= upstream[parent]
            if parent in chosen and not project.models[parent].is_ephemeral:
                above.add(parent)
        upstream[name] = above
        if name in chosen and not project.models[name].is_ephemeral:
            waits[name] = above
    # a test reading another model (relationships, singular) waits for it, unless that model
    # is downstream (it would be a cycle): then the test reads the model as it is
    if test_deps:
        for name, above in waits.items():
            for test in project.tests_of(name):
                for other in test.depends_on:
                    if other in waits and name not in project.graph.ancestors(other):
                        above.add(other)
    return {name: waits[name] for name in Graph(waits).order}


def iter_build(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    selected: Iterable[str],
    *,
    vars: Mapping[str, Any] | None = None,
    full_refresh: bool = False,
    threads: int = 1,
    run_tests: bool = True,
    test_filter: Callable[[DataTest], bool] | None = None,
    metadata: bool = False,
) -> Iterator[ModelResult]:
    """Build the selected models, yielding each result as soon as it is known.

    After each model its tests run (those `test_filter` accepts, when given); an `error` test
    failing over its thresholds marks the model `tests_failed` and skips its descendants. With
    `metadata`, each built model's rows, columns and lineage are read on the building
    connection into `ModelResult.metadata`.
    """
    tests = _tests_for(project, run_tests, test_filter)
    waits = build_order(project, selected)
    reads = build_order(project, waits, test_deps=False)
    for schema in sorted({project.models[name].schema for name in waits}):
        con.execute(f"create schema if not exists {schema}")
    if any(project.models[name].changes_from for name in waits):
        ensure_state(con)  # before models build concurrently
    if threads > 1 and any(scopable(t) for name in waits for t in tests(name)) and writable(con):
        ensure_verified(con)  # before tests record what they verified concurrently
    failed: dict[str, str] = {}
    existing = existing_relations(con)

    def blocked(name: str) -> ModelResult | None:
        bad = sorted(reads[name] & failed.keys())
        if not bad:
            return None
        model = project.models[name]
        return ModelResult(
            name,
            model.relation,
            model.materialized,
            "skipped",
            message=f"upstream {bad[0]} {failed[bad[0]]}",
        )

    def record(result: ModelResult) -> ModelResult:
        if result.status != "success":
            failed[result.name] = _REASONS[result.status]
        return result

    if threads <= 1:
        for name in waits:
            yield record(
                blocked(name)
                or _build_one(con, project, name, existing, vars, full_refresh, tests, metadata)
            )
        return

    local = threading.local()
    cursors = [con.cursor() for _ in range(threads)]  # created here, one per worker thread
    spare = list(cursors)

    def task(name: str) -> ModelResult:
        if not hasattr(local, "cur"):
            local.cur = spare.pop()
        return _build_one(local.cur, project, name, existing, vars, full_refresh, tests, metadata)

    try:
        pending = dict(waits)
        done: set[str] = set()
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mops-model") as pool:
            running: dict[Future[ModelResult], str] = {}
            while pending or running:
                for name in [n for n, w in pending.items() if w <= done]:
                    del pending[name]
                    skipped = blocked(name)
                    if skipped:
                        done.add(name)
                        yield record(skipped)
                    else:
                        running[pool.submit(task, name)] = name
                if not running:
                    if pending:  # cannot happen with an acyclic plan; never spin
                        raise RuntimeError(f"models never became ready: {sorted(pending)}")
                    continue
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    done.add(running.pop(future))
                    yield record(future.result())
    finally:
        for cursor in cursors:
            cursor.close()


def build(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    selected: Iterable[str],
    vars: Mapping[str, Any] | None = None,
    full_refresh: bool = False,
    *,
    threads: int = 1,
    run_tests: bool = True,
) -> list[ModelResult]:
    """Build the selected models; returns one result per non-ephemeral model."""
    return list(
        iter_build(
            con,
            project,
            selected,
            vars=vars,
            full_refresh=full_refresh,
            threads=threads,
            run_tests=run_tests,
        )
    )


def _tests_for(
    project: Project, run_tests: bool, test_filter: Callable[[DataTest], bool] | None
) -> Callable[[str], list[DataTest]]:
    def tests(name: str) -> list[DataTest]:
        if not run_tests:
            return []
        return [t for t in project.tests_of(name) if test_filter is None or test_filter(t)]

    return tests


def _build_one(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    name: str,
    existing: dict[tuple[str, str], RelationKind],
    vars: Mapping[str, Any] | None,
    full_refresh: bool,
    tests: Callable[[str], list[DataTest]],
    metadata: bool = False,
) -> ModelResult:
    import duckdb

    from pipeline.engine.errors import EngineError
    from pipeline.engine.materialize import materialize

    model = project.models[name]
    started = time.perf_counter()
    try:
        rows, sql = materialize(
            cur,
            project,
            model,
            existing=existing.get((model.schema, model.name)),
            vars=vars,
            full_refresh=full_refresh,
        )
    except (duckdb.Error, EngineError) as error:
        return ModelResult(
            name,
            model.relation,
            model.materialized,
            "error",
            seconds=time.perf_counter() - started,
            message=f"{type(error).__name__}: {error}",
        )
    existing[(model.schema, model.name)] = "view" if model.materialized == "view" else "table"
    result = ModelResult(
        name,
        model.relation,
        model.materialized,
        "success",
        rows,
        time.perf_counter() - started,
        sql=sql,
    )
    if metadata:
        from pipeline.engine.metadata import describe

        result.metadata = describe(cur, project, model, rows, sql)
    result.tests = run_data_tests(cur, project, tests(name), vars, rows={name: rows})
    if result.tests:
        failing = [t.test.name for t in result.tests if not t.passed and t.test.blocking]
        if failing:
            result.status = "tests_failed"
            result.message = "failed tests: " + ", ".join(failing)
    return result

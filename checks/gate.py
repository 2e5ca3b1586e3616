"""The gate before publishing, run on a built warehouse: the load gate on the files a run loaded
(checks/loads.py) and every data test of the project, by the engine's own runner
(pipeline/engine/tests.py: thresholds, samples, increment scoping).

A load check returns one failing row per offending file, every one of them, and judges it
against `checks/config.yml`; a data test is judged by its YAML `config:`. The gate passes when
no `error` check or test failed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checks import loads
from checks.config import CheckSettings, GateConfig, load_config
from checks.loads import LOAD_CHECKS, LoadCheck
from pipeline.engine.tests import TestResult

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.model import DataTest
    from pipeline.engine.project import Project

_COUNT = "__failing_rows"
_EVERY = 1_000_000


@dataclass(frozen=True)
class LoadOutcome:
    """The result of one load check: `passed` judges the offending files against its settings."""

    check: LoadCheck
    settings: CheckSettings
    status: str  # "passed" | "failed" | "not_applicable" (no load log yet)
    failing_rows: int = 0
    sample: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status != "failed"

    @property
    def blocks(self) -> bool:
        return not self.passed and self.settings.blocking

    @property
    def check_id(self) -> str:
        return self.check.check_id()

    @property
    def offending_files(self) -> list[str]:
        """The offending files, one line each with its top reasons."""
        return [] if self.passed else loads.describe(self.sample)

    def verdict(self) -> str:
        counted = f"{self.failing_rows} failing file(s)"
        if self.status == "not_applicable":
            return f"not applicable: {self.error}"
        if self.error:
            return f"failed: the check could not run ({self.error})"
        if self.status == "failed":
            return (
                f"failed: {counted}, over max_failing_rows {self.settings.max_failing_rows} "
                f"({self.settings.severity})"
            )
        return f"passed: {counted}"

    def summary(self) -> str:
        return f"{self.check_id} [{self.settings.severity}]: {self.verdict()}" + "".join(
            f"\n  {line}" for line in self.offending_files
        )


Outcome = LoadOutcome | TestResult


def catalog(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Columns of every table and view of the current database, by `schema.table`."""
    rows = con.execute(
        "select schema_name, table_name, list(column_name order by column_index) "
        "from duckdb_columns() where database_name = current_database() group by all"
    ).fetchall()
    return {f"{schema}.{table}": list(columns) for schema, table, columns in rows}


def run_load_check(
    con: duckdb.DuckDBPyConnection,
    check: LoadCheck,
    settings: CheckSettings,
    tables: dict[str, list[str]],
) -> LoadOutcome:
    """Every offending file of the loads `check` has not yet passed."""
    from pipeline.engine.values import jsonable

    started = time.perf_counter()
    sql = check.render(tables, settings.max_quarantined_share)
    if sql is None:
        return LoadOutcome(check, settings, "not_applicable", error=f"missing {loads.LOAD_LOG}")
    try:
        cursor = con.execute(
            f"select *, count(*) over () as {_COUNT} from ({sql}) as failing limit {_EVERY}"
        )
        names = [d[0] for d in cursor.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except Exception as error:  # a check that cannot run fails (and blocks when `error`)
        return LoadOutcome(
            check, settings, "failed", error=f"{type(error).__name__}: {error}",
            seconds=time.perf_counter() - started,
        )  # fmt: skip
    failing = int(rows[0][_COUNT]) if rows else 0
    for row in rows:
        row.pop(_COUNT, None)
    status = "passed" if settings.passes(failing, None) else "failed"
    sample = [jsonable(r) for r in rows]
    return LoadOutcome(
        check, settings, status, failing, sample, seconds=time.perf_counter() - started
    )


@dataclass(frozen=True)
class GateResult:
    outcomes: list[Outcome]
    seconds: float

    @property
    def passed(self) -> bool:
        return not any(o.blocks for o in self.outcomes)

    @property
    def blocking(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.blocks]

    def report(self) -> str:
        return "\n".join(o.summary() for o in self.outcomes)


def iter_load_gate(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[LoadCheck] = LOAD_CHECKS,
    config: GateConfig | None = None,
) -> Iterator[LoadOutcome]:
    """Run the enabled load `checks`, recording the loads each passed (on a writable file)."""
    from pipeline.engine.verified import writable

    config = config or load_config()
    tables = catalog(con)
    can_write = writable(con)
    for check in checks:
        settings = config.for_check(check.relation, check.name)
        if not settings.enabled:
            continue
        outcome = run_load_check(con, check, settings, tables)
        if can_write and outcome.status != "not_applicable" and not outcome.blocks:
            loads.remember(con, check, tables)
        yield outcome


def iter_tests(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    tests: Iterable[DataTest] | None = None,
) -> Iterator[TestResult]:
    """Run `tests` (default: every test of the project) model by model, in build order, on the
    warehouse as it is."""
    from pipeline.engine.tests import run_tests

    chosen = None if tests is None else {(t.model, t.name) for t in tests}
    for name in project.order:
        if project.models[name].is_ephemeral:
            continue
        of_model = [
            t for t in project.tests_of(name) if chosen is None or (t.model, t.name) in chosen
        ]
        if of_model:
            yield from run_tests(con, project, of_model)


def run_gate(
    con: duckdb.DuckDBPyConnection,
    project: Project | None = None,
    *,
    tests: Iterable[DataTest] | None = None,
    load_checks: Sequence[LoadCheck] = LOAD_CHECKS,
    config: GateConfig | None = None,
) -> GateResult:
    """The load gate, then the project's tests (default: the models folder of the settings)."""
    from pipeline.engine import load_project
    from pipeline.settings import Settings

    started = time.perf_counter()
    project = project or load_project(Settings.from_env().models_dir)
    outcomes: list[Outcome] = [*iter_load_gate(con, load_checks, config)]
    outcomes.extend(iter_tests(con, project, tests))
    return GateResult(outcomes, time.perf_counter() - started)


def run_load_gate(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[LoadCheck] = LOAD_CHECKS,
    config: GateConfig | None = None,
) -> GateResult:
    """The load gate alone (what Dagster's `load_gate` op runs)."""
    started = time.perf_counter()
    outcomes: list[Outcome] = [*iter_load_gate(con, checks, config)]
    return GateResult(outcomes, time.perf_counter() - started)

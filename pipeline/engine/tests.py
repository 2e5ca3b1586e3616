"""Data tests: each finds failing rows; it passes while they stay within its thresholds.

Generic tests from YAML (`unique`, `not_null`, `accepted_values`, `relationships`, `unique_key`,
`pandera`, with `config: {severity, max_failing_rows, max_failing_rate, where}`) and singular
tests (`models/tests/*.sql`). SQL tests run in DuckDB as one query returning the first
`SAMPLE_ROWS` failing rows and their total (a window count); `pandera` tests read only the
columns they name (pipeline/engine/pandera_tests.py). After an incremental run, a test that
vouched for the previous build reads only the increment (pipeline/engine/verified.py).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pipeline.engine.values import jsonable
from pipeline.engine.verified import Verifications
from pipeline.sqltext import literal

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.model import DataTest
    from pipeline.engine.project import Project

__test__ = False  # not a pytest module

SAMPLE_ROWS = 10
_COUNT = "__failing_rows"
Status = Literal["passed", "failed", "not_applicable"]


@dataclass(frozen=True)
class TestResult:
    """The outcome of one data test: failing rows judged against its thresholds, the rows
    checked (when known), a sample of failing rows and, for `pandera`, failures by rule."""

    __test__ = False

    test: DataTest
    status: Status
    failing_rows: int
    seconds: float
    sql: str
    error: str | None = None
    checked_rows: int | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)
    increment: str | None = None  # the rows read instead of the whole model

    @property
    def passed(self) -> bool:
        """Not failed: passed, or not applicable (another model it reads is not built)."""
        return self.status != "failed"

    @property
    def check_id(self) -> str:
        return self.test.test_id

    @property
    def failures(self) -> int:
        """Failing rows, or -1 when the test could not run."""
        return -1 if self.error else self.failing_rows

    @property
    def blocks(self) -> bool:
        """A failed `error` test: descendants are skipped and nothing is published."""
        return not self.passed and self.test.blocking

    @property
    def label(self) -> str:
        if self.status == "not_applicable":
            return "n/a"
        if self.passed:
            return "pass"
        return "warn" if self.test.severity == "warn" else "fail"

    @property
    def failing_rate(self) -> float | None:
        if not self.checked_rows:
            return None
        return self.failing_rows / self.checked_rows

    def verdict(self) -> str:
        """The outcome and the rule it follows from: `passed within threshold 2 ...`."""
        test, failing = self.test, self.failing_rows
        counted = f"{failing} failing row(s)" + (
            f" of {self.checked_rows} checked ({self.failing_rate:.2%})"
            if self.failing_rate is not None
            else ""
        )
        rate = test.max_failing_rate
        if self.status == "not_applicable":
            return f"not applicable: {self.error}"
        if self.error:
            return f"failed: the test could not run ({self.error})"
        if not self.passed:
            limits = f"max_failing_rows {test.max_failing_rows}" + (
                f" and max_failing_rate {rate:g}" if rate is not None else ""
            )
            return f"failed: {counted}, over {limits} ({test.severity})"
        if failing == 0:
            return f"passed: {counted}"
        if failing <= test.max_failing_rows:
            return f"passed within threshold {test.max_failing_rows} (max_failing_rows): {counted}"
        return f"passed within threshold {rate:g} (max_failing_rate): {counted}"

    def summary(self) -> str:
        scope = f" in the increment {self.increment}" if self.increment else ""
        return f"{self.test.test_id} [{self.test.severity}]{scope}: {self.verdict()}"


def _tested_relation(project: Project, test: DataTest, increment: str | None = None) -> str:
    """The model's relation (or `increment`), narrowed by the test's `where`."""
    relation = increment or str(project.relation(test.model))
    return f"(select * from {relation} where {test.where})" if test.where else relation


def _accepted_values(test: DataTest) -> str:
    quote = bool(test.args.get("quote", True))
    return ", ".join(literal(v) if quote else str(v) for v in test.args["values"])


def _same_keys(keys: Sequence[str], left: str, right: str) -> str:
    return " and ".join(f"{right}.{k} is not distinct from {left}.{k}" for k in keys)


def _unique_key_sql(relation: str, test: DataTest, increment: str | None) -> str:
    """Keys held by more than one row (a composite key matched as one tuple) and, unless
    `allow_null_keys`, rows missing a key part; `list` adds up to 5 values of that column per
    key (collected for duplicated keys only). With `increment`, only keys the run wrote."""
    keys: list[str] = list(test.args["columns"])
    columns = ", ".join(keys)
    nulls = (
        ""
        if test.args.get("allow_null_keys")
        else " or " + " or ".join(f"{k} is null" for k in keys)
    )
    having = f"having count(*) > 1{nulls}"
    scoped = (
        f"{relation} as checked semi join {increment} as increment "
        f"on {_same_keys(keys, 'checked', 'increment')}"
        if increment
        else relation
    )
    listed = test.args.get("list")
    if not listed:
        return f"select {columns}, count(*) as row_count from {scoped} group by {columns} {having}"
    qualified = ", ".join(f"model.{k}" for k in keys)
    return (
        f"with duplicated as (select {columns} from {scoped} group by {columns} {having}) "
        f"select {qualified}, count(*) as row_count, "
        f"list(model.{listed} order by model.{listed})[1:5] as {listed}s "
        f"from {relation} as model semi join duplicated "
        f"on {_same_keys(keys, 'duplicated', 'model')} "
        f"group by {qualified}"
    )


def test_sql(
    project: Project,
    test: DataTest,
    vars: Mapping[str, Any] | None = None,
    increment: str | None = None,
) -> str:
    """The query returning `test`'s failing rows (for `pandera`: the rows it validates), on the
    whole model or only on `increment`."""
    if test.kind == "singular":
        renderer = project.renderer.with_vars(vars)
        raw = str(test.args["raw_sql"])
        return (
            renderer.render(
                test.template,
                raw,
                path=test.path,
                ref=project.relation,
                source_fn=project.source_relation,
                this=None,
            )
            .sql.strip()
            .rstrip(";")
        )
    relation = _tested_relation(project, test, increment)
    column = test.column
    if test.kind == "unique_key":
        return _unique_key_sql(_tested_relation(project, test), test, increment)
    if test.kind == "pandera":
        select = test.args.get("select") or f"columns('{test.args['columns_matching']}')"
        return f"select {select} from {relation}"
    if test.kind == "unique":
        return (
            f"select {column} as unique_field, count(*) as n_records from {relation} as model "
            f"where {column} is not null group by {column} having count(*) > 1"
        )
    if test.kind == "not_null":
        return f"select * from {relation} as model where {column} is null"
    if test.kind == "accepted_values":
        values = _accepted_values(test)
        return (
            f"select {column} as value_field, count(*) as n_records from {relation} as model "
            f"where {column} is not null and {column} not in ({values}) group by {column}"
        )
    if test.kind == "relationships":
        field_ = test.args["field"]
        return (
            f"select child.{column} from {relation} as child "
            f"left join {test.args['to_relation']} as parent on child.{column} = parent.{field_} "
            f"where child.{column} is not null and parent.{field_} is null"
        )
    raise ValueError(f"unknown test kind {test.kind}")


ROW_LEVEL = ("not_null", "accepted_values")
"""Tests judged row by row: those of one relation share one scan (see `run_tests`)."""


def _failure_count(test: DataTest) -> str:
    """An aggregate over the tested relation equal to the row count of `test_sql(test)`."""
    column = test.column
    if test.kind == "not_null":
        return f"count(*) filter (where {column} is null)"
    return f"count(distinct {column}) filter (where {column} not in ({_accepted_values(test)}))"


def run_test(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    test: DataTest,
    vars: Mapping[str, Any] | None = None,
    *,
    rows: int | None = None,
    increment: str | None = None,
) -> TestResult:
    """Run one test (on `increment` when given); a query error fails it with its message.
    `rows`: the model's row count when known (the rows checked by a whole-model test)."""
    import duckdb

    started = time.perf_counter()
    sql = test_sql(project, test, vars, increment)
    checked: int | None
    try:
        if test.kind == "pandera":
            from pipeline.engine.pandera_tests import run_pandera

            relation = _tested_relation(project, test, increment)
            found = run_pandera(cur, project, test, relation, SAMPLE_ROWS)
            failing, checked, sample, details = found
        else:
            failing, sample = _failing(cur, sql)
            checked, details = (None if increment else rows), {}
            if failing and checked is None and test.max_failing_rate is not None:
                checked = _count(cur, _tested_relation(project, test))
    except (duckdb.Error, LookupError, ImportError) as error:
        return TestResult(
            test, "failed", 0, time.perf_counter() - started, sql,
            error=f"{type(error).__name__}: {error}", increment=increment,
        )  # fmt: skip
    status: Status = "passed" if test.passes(failing, checked) else "failed"
    return TestResult(
        test, status, failing, time.perf_counter() - started, sql,
        checked_rows=checked, sample=sample, details=details, increment=increment,
    )  # fmt: skip


def _failing(cur: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, list[dict[str, Any]]]:
    cursor = cur.execute(
        f"select *, count(*) over () as {_COUNT} from (\n{sql}\n) as failing limit {SAMPLE_ROWS}"
    )
    names = [d[0] for d in cursor.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    failing = int(rows[0][_COUNT]) if rows else 0
    for row in rows:
        row.pop(_COUNT, None)
    return failing, [jsonable(r) for r in rows]


def _count(cur: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = cur.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def run_tests(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    tests: Sequence[DataTest],
    vars: Mapping[str, Any] | None = None,
    *,
    rows: Mapping[str, int | None] | None = None,
) -> list[TestResult]:
    """Run `tests`, in their order, each on the increment when it may (verified.py), and
    record what each verified. The row-level tests of one relation (and `where`) share one
    scan, which matters for views: each test of a CDC staging view recomputed the view (five
    `not_null` tests of stg_salesforce__opportunity took 0.7 s each at 1M people). A group
    whose scan fails or finds failing rows runs test by test, so each failure keeps its own
    message and sample. `rows`: row counts of the tested models, when known."""
    known = rows or {}
    results = _row_level_scans(cur, project, tests, vars)
    results |= _not_applicable(cur, project, tests, vars)
    verifications = Verifications(cur) if tests else None
    finished = []
    for test in tests:
        result = results.get(id(test))
        if result is None:
            assert verifications is not None
            whole = test_sql(project, test, vars)
            increment = verifications.increment(test, whole)
            result = run_test(
                cur, project, test, vars, rows=known.get(test.model), increment=increment
            )
            if not result.error:
                clean = result.passed and result.failing_rows == 0
                verifications.remember(cur, test, whole, clean)
        finished.append(result)
    return finished


def _not_applicable(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    tests: Sequence[DataTest],
    vars: Mapping[str, Any] | None,
) -> dict[int, TestResult]:
    """Tests reading another model that is not in the warehouse (a build of a selection that
    leaves it out), by `id(test)`: they cannot judge anything yet."""
    reading = [t for t in tests if t.depends_on]
    if not reading:
        return {}
    built = {
        f"{schema}.{name}"
        for schema, name in cur.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() union all "
            "select schema_name, view_name from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
    }
    results = {}
    for test in reading:
        missing = [
            project.models[n].relation
            for n in test.depends_on
            if project.models[n].relation not in built
        ]
        if missing:
            sql = test_sql(project, test, vars)
            why = f"{', '.join(missing)} not built"
            results[id(test)] = TestResult(test, "not_applicable", 0, 0.0, sql, error=why)
    return results


def _row_level_scans(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    tests: Sequence[DataTest],
    vars: Mapping[str, Any] | None,
) -> dict[int, TestResult]:
    """Results of the row-level tests whose shared scan found no failing row, by `id(test)`."""
    import duckdb

    groups: dict[tuple[str, str | None], list[DataTest]] = defaultdict(list)
    for test in tests:
        if test.kind in ROW_LEVEL:
            groups[(test.model, test.where)].append(test)
    results: dict[int, TestResult] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        relation = _tested_relation(project, members[0])
        counts = ", ".join(_failure_count(t) for t in members)
        started = time.perf_counter()
        try:
            row = cur.execute(f"select count(*), {counts} from {relation} as model").fetchone()
        except duckdb.Error:
            continue
        if row is None:
            continue
        share = (time.perf_counter() - started) / len(members)
        checked = int(row[0])
        for test, failures in zip(members, row[1:], strict=True):
            if failures:
                continue  # run alone, for its sample
            sql = test_sql(project, test, vars)
            results[id(test)] = TestResult(test, "passed", 0, share, sql, checked_rows=checked)
    return results


__all__ = ["ROW_LEVEL", "SAMPLE_ROWS", "TestResult", "run_test", "run_tests", "test_sql"]

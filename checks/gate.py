"""The gate runner: every check where the data is, returning counts and a sample of failures.

SQL checks run in DuckDB as one query that returns the first `sample_rows` failing rows and the
total number of failing rows (a window count). Schema checks read only their projection into
Polars (through Arrow) and validate it with their Pandera model. Nothing goes through pandas.
After an incremental run, a check that vouched for the previous build reads only the rows the
run wrote (checks/increments.py).
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checks import loads
from checks.config import CheckSettings, GateConfig, load_config
from checks.increments import Increments
from checks.loads import LoadCheck
from checks.registry import CHECKS, Catalog, Check, SchemaCheck, SqlCheck, check_id

if TYPE_CHECKING:
    import duckdb
    import polars as pl

_COUNT = "__failing_rows"


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one check: `passed` judges failing rows against the check's settings."""

    check: Check
    settings: CheckSettings
    status: str  # "passed" | "failed" | "not_applicable" (relation or columns missing)
    failing_rows: int = 0
    checked_rows: int | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    increment: str | None = None  # the rows read instead of the whole relation

    @property
    def passed(self) -> bool:
        return self.status != "failed"

    @property
    def blocks(self) -> bool:
        """A failed `error` check: the marts must not be published."""
        return not self.passed and self.settings.blocking

    @property
    def failing_rate(self) -> float | None:
        if not self.checked_rows:
            return None
        return self.failing_rows / self.checked_rows

    @property
    def offending_files(self) -> list[str]:
        """A load check's offending files, one line each with its top reasons."""
        if not isinstance(self.check, LoadCheck) or self.passed:
            return []
        return loads.describe(self.sample)

    def verdict(self) -> str:
        """The outcome and the rule it follows from: `passed within threshold 2 ...`."""
        settings, failing = self.settings, self.failing_rows
        unit = "file(s)" if isinstance(self.check, LoadCheck) else "row(s)"
        counted = f"{failing} failing {unit}" + (
            f" of {self.checked_rows} checked ({self.failing_rate:.2%})"
            if self.failing_rate is not None
            else ""
        )
        rate = settings.max_failing_rate
        if self.status == "not_applicable":
            return f"not applicable: {self.error}"
        if self.error:
            return f"failed: the check could not run ({self.error})"
        if self.status == "failed":
            limits = f"max_failing_rows {settings.max_failing_rows}" + (
                f" and max_failing_rate {rate:g}" if rate is not None else ""
            )
            return f"failed: {counted}, over {limits} ({settings.severity})"
        if failing == 0:
            return f"passed: {counted}"
        if failing <= settings.max_failing_rows:
            return (
                f"passed within threshold {settings.max_failing_rows} (max_failing_rows): {counted}"
            )
        return f"passed within threshold {rate:g} (max_failing_rate): {counted}"

    def summary(self) -> str:
        rate = f" ({self.failing_rate:.2%})" if self.failing_rate is not None else ""
        scope = f" in the increment {self.increment}" if self.increment else ""
        unit = "file(s)" if isinstance(self.check, LoadCheck) else "row(s)"
        return (
            f"{check_id(self.check)} [{self.settings.severity}] {self.status}: "
            f"{self.failing_rows} failing {unit}{scope}{rate}"
            + (f"; {self.error}" if self.error else "")
            + "".join(f"\n  {line}" for line in self.offending_files)
        )


def catalog(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Columns of every table and view of the current database, by `schema.table`."""
    rows = con.execute(
        "select schema_name, table_name, list(column_name order by column_index) "
        "from duckdb_columns() where database_name = current_database() group by all"
    ).fetchall()
    return {f"{schema}.{table}": list(columns) for schema, table, columns in rows}


def jsonable(value: Any) -> Any:
    """A metadata-friendly copy of a DuckDB value (dates, decimals and lists included)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def run_check(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    settings: CheckSettings,
    tables: Catalog,
    sample_rows: int = 10,
    increment: str | None = None,
) -> CheckOutcome:
    """Run `check` on its relation, or only on `increment` (see checks/increments.py)."""
    started = time.perf_counter()
    missing = [r for r in (check.relation, *check.reads) if r not in tables]
    sql = None if missing else _render(check, tables, settings, increment)
    if sql is None:
        why = f"missing {', '.join(missing)}" if missing else "no columns to check"
        return CheckOutcome(check, settings, "not_applicable", error=why)
    try:
        if isinstance(check, LoadCheck):  # every offending file, however many
            failing, checked, sample, details = _run_sql(con, check, sql, settings, _EVERY)
        elif isinstance(check, SqlCheck):
            failing, checked, sample, details = _run_sql(con, check, sql, settings, sample_rows)
        else:
            failing, checked, sample, details = _run_schema(con, check, sql, sample_rows)
    except Exception as error:  # a check that cannot run fails (and blocks when `error`)
        return CheckOutcome(
            check, settings, "failed", error=f"{type(error).__name__}: {error}",
            seconds=time.perf_counter() - started, increment=increment,
        )  # fmt: skip
    status = "passed" if settings.passes(failing, checked) else "failed"
    return CheckOutcome(
        check, settings, status, failing, checked, sample, details,
        seconds=time.perf_counter() - started, increment=increment,
    )  # fmt: skip


_EVERY = 1_000_000


def _render(
    check: Check, tables: Catalog, settings: CheckSettings, increment: str | None
) -> str | None:
    if isinstance(check, LoadCheck):
        return check.render(tables, settings.max_quarantined_share)
    return check.render(tables, increment)


def _run_sql(
    con: duckdb.DuckDBPyConnection,
    check: SqlCheck | LoadCheck,
    sql: str,
    settings: CheckSettings,
    sample_rows: int,
) -> tuple[int, int | None, list[dict[str, Any]], dict[str, int]]:
    cursor = con.execute(
        f"select *, count(*) over () as {_COUNT} from ({sql}) as failing limit {int(sample_rows)}"
    )
    names = [d[0] for d in cursor.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    failing = int(rows[0].pop(_COUNT)) if rows else 0
    for row in rows[1:]:
        row.pop(_COUNT, None)
    checked = None
    if failing and settings.max_failing_rate is not None and isinstance(check, SqlCheck):
        counted = con.execute(f"select count(*) from {check.relation}").fetchone()
        checked = int(counted[0]) if counted else 0
    return failing, checked, [jsonable(r) for r in rows], {}


def _run_schema(
    con: duckdb.DuckDBPyConnection, check: SchemaCheck, sql: str, sample_rows: int
) -> tuple[int, int, list[dict[str, Any]], dict[str, int]]:
    import polars as pl
    from pandera.errors import SchemaErrors

    from checks.schemas import SCHEMAS

    frame = pl.from_arrow(con.sql(sql).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    try:
        SCHEMAS[check.schema].validate(frame, lazy=True)
    except SchemaErrors as errors:
        return _failures(frame, errors.failure_cases, check, sample_rows)
    return 0, frame.height, [], {}


def _failures(
    frame: pl.DataFrame, cases: pl.DataFrame, check: SchemaCheck, sample_rows: int
) -> tuple[int, int, list[dict[str, Any]], dict[str, int]]:
    import polars as pl

    labelled = cases.with_columns(
        pl.concat_str([pl.col("column"), pl.lit(": "), pl.col("check")]).alias("rule")
    )
    details = {
        str(rule): int(count)
        for rule, count in labelled.group_by("rule").len().sort("rule").iter_rows()
    }
    indexed = labelled.filter(pl.col("index").is_not_null())
    schema_level = labelled.height - indexed.height
    indexes = indexed.get_column("index").unique().sort()
    failing = indexes.len() + schema_level
    sample: list[dict[str, Any]] = []
    rules_by_row: dict[int, list[str]] = {}
    for index, rule in indexed.select("index", "rule").iter_rows():
        rules_by_row.setdefault(int(index), []).append(str(rule))
    for index in indexes.head(sample_rows).to_list():
        row = frame.row(int(index), named=True)
        sample.append({**jsonable(row), "failed": sorted(set(rules_by_row[int(index)]))})
    if schema_level and len(sample) < sample_rows:
        for rule, case in (
            labelled.filter(pl.col("index").is_null()).select("rule", "failure_case").iter_rows()
        ):
            sample.append({"failed": [str(rule)], "failure_case": str(case)})
    return failing, frame.height, sample[:sample_rows], details


@dataclass(frozen=True)
class GateResult:
    outcomes: list[CheckOutcome]
    seconds: float

    @property
    def passed(self) -> bool:
        return not any(o.blocks for o in self.outcomes)

    @property
    def blocking(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.blocks]

    def report(self) -> str:
        return "\n".join(o.summary() for o in self.outcomes)


def iter_gate(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[Check] = CHECKS,
    config: GateConfig | None = None,
) -> Iterator[CheckOutcome]:
    """Run the enabled `checks` one by one on `con`, yielding each outcome as it finishes."""
    config = config or load_config()
    tables = catalog(con)
    increments = Increments.load(con, tables)
    for check in checks:
        settings = config.for_check(check.relation, check.name)
        if not settings.enabled:
            continue
        increment = increments.scope(check, settings)
        outcome = run_check(con, check, settings, tables, config.sample_rows, increment)
        if isinstance(check, LoadCheck):
            if increments.writable and outcome.status != "not_applicable" and not outcome.blocks:
                loads.remember(con, check, tables)
        elif outcome.status != "not_applicable":
            clean = outcome.status == "passed" and outcome.failing_rows == 0
            increments.remember(con, check, clean)
        yield outcome


def run_gate(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[Check] = CHECKS,
    config: GateConfig | None = None,
) -> GateResult:
    started = time.perf_counter()
    outcomes = list(iter_gate(con, checks, config))
    return GateResult(outcomes, time.perf_counter() - started)

"""What the report reads: queries against the published marts file, opened read-only. Columns
and tables another change adds (targets in mart_kpis, mart_kpi_signals) are optional: without
them the report says so instead of failing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.report.errors import MartsMissingError, PeriodError
from pipeline.report.periods import Period

if TYPE_CHECKING:
    import duckdb

REQUIRED_TABLES = ("mart_kpis", "kpi_definitions")
TARGET_COLUMNS = ("target", "attainment", "target_to_date", "on_pace")
KPI_COLUMNS = (
    "kpi", "segment_type", "segment_value", "period_start", "period_end", "value",
    "previous_value", "change_pct", "change_abs", "value_to_date_previous", "change_pct_to_date",
    "same_period_last_year_value", "yoy_change_pct", "is_complete", "days_elapsed",
    "days_in_period", "is_covered", "is_mature",
)  # fmt: skip


@dataclass(frozen=True)
class KpiDef:
    kpi: str
    name: str
    unit: str
    direction: str
    tier: str
    funnel_stage: str
    owner: str
    attribution_model: str


@dataclass(frozen=True)
class KpiPoint:
    """One row of mart_kpis (target columns None when the marts have none)."""

    kpi: str
    segment_type: str
    segment_value: str
    period_start: dt.date
    period_end: dt.date | None
    value: float | None
    previous_value: float | None
    change_pct: float | None
    change_abs: float | None
    value_to_date_previous: float | None
    change_pct_to_date: float | None
    same_period_last_year_value: float | None
    yoy_change_pct: float | None
    is_complete: bool
    days_elapsed: int | None
    days_in_period: int | None
    is_covered: bool | None
    is_mature: bool | None
    target: float | None = None
    attainment: float | None = None
    target_to_date: float | None = None
    on_pace: bool | None = None


@dataclass(frozen=True)
class Signal:
    kpi: str
    segment_type: str
    segment_value: str
    signal: str
    kind: str
    rule: str
    value: float | None
    reference: float | None
    severity: Any


@dataclass
class Marts:
    """A read-only connection to the published marts and what it holds."""

    con: duckdb.DuckDBPyConnection
    tables: set[str] = field(default_factory=set)
    kpi_columns: set[str] = field(default_factory=set)

    @property
    def has_targets(self) -> bool:
        return set(TARGET_COLUMNS) <= self.kpi_columns

    @property
    def has_signals(self) -> bool:
        return "mart_kpi_signals" in self.tables

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def open_marts(path: Path) -> Iterator[Marts]:
    import duckdb

    if not path.exists():
        raise MartsMissingError(
            f"the published marts file {path} does not exist; run `mops build` first "
            "(or set MOPS_MARTS to the file to report on)"
        )
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise MartsMissingError(
                f"{path} has no {', '.join(missing)}; it is not a mops marts file, or was "
                "published by an older mops: run `mops build`"
            )
        columns = con.execute(
            "select column_name from duckdb_columns() where table_name = 'mart_kpis'"
        ).fetchall()
        yield Marts(con, tables, {c[0] for c in columns})
    finally:
        con.close()


def definitions(marts: Marts) -> dict[str, KpiDef]:
    rows = marts.rows(
        "select kpi, name, unit, direction, tier, funnel_stage, owner, "
        "coalesce(attribution_model, '') as attribution_model from kpi_definitions order by kpi"
    )
    return {r["kpi"]: KpiDef(**r) for r in rows}


def as_of(marts: Marts) -> dt.date | None:
    if "_published" in marts.tables:
        [(day,)] = marts.con.execute("select max(as_of) from _published").fetchall()
        if day is not None:
            return day  # type: ignore[no-any-return]
    [(day,)] = marts.con.execute(
        "select max(period_start + days_elapsed - 1) from mart_kpis where not is_complete"
    ).fetchall()
    return day  # type: ignore[no-any-return]


def latest_period(marts: Marts, grain: str, complete: bool = True) -> Period:
    """The latest complete period of a grain (or the latest one at all)."""
    [(start,)] = marts.con.execute(
        "select max(period_start) from mart_kpis where grain = ? and segment_type = 'total'"
        + (" and is_complete" if complete else ""),
        [grain],
    ).fetchall()
    if start is None:
        kind = "complete " if complete else ""
        raise PeriodError(
            f"mart_kpis has no {kind}{grain} yet; pass --period for the current one, or load "
            "more history"
        )
    return Period(grain, start)


def _select_kpis(marts: Marts) -> str:
    extra = TARGET_COLUMNS if marts.has_targets else ()
    return ", ".join((*KPI_COLUMNS, *extra))


def kpi_points(
    marts: Marts, period: Period, segment_type: str = "total"
) -> dict[tuple[str, str], KpiPoint]:
    """Every KPI row of the period and segment type, by (kpi, segment_value)."""
    rows = marts.rows(
        f"select {_select_kpis(marts)} from mart_kpis "
        "where grain = ? and period_start = ? and segment_type = ?",
        [period.grain, period.start, segment_type],
    )
    return {(r["kpi"], r["segment_value"]): KpiPoint(**r) for r in rows}


def trend(
    marts: Marts, period: Period, kpis: list[str], length: int = 13
) -> dict[str, list[KpiPoint]]:
    """The last `length` total rows of each KPI up to the period, plus the incomplete period
    right after it when there is one (marked in the chart)."""
    rows = marts.rows(
        f"select {_select_kpis(marts)} from mart_kpis where grain = ? and segment_type = 'total' "
        "and kpi in (select unnest(?)) and (period_start <= ? or not is_complete) "
        "order by kpi, period_start",
        [period.grain, kpis, period.start],
    )
    series: dict[str, list[KpiPoint]] = {k: [] for k in kpis}
    for row in rows:
        series[row["kpi"]].append(KpiPoint(**row))
    return {k: _window(points, period.start, length) for k, points in series.items()}


def _window(points: list[KpiPoint], start: dt.date, length: int) -> list[KpiPoint]:
    upto = [p for p in points if p.period_start <= start]
    after = [p for p in points if p.period_start > start][:1]
    return (upto + after)[-length:]


def period_exists(marts: Marts, period: Period) -> bool:
    [(count,)] = marts.con.execute(
        "select count(*) from mart_kpis where grain = ? and period_start = ?",
        [period.grain, period.start],
    ).fetchall()
    return bool(count)


def currency(marts: Marts) -> str:
    for table in ("mart_channel_performance", "mart_revenue"):
        if table in marts.tables:
            [(code,)] = marts.con.execute(f"select max(currency) from {table}").fetchall()
            if code:
                return str(code)
    return "USD"


def funnel_cohort(marts: Marts, period: Period) -> dict[str, Any] | None:
    if "mart_funnel_cohorts" not in marts.tables:
        return None
    rows = marts.rows(
        "select * from mart_funnel_cohorts where grain = ? and cohort_start = ? "
        "and segment_type = 'total'",
        [period.grain, period.start],
    )
    return rows[0] if rows else None


def channels(marts: Marts, period: Period) -> list[dict[str, Any]]:
    if "mart_channel_performance" not in marts.tables:
        return []
    return marts.rows(
        "select channel, channel_role, marketing_cost, ad_spend, new_leads, mqls, "
        "opportunities_created, pipeline_created, new_customers, attributed_revenue, cac, roas, "
        "romi from mart_channel_performance where grain = ? and period_start = ? "
        "order by marketing_cost desc nulls last, pipeline_created desc, channel",
        [period.grain, period.start],
    )


def attribution_model(marts: Marts, fallback: str) -> str:
    if "mart_opportunity_attribution" in marts.tables:
        [(model,)] = marts.con.execute(
            "select max(model) from mart_opportunity_attribution where is_kpi_model"
        ).fetchall()
        if model:
            return str(model)
    return fallback


SEVERITY_ORDER = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}


def signals(marts: Marts, period: Period) -> list[Signal]:
    """The period's signals, risks first, then the most severe."""
    if not marts.has_signals:
        return []
    rows = marts.rows(
        "select kpi, segment_type, segment_value, signal, kind, rule, value, reference, severity "
        "from mart_kpi_signals where grain = ? and period_start = ?",
        [period.grain, period.start],
    )
    found = [Signal(**r) for r in rows]
    return sorted(found, key=_worst_first)


def _worst_first(signal: Signal) -> tuple[int, float, str, str, str]:
    severity = signal.severity
    if isinstance(severity, str):
        rank = float(SEVERITY_ORDER.get(severity.lower(), 0))
    else:
        rank = float(severity or 0)
    kind = 0 if signal.kind == "risk" else 1
    segment = "" if signal.segment_type == "total" else signal.segment_value
    return kind, -rank, signal.kpi, segment, signal.signal


def source_coverage(marts: Marts) -> list[dict[str, Any]]:
    if "mart_source_coverage" not in marts.tables:
        return []
    return marts.rows(
        "select system, object, first_date, last_date, row_count from mart_source_coverage "
        "order by system, object"
    )


def load_quality(marts: Marts) -> list[dict[str, Any]]:
    """Per source object: files, rows read, quarantined, rejected files."""
    if "mart_data_quality" not in marts.tables:
        return []
    return marts.rows(
        "select system, object, count(*) as files, sum(rows_read) as rows_read, "
        "sum(rows_quarantined) as rows_quarantined, "
        "count(*) filter (where status = 'rejected') as rejected_files "
        "from mart_data_quality group by all order by system, object"
    )


def unlinked_spend(marts: Marts) -> dict[str, Any] | None:
    if "mart_ad_spend_links" not in marts.tables:
        return None
    rows = marts.rows(
        "select spend, unlinked_spend, unlinked_spend_share from mart_ad_spend_links "
        "where platform = 'total'"
    )
    return rows[0] if rows else None


def uncovered_kpis(marts: Marts, period: Period) -> list[str]:
    """KPIs whose total row of the period is not covered by the loaded data."""
    rows = marts.con.execute(
        "select kpi from mart_kpis where grain = ? and period_start = ? "
        "and segment_type = 'total' and is_covered is false order by kpi",
        [period.grain, period.start],
    ).fetchall()
    return [r[0] for r in rows]

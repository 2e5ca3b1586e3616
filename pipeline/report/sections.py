"""The report's sections as plain view models (dicts and lists) for the template, built from
what `data` read. Order and names follow the standard review: summary, key metrics, funnel
stages, channels, ICP, opportunities and risks, action items, data quality."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pipeline.report import charts
from pipeline.report import formatting as fmt
from pipeline.report.data import KpiDef, KpiPoint, Signal
from pipeline.report.periods import Period

STAGES = ("awareness", "engagement", "conversion", "retention", "expansion")
PACING_KPIS = ("new_leads", "mqls", "sqls", "opportunities_created", "pipeline_created",
               "marketing_cost", "ad_spend")  # fmt: skip
ICP_KPIS = ("new_leads", "mqls", "sqls", "opportunities_created", "deals_won", "new_customers",
            "pipeline_created", "revenue_won", "win_rate", "avg_deal_size")  # fmt: skip
ICP_SEGMENTS = ("icp", "non_icp", "unknown")
ACTIVE_CHANNEL_COLUMNS = ("marketing_cost", "new_leads", "pipeline_created")
SEGMENT_SIGNALS_SHOWN = 10
QUESTIONS = {
    "off_target": "what is keeping it off target, and what would close the gap?",
    "ahead_of_target": "what is working, and can it be repeated elsewhere?",
    "worsening_trend": "what has driven the run of worse periods, and is it structural?",
    "yoy_decline": "what changed since the same period last year?",
    "anomaly": "is the unusual value real (campaign, season) or a data problem?",
}


def metric_row(kpi: KpiDef, point: KpiPoint | None, currency: str) -> dict[str, Any]:
    """One KPI: value, target, attainment and changes, formatted and toned by direction."""
    if point is None:
        return {"kpi": kpi.kpi, "name": kpi.name, "value": "–", "missing": True, "notes": []}
    complete = point.is_complete
    change = point.change_pct if complete else point.change_pct_to_date
    delta = point.change_abs if kpi.unit == "ratio" and complete else change
    target = point.target if complete else point.target_to_date
    reached = None if target in (None, 0) or point.value is None else point.value / target
    yoy = point.yoy_change_pct if complete else None  # a whole year-ago period vs a part
    notes = []
    if not complete:
        notes.append(f"incomplete: {point.days_elapsed} of {point.days_in_period} days")
    if point.is_covered is False:
        notes.append("not covered by the loaded data")
    if point.is_mature is False:
        notes.append("immature cohort")
    return {
        "kpi": kpi.kpi,
        "name": kpi.name,
        "raw": point.value,
        "value": fmt.value(point.value, kpi.unit, currency),
        "target": fmt.value(target, kpi.unit, currency) if target is not None else "–",
        "target_label": "target" if complete else "target to date",
        "attainment": fmt.percent(reached) if reached is not None else "–",
        "status": fmt.attainment_status(kpi.direction, reached),
        "status_tone": fmt.attainment_tone(kpi.direction, reached),
        "on_pace": None if complete else point.on_pace,
        "change": _change_text(kpi, point),
        "change_arrow": fmt.arrow(delta),
        "change_tone": fmt.tone(kpi.direction, delta),
        "change_label": "vs previous" if complete else "vs same days of previous",
        "yoy": fmt.change(yoy, None, "count"),
        "yoy_arrow": fmt.arrow(yoy),
        "yoy_tone": fmt.tone(kpi.direction, yoy),
        "notes": notes,
        "missing": False,
    }


def _change_text(kpi: KpiDef, point: KpiPoint) -> str:
    """Percentage points for a complete ratio; a percentage otherwise (an incomplete period has
    only the to-date percentage)."""
    if point.is_complete:
        return fmt.change(point.change_pct, point.change_abs, kpi.unit)
    return fmt.change(point.change_pct_to_date, None, "count")


def trend_chart(kpi: KpiDef, series: Sequence[KpiPoint], period: Period) -> str:
    points = [
        charts.TrendPoint(
            Period(period.grain, p.period_start).label,
            p.value,
            p.is_complete,
            p.target,
        )
        for p in series
    ]
    return charts.trend(points, f"{kpi.name}: last {len(points)} {period.noun}s")


def key_metrics(
    kpis: Sequence[KpiDef],
    points: dict[str, KpiPoint],
    series: dict[str, list[KpiPoint]],
    period: Period,
    currency: str,
) -> list[dict[str, Any]]:
    rows = []
    for kpi in kpis:
        row = metric_row(kpi, points.get(kpi.kpi), currency)
        row["chart"] = trend_chart(kpi, series.get(kpi.kpi, []), period)
        rows.append(row)
    return rows


def stages(
    defs: dict[str, KpiDef], points: dict[str, KpiPoint], currency: str
) -> list[dict[str, Any]]:
    """Each funnel stage's KPIs (primary and secondary, those with a row this period)."""
    found = []
    for stage in STAGES:
        kpis = [k for k in defs.values() if k.funnel_stage == stage and k.tier != "tertiary"
                and k.kpi in points and k.kpi != "spend"]  # fmt: skip
        kpis.sort(key=lambda k: (k.tier != "primary", k.name))
        rows = [metric_row(k, points[k.kpi], currency) for k in kpis]
        found.append({"stage": stage, "rows": rows})
    return found


def funnel(cohort: dict[str, Any] | None, period: Period) -> dict[str, Any] | None:
    """The period's cohort: leads, MQLs, SQLs, opportunities, won, with the rates and days."""
    if cohort is None:
        return None
    stages = [("Leads", cohort["leads"]), ("MQLs", cohort["mqls"]), ("SQLs", cohort["sqls"]),
              ("Opportunities", cohort["new_business_opportunities"]),
              ("Won", cohort["new_business_won"])]  # fmt: skip
    steps = [
        _step(cohort["lead_to_mql_rate"], cohort["lead_to_mql_days"]),
        _step(cohort["mql_to_sql_rate"], cohort["mql_to_sql_days"]),
        _step(cohort["sql_to_opportunity_rate"], cohort["sql_to_opportunity_days"]),
        _step(cohort["opportunity_win_rate"], cohort["opportunity_to_won_days"]),
    ]
    title = f"Funnel of the {period.title} cohort"
    return {
        "chart": charts.funnel(stages, steps, title),
        "mature": bool(cohort.get("is_mature")),
        "covered": cohort.get("is_covered") is not False,
    }


def _step(rate: float | None, days: float | None) -> str:
    text = f"{fmt.percent(rate)} converted"
    return text if days is None else f"{text}, median {days:,.1f} days"


def channel_section(rows: list[dict[str, Any]], model: str, currency: str) -> dict[str, Any]:
    shown = [r for r in rows if any(r[c] for c in ACTIVE_CHANNEL_COLUMNS)]
    table = [
        {
            "channel": r["channel"],
            "role": r["channel_role"],
            "cost": fmt.money(_f(r["marketing_cost"]), currency),
            "leads": fmt.number(_f(r["new_leads"])),
            "pipeline": fmt.money(_f(r["pipeline_created"]), currency),
            "cac": fmt.money(_f(r["cac"]), currency),
            "roas": fmt.percent(_f(r["roas"])),
            "romi": fmt.percent(_f(r["romi"])),
        }
        for r in shown
    ]
    chart = charts.paired_bars(
        [r["channel"] for r in shown],
        [("Marketing cost", [_f(r["marketing_cost"]) for r in shown], charts.ORANGE),
         ("Pipeline created", [_f(r["pipeline_created"]) for r in shown], charts.BLUE)],
        lambda v: fmt.money(v, currency),
        "Marketing cost and pipeline created by channel",
    ) if shown else ""  # fmt: skip
    return {"model": model, "rows": table, "chart": chart}


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def icp_section(
    defs: dict[str, KpiDef], points: dict[tuple[str, str], KpiPoint], currency: str
) -> list[dict[str, Any]]:
    rows = []
    for kpi in ICP_KPIS:
        if kpi not in defs or not any((kpi, s) in points for s in ICP_SEGMENTS):
            continue
        unit = defs[kpi].unit
        values = [points[(kpi, s)].value if (kpi, s) in points else None for s in ICP_SEGMENTS]
        rows.append({"name": defs[kpi].name,
                     "values": [fmt.value(v, unit, currency) for v in values]})  # fmt: skip
    return rows


def shown_signals(signals: Sequence[Signal]) -> tuple[list[Signal], int]:
    """Every total-row signal and the most severe segment ones (channel, icp, type), in the
    given worst-first order, and how many segment signals are left out."""
    segments = [s for s in signals if s.segment_type != "total"]
    kept = {id(s) for s in segments[:SEGMENT_SIGNALS_SHOWN]}
    shown = [s for s in signals if s.segment_type == "total" or id(s) in kept]
    return shown, len(signals) - len(shown)


def signal_rows(
    signals: Sequence[Signal], defs: dict[str, KpiDef], currency: str
) -> list[dict[str, Any]]:
    rows = []
    for s in signals:
        kpi = defs.get(s.kpi)
        unit = kpi.unit if kpi else "count"
        rows.append({
            "kind": s.kind,
            "name": kpi.name if kpi else s.kpi,
            "segment": "" if s.segment_type == "total" else f"{s.segment_type} {s.segment_value}",
            "signal": s.signal.replace("_", " "),
            "rule": s.rule,
            "value": fmt.value(s.value, unit, currency),
            "reference": fmt.value(s.reference, unit, currency),
            "severity": _times(s.severity),
        })  # fmt: skip
    return rows


def actions(signals: Sequence[Signal], defs: dict[str, KpiDef]) -> list[dict[str, str]]:
    """One line per risk: who owns the KPI and the question to answer."""
    lines = []
    for s in signals:
        if s.kind != "risk":
            continue
        kpi = defs.get(s.kpi)
        segment = "" if s.segment_type == "total" else f" ({s.segment_type} {s.segment_value})"
        lines.append({
            "owner": kpi.owner.replace("_", " ") if kpi else "unassigned",
            "name": (kpi.name if kpi else s.kpi) + segment,
            "question": QUESTIONS.get(s.signal, "what explains it, and what do we do about it?"),
        })  # fmt: skip
    return lines


def quality(
    as_of: dt.date | None,
    coverage: list[dict[str, Any]],
    loads: list[dict[str, Any]],
    unlinked: dict[str, Any] | None,
    duplicate_rate: KpiPoint | None,
    uncovered: list[str],
    defs: dict[str, KpiDef],
    currency: str,
) -> dict[str, Any]:
    return {
        "sources": [{**c, "days_behind": _days_behind(as_of, c["last_date"])} for c in coverage],
        "rows_read": fmt.number(sum(int(r["rows_read"] or 0) for r in loads)),
        "rows_quarantined": fmt.number(sum(int(r["rows_quarantined"] or 0) for r in loads)),
        "rejected_files": sum(int(r["rejected_files"] or 0) for r in loads),
        "files": sum(int(r["files"] or 0) for r in loads),
        "unlinked_spend": fmt.money(_f(unlinked["unlinked_spend"]), currency) if unlinked else "–",
        "unlinked_share": fmt.percent(_f(unlinked["unlinked_spend_share"])) if unlinked else "–",
        "duplicate_rate": fmt.percent(duplicate_rate.value) if duplicate_rate else "–",
        "uncovered": [defs[k].name if k in defs else k for k in uncovered],
    }


def _days_behind(as_of: dt.date | None, last: dt.date | None) -> int | None:
    return (as_of - last).days if as_of and last else None


def _times(severity: Any) -> str:
    """mart_kpi_signals.severity: how many times its threshold the deviation is."""
    if isinstance(severity, int | float):
        return f"{severity:,.1f}×"
    return "" if severity is None else str(severity)

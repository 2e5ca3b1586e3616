"""Build one report: read the marts, compose the sections, write `<dir>/<grain>/<period>.html`
and, when Chromium is installed, the PDF beside it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.report import data, sections, summary
from pipeline.report.errors import PeriodError
from pipeline.report.periods import Period, check_grain, parse_period
from pipeline.report.render import render


@dataclass(frozen=True)
class ReportResult:
    period: Period
    html: Path
    pdf: Path | None
    bytes: int
    seconds: float
    signals: int
    has_targets: bool


def notes_path(reports_dir: Path, period: Period) -> Path:
    """The editable notes of a period, included verbatim when present."""
    return reports_dir / period.grain / f"{period.label}.report_notes.md"


def resolve_period(marts: data.Marts, grain: str, period: str | None) -> Period:
    check_grain(grain)
    if not period:
        return data.latest_period(marts, grain)
    found = parse_period(grain, period)
    if not data.period_exists(marts, found):
        raise PeriodError(
            f"mart_kpis has no {grain} {found.label}; pick one it holds (the default is the "
            "latest complete one)"
        )
    return found


def build_report(
    marts_path: Path,
    reports_dir: Path,
    grain: str = "month",
    period: str | None = None,
    pdf: bool = True,
    latest: bool = False,
    file_mode: int | None = None,
) -> ReportResult:
    """`latest`: without `period`, report the latest period even if incomplete; `file_mode`:
    chmod the files written (MOPS_FILE_MODE)."""
    started = time.monotonic()
    with data.open_marts(marts_path) as marts:
        chosen = (data.latest_period(marts, grain, complete=False) if latest and not period
                  else resolve_period(marts, grain, period))  # fmt: skip
        context = _context(marts, chosen, reports_dir, marts_path)
    html = render(context)
    target = reports_dir / chosen.grain / f"{chosen.label}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    printed = _pdf(target) if pdf else None
    if file_mode is not None:
        from pipeline.filemodes import protect

        protect(*(p for p in (target, printed) if p is not None), mode=file_mode)
    return ReportResult(chosen, target, printed, len(html.encode()), time.monotonic() - started,
                        context["signal_count"], context["has_targets"])  # fmt: skip


def _pdf(html: Path) -> Path | None:
    from pipeline.report.pdf import print_pdf

    return print_pdf(html, html.with_suffix(".pdf"))


def _context(
    marts: data.Marts, period: Period, reports_dir: Path, marts_path: Path
) -> dict[str, Any]:
    defs = data.definitions(marts)
    currency = data.currency(marts)
    totals = {k: p for (k, _), p in data.kpi_points(marts, period).items()}
    weekly = period.grain == "week"
    primary = [k for k in defs.values() if k.tier == "primary"]
    pacing = [defs[k] for k in sections.PACING_KPIS if k in defs]
    shown = pacing if weekly else [k for k in primary if k.kpi in totals]
    series = data.trend(marts, period, [k.kpi for k in shown])
    found = data.signals(marts, period)
    listed, left_out = sections.shown_signals(found)
    anchor = next(iter(totals.values()), None)
    notes = notes_path(reports_dir, period)
    return {
        "period": period,
        "weekly": weekly,
        "as_of": data.as_of(marts),
        "complete": anchor.is_complete if anchor else True,
        "days_elapsed": anchor.days_elapsed if anchor else None,
        "days_in_period": anchor.days_in_period if anchor else None,
        "currency": currency,
        "built_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "has_targets": marts.has_targets,
        "has_signals": marts.has_signals,
        "summary": summary.sentences(
            period,
            primary,
            totals,
            found if marts.has_signals else None,
            currency,
            marts.has_targets,
            {k.kpi: k.name for k in defs.values()},
        ),
        "key_metrics": sections.key_metrics(shown, totals, series, period, currency),
        "stages": sections.stages(defs, totals, currency),
        "funnel": sections.funnel(data.funnel_cohort(marts, period), period),
        "channels": sections.channel_section(
            data.channels(marts, period),
            data.attribution_model(marts, _model_named(defs)),
            currency,
        ),
        "icp": sections.icp_section(defs, data.kpi_points(marts, period, "icp"), currency),
        "signals": sections.signal_rows(listed, defs, currency),
        "signals_left_out": left_out,
        "signal_count": len(found),
        "actions": sections.actions(listed, defs),
        "notes": notes.read_text(encoding="utf-8") if notes.exists() else None,
        "notes_path": str(notes),
        "quality": sections.quality(
            data.as_of(marts),
            data.source_coverage(marts),
            data.load_quality(marts),
            data.unlinked_spend(marts),
            totals.get("duplicate_record_rate"),
            data.uncovered_kpis(marts, period),
            defs,
            currency,
        ),
        "marts_name": marts_path.name,
        "run_id": _run_id(marts),
    }


def _run_id(marts: data.Marts) -> str | None:
    if "_published" not in marts.tables:
        return None
    [(run,)] = marts.con.execute("select max(run_id) from _published").fetchall()
    return str(run) if run else None


def _model_named(defs: dict[str, data.KpiDef]) -> str:
    kpi = defs.get("attributed_revenue")
    return kpi.attribution_model if kpi else "unknown"

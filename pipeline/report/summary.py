"""The executive summary: three to five sentences generated from the numbers, each carrying its
figures as `<data value="...">` elements (the raw mart value beside the formatted text), so a
reader and a test can trace every figure to the mart."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from pipeline.report import formatting as fmt
from pipeline.report.data import KpiDef, KpiPoint, Signal
from pipeline.report.periods import Period


def figure(raw: float | int | None, text: str, kpi: str, field: str, tone: str = "") -> Markup:
    css = f' class="fig {tone}"' if tone else ' class="fig"'
    return Markup('<data value="{}" data-kpi="{}" data-field="{}"{}>{}</data>').format(
        "" if raw is None else repr(float(raw)), kpi, field, Markup(css), text
    )


def _value(point: KpiPoint, kpi: KpiDef, currency: str, field: str = "value") -> Markup:
    raw = getattr(point, field)
    return figure(raw, fmt.value(raw, kpi.unit, currency), kpi.kpi, field)


def _usable(point: KpiPoint | None) -> bool:
    return point is not None and point.value is not None and point.is_covered is not False


def sentences(
    period: Period,
    primary: Sequence[KpiDef],
    points: dict[str, KpiPoint],
    signals: Sequence[Signal] | None,
    currency: str,
    has_targets: bool,
    names: dict[str, str],
) -> list[Markup]:
    """Signals is None when the marts publish no mart_kpi_signals; names: KPI display names."""
    rows = [(k, points[k.kpi]) for k in primary if _usable(points.get(k.kpi))]
    found = [
        _attainment(period, rows, currency, has_targets) if rows else _uncovered(period, primary),
        _mover(period, rows, currency),
        _yoy(period, rows, currency),
        _best(rows, currency),
        _signals(period, signals, names),
    ]
    return [s for s in found if s is not None][:5]


def _target_field(point: KpiPoint) -> str:
    return "target" if point.is_complete else "target_to_date"


def _reached(kpi: KpiDef, point: KpiPoint) -> float | None:
    """value over the target (to date for an incomplete period)."""
    target = getattr(point, _target_field(point))
    if target in (None, 0) or point.value is None:
        return None
    return float(point.value / target)


def _attainment(
    period: Period, rows: list[tuple[KpiDef, KpiPoint]], currency: str, has_targets: bool
) -> Markup:
    with_target = [(k, p) for k, p in rows if _reached(k, p) is not None]
    count = figure(len(rows), str(len(rows)), "primary", "count")
    if not has_targets:
        return Markup("No targets are set for this {}: the {} primary KPIs with data are judged "
                      "against their own trend only.").format(period.noun, count)  # fmt: skip
    if not with_target:
        return Markup("None of the {} primary KPIs with data has a target for this {}.").format(
            count, period.noun
        )
    ahead = [(k, p) for k, p in with_target
             if fmt.attainment_tone(k.direction, _reached(k, p)) == "good"]  # fmt: skip
    worst_kpi, worst = min(with_target, key=lambda kp: _gap(*kp))
    field = _target_field(worst)
    return Markup(
        "{} of the {} primary KPIs with a target are on or ahead of it; furthest behind is {} at "
        "{} of its target{} ({} against {})."
    ).format(
        figure(len(ahead), str(len(ahead)), "primary", "on_target_count"),
        figure(len(with_target), str(len(with_target)), "primary", "with_target_count"),
        worst_kpi.name,
        figure(_reached(worst_kpi, worst), fmt.percent(_reached(worst_kpi, worst)), worst_kpi.kpi,
               "attainment_to_date" if field == "target_to_date" else "attainment", "bad"),
        " to date" if field == "target_to_date" else "",
        _value(worst, worst_kpi, currency),
        _value(worst, worst_kpi, currency, field),
    )  # fmt: skip


def _uncovered(period: Period, primary: Sequence[KpiDef]) -> Markup:
    count = figure(len(primary), str(len(primary)), "primary", "count")
    return Markup("None of the {} primary KPIs has a value covered by the loaded data for this "
                  "{}: see the data quality appendix.").format(count, period.noun)  # fmt: skip


def _gap(kpi: KpiDef, point: KpiPoint) -> float:
    """How far a KPI is from its target in its good direction (negative = behind)."""
    reached = _reached(kpi, point) or 1.0
    if kpi.direction == "lower_is_better":
        return 1.0 - reached
    if kpi.direction == "on_target":
        return -abs(reached - 1.0)
    return reached - 1.0


def _best(rows: list[tuple[KpiDef, KpiPoint]], currency: str) -> Markup | None:
    with_target = [(k, p) for k, p in rows
                   if _reached(k, p) is not None and k.direction != "on_target"]  # fmt: skip
    if not with_target:
        return None
    kpi, point = max(with_target, key=lambda kp: _gap(*kp))
    if _gap(kpi, point) <= 0:
        return None
    field = _target_field(point)
    return Markup("{} is furthest ahead of its target at {} ({} against {}).").format(
        kpi.name,
        figure(_reached(kpi, point), fmt.percent(_reached(kpi, point)), kpi.kpi,
               "attainment_to_date" if field == "target_to_date" else "attainment", "good"),
        _value(point, kpi, currency),
        _value(point, kpi, currency, field),
    )  # fmt: skip


def _mover(period: Period, rows: list[tuple[KpiDef, KpiPoint]], currency: str) -> Markup | None:
    field, reference = (
        ("change_pct", "previous_value")
        if all(p.is_complete for _, p in rows)
        else ("change_pct_to_date", "value_to_date_previous")
    )
    moved = [(k, p) for k, p in rows if getattr(p, field) is not None and k.unit != "ratio"]
    if not moved:
        return None
    kpi, point = max(moved, key=lambda kp: abs(getattr(kp[1], field)))
    change = getattr(point, field)
    against = (f"the previous {period.noun}" if field == "change_pct"
               else f"the same days of the previous {period.noun}")  # fmt: skip
    return Markup("{} {} {} against {}, to {} from {}.").format(
        kpi.name,
        "rose" if change > 0 else "fell" if change < 0 else "held",
        figure(change, f"{abs(change):,.1f} %", kpi.kpi, field, fmt.tone(kpi.direction, change)),
        against,
        _value(point, kpi, currency),
        _value(point, kpi, currency, reference),
    )


def _yoy(period: Period, rows: list[tuple[KpiDef, KpiPoint]], currency: str) -> Markup | None:
    moved = [(k, p) for k, p in rows
             if p.yoy_change_pct is not None and p.is_complete and k.unit != "ratio"]  # fmt: skip
    if not moved:
        return None
    kpi, point = max(moved, key=lambda kp: abs(kp[1].yoy_change_pct or 0))
    change = point.yoy_change_pct or 0.0
    return Markup("{} is {} {} on the same {} last year ({} against {}).").format(
        kpi.name,
        "up" if change > 0 else "down" if change < 0 else "level",
        figure(change, f"{abs(change):,.1f} %", kpi.kpi, "yoy_change_pct",
               fmt.tone(kpi.direction, change)),
        period.noun,
        _value(point, kpi, currency),
        _value(point, kpi, currency, "same_period_last_year_value"),
    )  # fmt: skip


def _signals(
    period: Period, signals: Sequence[Signal] | None, names: dict[str, str]
) -> Markup | None:
    if signals is None:
        return None
    risks = [s for s in signals if s.kind == "risk"]
    chances = [s for s in signals if s.kind != "risk"]
    counts = Markup("{} risks and {} opportunities are flagged for this {}").format(
        figure(len(risks), str(len(risks)), "signals", "risks"),
        figure(len(chances), str(len(chances)), "signals", "opportunities"),
        period.noun,
    )
    if not risks:
        return counts + Markup(".")
    worst = risks[0]
    return counts + Markup("; the first to look at: {} {} ({}).").format(
        names.get(worst.kpi, worst.kpi), worst.signal.replace("_", " "), escape(worst.rule)
    )

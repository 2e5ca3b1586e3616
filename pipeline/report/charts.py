"""Charts as inline SVG, drawn in Python when the report is built: a trend line, paired
horizontal bars and a funnel. Hand-written rather than a plotting library: a few kilobytes per
chart, no browser-side code, text that prints crisply and fonts from the page's CSS."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

BLUE, GREY, LIGHT = "#0969da", "#8c959f", "#d0d7de"
ORANGE = "#bc4c00"
Formatter = Callable[[float | None], str]


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None
    complete: bool
    target: float | None = None


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _scale(values: Sequence[float], low: float, high: float) -> Callable[[float], float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    return lambda v: high - (v - lo) / (hi - lo) * (high - low)


def trend(points: Sequence[TrendPoint], title: str, width: int = 240, height: int = 56) -> str:
    """Complete periods as a solid line, the incomplete one dashed with an open dot; targets as
    a dashed grey step line."""
    pad = 5
    known = [p.value for p in points if p.value is not None]
    targets = [p.target for p in points if p.target is not None]
    if not known:
        return _svg(width, height, [f'<text x="4" y="{height // 2}" class="muted">no data</text>'],
                    title)  # fmt: skip
    y = _scale([*known, *targets], pad, height - pad)
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    xs = [pad + i * step for i in range(len(points))]
    body = []
    if targets:
        path = [f"{x:.1f},{y(p.target):.1f}" for x, p in zip(xs, points, strict=True)
                if p.target is not None]  # fmt: skip
        body.append(f'<polyline class="target" points="{" ".join(path)}" fill="none" '
                    f'stroke="{GREY}" stroke-dasharray="3 3" stroke-width="1"/>')  # fmt: skip
    solid = [(x, p) for x, p in zip(xs, points, strict=True) if p.complete and p.value is not None]
    if solid:
        line = " ".join(f"{x:.1f},{y(p.value or 0):.1f}" for x, p in solid)
        body.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="1.8"/>')
    for x, p in zip(xs, points, strict=True):
        if p.complete or p.value is None:
            continue
        if solid:
            x0, p0 = solid[-1]
            body.append(f'<line class="incomplete" x1="{x0:.1f}" y1="{y(p0.value or 0):.1f}" '
                        f'x2="{x:.1f}" y2="{y(p.value):.1f}" stroke="{ORANGE}" '
                        'stroke-dasharray="3 2" stroke-width="1.5"/>')  # fmt: skip
        body.append(f'<circle class="incomplete" cx="{x:.1f}" cy="{y(p.value):.1f}" r="3" '
                    f'fill="white" stroke="{ORANGE}" stroke-width="1.5"><title>'
                    f'{escape(p.label)} (incomplete)</title></circle>')  # fmt: skip
    if solid:
        x, p = solid[-1]
        body.append(f'<circle cx="{x:.1f}" cy="{y(p.value or 0):.1f}" r="2.5" fill="{BLUE}"/>')
    return _svg(width, height, body, title)


def paired_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], str]],
    fmt: Formatter,
    title: str,
    width: int = 680,
) -> str:
    """Horizontal bars, one group per label, one bar per series (name, values, colour)."""
    label_w, bar_h, gap, value_w = 150, 12, 10, 90
    group_h = bar_h * len(series) + gap
    legend_h = 22
    height = legend_h + group_h * len(labels) + 4
    top = max((v for _, values, _ in series for v in values if v is not None), default=0) or 1
    usable = width - label_w - value_w
    body = []
    for i, (name, _, colour) in enumerate(series):
        x = label_w + i * 160
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{x + 14}" y="13" class="legend">{escape(name)}</text>')  # fmt: skip
    for row, label in enumerate(labels):
        y0 = legend_h + row * group_h
        body.append(f'<text x="{label_w - 6}" y="{y0 + bar_h * len(series) / 2 + 4:.1f}" '
                    f'text-anchor="end">{escape(label)}</text>')  # fmt: skip
        for i, (_, values, colour) in enumerate(series):
            amount = values[row]
            y = y0 + i * bar_h
            w = max(0.0, (amount or 0) / top * usable)
            body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                        f'fill="{colour}"/><text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" '
                        f'class="value">{escape(fmt(amount))}</text>')  # fmt: skip
    return _svg(width, height, body, title)


def funnel(
    stages: Sequence[tuple[str, float | None]],
    steps: Sequence[str],
    title: str,
    width: int = 680,
) -> str:
    """Centred bars, widest first, with the stage-to-stage text (rate, days) between them."""
    bar_h, step_h = 26, 20
    height = len(stages) * bar_h + max(len(stages) - 1, 0) * step_h + 4
    top = max((v or 0 for _, v in stages), default=0) or 1
    centre, usable = width / 2, width - 40
    body = []
    for i, (name, count) in enumerate(stages):
        y = i * (bar_h + step_h)
        w = max(2.0, (count or 0) / top * usable)
        text = f"{name}: {'–' if count is None else f'{count:,.0f}'}"
        inside = w > len(text) * 7 + 12
        label = (
            f'<text x="{centre:.1f}" y="{y + 17}" text-anchor="middle" class="on-bar">'
            if inside
            else f'<text x="{centre + w / 2 + 6:.1f}" y="{y + 17}">'
        )
        body.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{BLUE}" opacity="{1 - i * 0.12:.2f}"/>{label}{escape(text)}</text>'
        )
        if i < len(steps):
            body.append(f'<text x="{centre:.1f}" y="{y + bar_h + 14}" text-anchor="middle" '
                        f'class="step">↓ {escape(steps[i])}</text>')  # fmt: skip
    return _svg(width, height, body, title)

"""Numbers for people: currency symbols, thousands separators, percentages with one decimal, and
the tone (good, bad, neutral) of a change, by the KPI's direction rather than its sign."""

from __future__ import annotations

import math

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF "}
MONEY_UNITS = {"currency", "currency_per_day"}


def currency_symbol(currency: str) -> str:
    return SYMBOLS.get(currency.upper(), f"{currency.upper()} ")


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, currency: str) -> str:
    if value is None or _missing(value):
        return "–"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    digits = 0 if amount >= 100 or amount == int(amount) else 2
    return f"{sign}{currency_symbol(currency)}{amount:,.{digits}f}"


def number(value: float | None, digits: int = 0) -> str:
    if value is None or _missing(value):
        return "–"
    return f"{value:,.{digits}f}"


def percent(fraction: float | None) -> str:
    """A 0-1 fraction as a percentage with one decimal: 0.256 -> `25.6 %`."""
    if fraction is None or _missing(fraction):
        return "–"
    return f"{fraction * 100:,.1f} %"


def value(amount: float | None, unit: str, currency: str) -> str:
    """A KPI value in its unit (kpi_definitions.unit)."""
    if unit == "currency":
        return money(amount, currency)
    if unit == "currency_per_day":
        return "–" if _missing(amount) else f"{money(amount, currency)}/day"
    if unit == "ratio":
        return percent(amount)
    if unit == "days":
        return "–" if amount is None or _missing(amount) else f"{amount:,.1f} days"
    return number(amount)


def change(change_pct: float | None, change_abs: float | None, unit: str) -> str:
    """The change vs a reference: percentage points for ratios, a percentage otherwise."""
    if unit == "ratio":
        if change_abs is None or _missing(change_abs):
            return "–"
        return f"{change_abs:+,.1f} pp"
    if change_pct is None or _missing(change_pct):
        return "–"
    return f"{change_pct:+,.1f} %"


def tone(direction: str, delta: float | None) -> str:
    """`good`, `bad` or `neutral` for a move of `delta` on a KPI with this direction."""
    if delta is None or _missing(delta) or delta == 0 or direction == "on_target":
        return "neutral"
    up = delta > 0
    return "good" if up == (direction == "higher_is_better") else "bad"


def arrow(delta: float | None) -> str:
    if delta is None or _missing(delta) or delta == 0:
        return "→"
    return "▲" if delta > 0 else "▼"


def attainment_status(direction: str, attainment: float | None, band: float = 0.05) -> str:
    """Direction-aware wording of value / target."""
    if attainment is None or _missing(attainment):
        return "no target"
    if direction == "on_target":
        if abs(attainment - 1) <= band:
            return "on plan"
        return "over plan" if attainment > 1 else "under plan"
    ahead = attainment >= 1 if direction == "higher_is_better" else attainment <= 1
    return "on or ahead of target" if ahead else "behind target"


def attainment_tone(direction: str, attainment: float | None, band: float = 0.05) -> str:
    status = attainment_status(direction, attainment, band)
    return {"on or ahead of target": "good", "on plan": "good", "behind target": "bad",
            "over plan": "bad", "under plan": "neutral"}.get(status, "neutral")  # fmt: skip

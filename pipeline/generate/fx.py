"""ECB euro reference rates (units per 1 EUR), business days only, in the historical CSV's shape:
`Date,USD,JPY,...` with `N/A` for currencies without a rate and a trailing empty column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipeline.generate.spec import F64, WorldSpec

HISTORY_DAYS = 700  # rates before the window, for historical deals' close dates

# Column order of eurofxref-hist.csv; None: no longer quoted (always N/A)
CURRENCIES: tuple[tuple[str, float | None], ...] = (
    ("USD", 1.08),
    ("JPY", 162.0),
    ("BGN", 1.9558),
    ("CYP", None),
    ("CZK", 25.2),
    ("DKK", 7.46),
    ("EEK", None),
    ("GBP", 0.85),
    ("HUF", 395.0),
    ("LTL", None),
    ("LVL", None),
    ("MTL", None),
    ("PLN", 4.3),
    ("ROL", None),
    ("RON", 4.97),
    ("SEK", 11.3),
    ("SIT", None),
    ("SKK", None),
    ("CHF", 0.94),
    ("ISK", 150.0),
    ("NOK", 11.6),
    ("HRK", None),
    ("RUB", None),
    ("TRL", None),
    ("TRY", 35.0),
    ("AUD", 1.65),
    ("BRL", 5.9),
    ("CAD", 1.48),
    ("CNY", 7.8),
    ("HKD", 8.4),
    ("IDR", 17500.0),
    ("ILS", 4.0),
    ("INR", 90.0),
    ("KRW", 1450.0),
    ("MXN", 19.5),
    ("MYR", 4.9),
    ("NZD", 1.8),
    ("PHP", 62.0),
    ("SGD", 1.45),
    ("THB", 38.0),
    ("ZAR", 20.0),
)


@dataclass(frozen=True)
class Rates:
    days: list[date]  # business days, ascending
    rates: F64  # (day, currency); NaN = N/A

    def per_eur(self, currency: str, day: date) -> float:
        """The rate of `day` or the last business day before it."""
        col = [c for c, _ in CURRENCIES].index(currency)
        i = int(
            np.searchsorted(np.array(self.days, dtype="datetime64[D]"), np.datetime64(day), "right")
        )
        return float(self.rates[max(i - 1, 0), col])


def _easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def is_target_day(day: date) -> bool:
    """TARGET2 business day: no weekend, 1 Jan, Good Friday, Easter Monday, 1 May, 25/26 Dec."""
    if day.weekday() >= 5 or (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)}:
        return False
    easter = _easter(day.year)
    return day not in (easter - timedelta(days=2), easter + timedelta(days=1))


def build_rates(spec: WorldSpec) -> Rates:
    rng = spec.rng("fx")
    first = spec.start_date - timedelta(days=HISTORY_DAYS)
    span = (spec.end_date - first).days + 1
    days = [d for d in (first + timedelta(days=i) for i in range(span)) if is_target_day(d)]
    base = np.array([np.nan if b is None else b for _, b in CURRENCIES])
    steps = rng.normal(0.0, 0.003, (len(days), len(base)))
    steps[:, [c for c, _ in CURRENCIES].index("BGN")] = 0.0  # pegged
    rates = base * np.exp(np.cumsum(steps, axis=0))
    return Rates(days, rates)


def format_rows(rates: Rates, lo: int, hi: int) -> list[str]:
    """CSV lines (header first) for business days [lo, hi)."""
    header = "Date," + ",".join(c for c, _ in CURRENCIES) + ","
    lines = [header]
    for i in range(lo, hi):
        values = [_fmt(v) for v in rates.rates[i]]
        lines.append(f"{rates.days[i].isoformat()}," + ",".join(values) + ",")
    return lines


def _fmt(value: float) -> str:
    if np.isnan(value):
        return "N/A"
    return f"{value:.4f}" if value < 100 else f"{value:.2f}"


def day_index(rates: Rates, day: date) -> int:
    """Index of the first business day on or after `day`."""
    return int(np.searchsorted(np.array(rates.days, dtype="datetime64[D]"), np.datetime64(day)))

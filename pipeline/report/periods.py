"""Report periods: parse `--period`, label a period for file names and headings, and find the
latest complete period of a grain."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.report.errors import PeriodError

GRAINS = ("week", "month", "quarter")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_WEEK = re.compile(r"^(\d{4})-[Ww](\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOUN = {"week": "week", "month": "month", "quarter": "quarter"}


@dataclass(frozen=True)
class Period:
    grain: str
    start: dt.date

    @property
    def label(self) -> str:
        """`2026-10`, `2026-Q4` or `2026-W43` (ISO week): the file name and `--period`."""
        if self.grain == "month":
            return f"{self.start:%Y-%m}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def title(self) -> str:
        """For people: `October 2026`, `Q4 2026`, `week 43 of 2026 (from 2026-10-19)`."""
        if self.grain == "month":
            return f"{self.start:%B %Y}"
        if self.grain == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        year, week, _ = self.start.isocalendar()
        return f"week {week} of {year} (from {self.start.isoformat()})"

    @property
    def noun(self) -> str:
        return _NOUN[self.grain]


def check_grain(grain: str) -> str:
    if grain not in GRAINS:
        raise PeriodError(f"grain {grain!r} is not one of {', '.join(GRAINS)}; pass --grain month")
    return grain


def parse_period(grain: str, text: str) -> Period:
    """`2026-10` (month), `2026-Q4` (quarter), `2026-W43` (ISO week) or any date in the period."""
    check_grain(grain)
    text = text.strip()
    try:
        if _DATE.match(text):
            return Period(grain, period_start(grain, dt.date.fromisoformat(text)))
        if grain == "month" and (m := _MONTH.match(text)):
            return Period(grain, dt.date(int(m[1]), int(m[2]), 1))
        if grain == "quarter" and (m := _QUARTER.match(text)):
            return Period(grain, dt.date(int(m[1]), 3 * int(m[2]) - 2, 1))
        if grain == "week" and (m := _WEEK.match(text)):
            return Period(grain, dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))
    except ValueError:
        pass
    examples = {"month": "2026-10", "quarter": "2026-Q4", "week": "2026-W43"}
    raise PeriodError(
        f"period {text!r} is not a {grain}: write it as {examples[grain]} or as a date "
        "(2026-10-15) inside the period"
    )


def period_start(grain: str, day: dt.date) -> dt.date:
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day - dt.timedelta(days=day.weekday())

"""Vectorised: the generator's Python work follows the days it delivers, not the people in them.
Its speed (people per second against DuckDB reading the files it wrote) is `mops bench`'s."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.generate import WorldSummary, generate_world
from tests.complexity import python_calls

END = date(2026, 10, 31)


def counted(out: Path, people: int) -> tuple[int, int]:
    """Python calls of generating `people` over 10 days, and the rows the world holds."""
    calls, summary = python_calls(lambda: generate_world(out, people=people, days=10, end_date=END))
    return calls, sum(summary.counts.values())


def test_four_times_the_people_adds_under_one_python_call_per_ten_rows(tmp_path: Path) -> None:
    generate_world(tmp_path / "warm", people=50, days=10, end_date=END)  # imports, caches
    calls, rows = counted(tmp_path / "small", 2000)
    more_calls, more_rows = counted(tmp_path / "large", 8000)
    # Measured: ~43k more rows, ~1.3k more calls. A Python loop over rows adds at least one call
    # per row (polars' map_elements, a list comprehension calling a helper, ...).
    assert more_rows > 3 * rows
    assert more_calls - calls < (more_rows - rows) / 10


def test_about_twenty_activities_per_person_over_120_days(tmp_path: Path) -> None:
    summary: WorldSummary = generate_world(tmp_path, people=3000, days=120, end_date=END)
    activities = summary.counts["marketo/activities"]
    assert 15 * 3000 <= activities <= 25 * 3000

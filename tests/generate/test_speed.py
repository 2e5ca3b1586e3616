"""Vectorised: a few thousand people in well under a few seconds."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from pipeline.generate import generate_world


def test_three_thousand_people_in_a_few_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    summary = generate_world(tmp_path, people=3000, days=120, end_date=date(2026, 10, 31))
    # About 2 s alone on 2 cores; the bound leaves room for a loaded CI machine and still
    # catches a Python loop over rows (10-100x slower).
    assert time.perf_counter() - started < 15.0
    activities = summary.counts["marketo/activities"]
    assert 15 * 3000 <= activities <= 25 * 3000  # about 20 per person


@pytest.mark.slow
def test_hundred_thousand_people_in_under_a_minute(tmp_path: Path) -> None:
    started = time.perf_counter()
    generate_world(tmp_path, people=100_000, days=120)
    assert time.perf_counter() - started < 60.0

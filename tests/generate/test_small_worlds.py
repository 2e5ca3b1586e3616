"""The smallest worlds the generator accepts still generate: no object may assume that a rare
event (a duplicate lead, an existing customer) happened at least once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.generate import generate_world
from tests.generate.conftest import END


@pytest.mark.parametrize(
    ("people", "days", "seed"),
    [(50, 2, 1), (55, 7, 2), (60, 10, 7), (51, 2, 5)],
)
def test_a_world_without_duplicate_leads_or_early_customers_still_generates(
    tmp_path: Path, people: int, days: int, seed: int
) -> None:
    summary = generate_world(tmp_path, people=people, days=days, seed=seed, end_date=END)
    assert summary.files
    assert all(path.stat().st_size > 0 for path in summary.files)

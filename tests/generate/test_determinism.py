"""Same seed, same bytes; another seed, another world."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pipeline.generate import generate_world
from pipeline.generate.sample import SAMPLE, SAMPLE_DIR


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    kwargs = dict(people=400, days=20, end_date=date(2026, 3, 31))
    a = generate_world(tmp_path / "a", seed=3, **kwargs)  # type: ignore[arg-type]
    b = generate_world(tmp_path / "b", seed=3, **kwargs)  # type: ignore[arg-type]
    generate_world(tmp_path / "c", seed=4, **kwargs)  # type: ignore[arg-type]
    assert a.counts == b.counts and a.dirt == b.dirt
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    digest_c = _digest(tmp_path / "c")
    assert digest_c != _digest(tmp_path / "a")
    # the world does not depend on the wall clock: only on its end date
    assert "salesforce/Lead/Lead_2026-03-31.csv" in digest_c


def test_committed_seed_world_is_what_the_generator_writes(tmp_path: Path) -> None:
    """seeds/landing is `make sample`: the generator with the parameters in SAMPLE."""
    generate_world(tmp_path, **SAMPLE)
    assert _digest(SAMPLE_DIR) == _digest(tmp_path)


def test_activity_rate_scales_emails_and_visits_but_not_the_people(tmp_path: Path) -> None:
    kwargs = dict(people=400, days=20, seed=3, end_date=date(2026, 3, 31))
    full = generate_world(tmp_path / "full", **kwargs)  # type: ignore[arg-type]
    fifth = generate_world(tmp_path / "fifth", activity_rate=0.2, **kwargs)  # type: ignore[arg-type]
    assert fifth.counts["marketo/leads"] == full.counts["marketo/leads"]
    assert fifth.counts["salesforce/Opportunity"] == full.counts["salesforce/Opportunity"]
    # emails and visits are about half of a young world's activities (2,104 -> 1,410 here)
    assert 0 < fifth.counts["marketo/activities"] < full.counts["marketo/activities"] * 0.8

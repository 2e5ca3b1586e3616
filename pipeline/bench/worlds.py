"""Benchmark worlds at named scales, generated once and reused (keyed by their parameters)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

_DONE = ".complete"


@dataclass(frozen=True)
class Scale:
    name: str
    people: int
    days: int
    activity_rate: float = 1.0
    seed: int = 7

    @property
    def key(self) -> str:
        return f"{self.name}-p{self.people}-d{self.days}-a{self.activity_rate:g}-s{self.seed}"


# activity_rate sets the activities to the sizes: medium ~2M, large ~20M (at rate 1 a
# person-year is ~57 activities; large would be ~170M)
SCALES = {
    "small": Scale("small", 10_000, 120),
    "medium": Scale("medium", 100_000, 365, activity_rate=0.35),
    "large": Scale("large", 1_000_000, 1095, activity_rate=0.08),
}


def world(scale: Scale, cache: Path) -> Path:
    """The landing zone of `scale` under `cache`, generated unless a complete one is there."""
    from pipeline.generate import generate_world

    landing = cache / scale.key
    if (landing / _DONE).exists():
        return landing
    if landing.exists():
        shutil.rmtree(landing)
    generate_world(
        landing,
        people=scale.people,
        days=scale.days,
        seed=scale.seed,
        activity_rate=scale.activity_rate,
    )
    (landing / _DONE).write_text("ok\n")
    return landing


def split_last_day(landing: Path, work: Path) -> tuple[Path, Path, str]:
    """Two landing zones of symlinks: every day but the last, and every day.

    The extract day is the last `YYYY-MM-DD` in each file name; files without one (reference
    extracts) belong to the first night.
    """
    import re

    day = re.compile(r"(\d{4}-\d{2}-\d{2})")
    files = [p for p in landing.rglob("*") if p.is_file() and not p.name.startswith(".")]
    days = {m[-1] for p in files if (m := day.findall(p.name))}
    last = max(days)
    first_night, both_nights = work / "night1", work / "night2"
    for target in (first_night, both_nights):
        if target.exists():
            shutil.rmtree(target)
    for path in files:
        relative = path.relative_to(landing)
        found = day.findall(path.name)
        targets = [both_nights] if found and found[-1] == last else [first_night, both_nights]
        for target in targets:
            link = target / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, link)
    return first_night, both_nights, last

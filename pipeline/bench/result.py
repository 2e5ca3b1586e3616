"""What one benchmark run measured: its stages (seconds, rows, peak memory) and the ratios
between stages measured side by side."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Literal

from pipeline.bench.memory import PeakMemory


@dataclass
class Stage:
    run: str  # full | nightly | floor | repeat | probe
    stage: str
    seconds: float
    rows: int
    peak_bytes: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# name, (run, stage) over (run, stage); a stage of None is the whole run
RATIOS: tuple[tuple[str, tuple[str, str | None], tuple[str, str | None]], ...] = (
    ("models_over_floor", ("repeat", "models"), ("floor", "models")),
    ("ingest_over_floor", ("full", "ingest"), ("floor", "ingest")),
    ("nightly_over_full", ("nightly", None), ("full", None)),
    ("checks_over_full", ("full", "checks"), ("full", None)),
    ("generate_over_read", ("probe", "generate"), ("probe", "read")),
    ("load_plan_over_parse", ("probe", "load+plan"), ("probe", "parse")),
)


@dataclass
class BenchResult:
    scale: str
    people: int
    days: int
    nightly_day: str
    memory_limit: str
    stages: list[Stage] = field(default_factory=list)
    model_seconds: dict[str, dict[str, float]] = field(default_factory=dict)  # run -> model -> s
    check_seconds: dict[str, dict[str, float]] = field(default_factory=dict)  # run -> check -> s

    def slowest(
        self, run: str, count: int = 8, kind: Literal["models", "checks"] = "models"
    ) -> list[tuple[str, float]]:
        """The models (or checks) that dominate a run: where profiling starts."""
        seconds = self.model_seconds if kind == "models" else self.check_seconds
        ranked = sorted(seconds.get(run, {}).items(), key=lambda m: -m[1])
        return ranked[:count]

    def seconds(self, run: str, stage: str | None = None) -> float:
        return sum(s.seconds for s in self.stages if s.run == run and stage in (None, s.stage))

    def peak_bytes(self, run: str) -> int:
        return max((s.peak_bytes for s in self.stages if s.run == run), default=0)

    def has(self, run: str, stage: str | None = None) -> bool:
        return any(s.run == run and stage in (None, s.stage) for s in self.stages)

    @property
    def ratios(self) -> dict[str, float]:
        """Every ratio whose two sides this run measured."""
        return {
            name: self.seconds(*over) / self.seconds(*under)
            for name, over, under in RATIOS
            if self.has(*over) and self.has(*under) and self.seconds(*under) > 0
        }

    @property
    def people_per_second(self) -> float:
        """Of the generator probe: its stage counts people, not rows."""
        return next((s.rows_per_second for s in self.stages if s.stage == "generate"), 0.0)

    def to_json(self) -> str:
        data = asdict(self)
        data["ratios"] = self.ratios
        data["totals"] = {run: self.seconds(run) for run in ("full", "nightly", "floor")}
        return json.dumps(data, indent=2)

    def summary(self) -> str:
        r = self.ratios
        return (
            f"bench {self.scale}: full {self.seconds('full'):.1f} s "
            f"(peak {self.peak_bytes('full') / 2**30:.2f} GiB), "
            f"nightly {self.seconds('nightly'):.1f} s = {r['nightly_over_full']:.1%} of full, "
            f"models/floor {r['models_over_floor']:.3f}x, "
            f"ingest/floor {r['ingest_over_floor']:.2f}x, "
            f"checks {r['checks_over_full']:.1%} of full"
            + (
                f", generate/read {r['generate_over_read']:.2f}x "
                f"({self.people_per_second:,.0f} people/s)"
                if "generate_over_read" in r
                else ""
            )
            + (
                f", load+plan/parse {r['load_plan_over_parse']:.2f}x"
                if "load_plan_over_parse" in r
                else ""
            )
        )


@contextmanager
def timed(result: BenchResult, run: str, stage: str) -> Iterator[list[int]]:
    rows = [0]
    started = time.perf_counter()
    with PeakMemory() as peak:
        yield rows
    result.stages.append(Stage(run, stage, time.perf_counter() - started, rows[0], peak.bytes))

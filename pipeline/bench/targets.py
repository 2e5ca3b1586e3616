"""The speed targets: each a ratio of two measurements taken side by side in one run, so a busy
or slow machine moves both sides and the ratio stays a property of the code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# ratio name -> (what it compares, the most it may be)
TARGETS: dict[str, tuple[str, float]] = {
    "ingest_over_floor": ("ingest / DuckDB's own readers of the same files", 1.25),
    "models_over_floor": ("mops models / the same compiled SQL run directly", 1.10),
    # about 1x measured; a Python loop over rows is 10-100x slower
    "generate_over_read": ("mops generate / DuckDB reading the files it wrote", 3.0),
    # 1.4-2.2x measured
    "load_plan_over_parse": ("engine load + plan / bare sqlglot parsing of the same files", 2.5),
}


@dataclass(frozen=True)
class Verdict:
    name: str
    what: str
    ratio: float
    limit: float

    @property
    def met(self) -> bool:
        return self.ratio <= self.limit

    def line(self) -> str:
        mark = "ok" if self.met else "MISSED"
        return (
            f"{mark:>6}  {self.name} {self.ratio:.2f}x (target <= {self.limit:.2f}x): {self.what}"
        )


def judge(ratios: Mapping[str, float]) -> list[Verdict]:
    """A verdict for every ratio with a target; ratios without one are not judged."""
    return [
        Verdict(name, what, ratios[name], limit)
        for name, (what, limit) in TARGETS.items()
        if name in ratios
    ]


def missed(verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if not v.met]

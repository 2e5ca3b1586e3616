"""The bundled sample world in `seeds/landing/` (the default landing zone of `make demo`).

`make sample` rewrites it from these parameters; `tests/generate/test_determinism.py` fails when the
committed folder differs from what they generate.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final, TypedDict

from pipeline.generate.generate import WorldSummary, generate_world


class WorldArgs(TypedDict):
    people: int
    days: int
    seed: int


# 13 months of extracts (2025-09-27 .. 2026-10-31): trends and year over year exist, and it
# builds in about a minute.
SAMPLE: Final[WorldArgs] = {"people": 500, "days": 400, "seed": 7}

SAMPLE_DIR: Final = Path(__file__).resolve().parents[2] / "seeds" / "landing"


def write_sample(out: Path = SAMPLE_DIR) -> WorldSummary:
    """Replace `out` with the sample world."""
    shutil.rmtree(out, ignore_errors=True)
    return generate_world(out, **SAMPLE)


if __name__ == "__main__":
    summary = write_sample()
    print(
        f"wrote {len(summary.files)} files "
        f"({summary.start_date} .. {summary.end_date}) to {SAMPLE_DIR}"
    )

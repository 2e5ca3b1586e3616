"""The world's parameters, its time window and the helpers every builder shares.

Times are int64 seconds since the Unix epoch (UTC). `NEVER` marks an event that does not happen;
an event at or after `spec.t_end` happens after the last extract and is never delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]
Arr = npt.NDArray[Any]

DAY = 86_400
HOUR = 3_600
NEVER = np.int64(2**62)

SF_TS = "%Y-%m-%dT%H:%M:%S.000+0000"
MK_TS = "%Y-%m-%dT%H:%M:%SZ"
ISO_DATE = "%Y-%m-%d"

# Independent random streams: a builder's draws never shift another builder's.
STREAMS = {
    "companies": 1,
    "people": 2,
    "campaigns": 3,
    "opportunities": 4,
    "salesforce": 5,
    "marketo": 6,
    "activities": 7,
    "ads": 8,
    "fx": 9,
    "dirt": 10,
}


@dataclass(frozen=True)
class WorldSpec:
    """What to generate: `days` extract days ending on `end_date`, `people` humans."""

    people: int
    days: int
    seed: int
    end_date: date
    dirty_rows: bool = False
    # multiplies the rate of email sends and web visits per active day (the bulk of activities)
    activity_rate: float = 1.0

    @property
    def start_date(self) -> date:
        return self.end_date - timedelta(days=self.days - 1)

    @property
    def t_start(self) -> int:
        """First second of the window (the first extract day, 00:00 UTC)."""
        return epoch(self.start_date)

    @property
    def t_end(self) -> int:
        """First second after the window: events from here on are never delivered."""
        return epoch(self.end_date) + DAY

    def rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, STREAMS[stream]])


def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def happened(t: I64, spec: WorldSpec) -> Bool:
    """Events that happened before the last extract."""
    return t < spec.t_end


def gamma_seconds(rng: np.random.Generator, n: int, mean_days: float, shape: float = 2.0) -> I64:
    """Positive waiting times with the given mean, in whole seconds."""
    draws = rng.gamma(shape, mean_days * DAY / shape, n)
    return np.maximum(draws, 60.0).astype(np.int64)


def uniform_seconds(rng: np.random.Generator, low: I64 | int, high: I64 | int, n: int) -> I64:
    """Uniform times in [low, high); `high <= low` gives `low`."""
    span = np.maximum(np.asarray(high, dtype=np.int64) - low, 1)
    out: I64 = np.asarray(low, dtype=np.int64) + (rng.random(n) * span).astype(np.int64)
    return out


def fmt_time(t: I64, fmt: str) -> pl.Series:
    """Format epoch seconds; `NEVER` and later-than-plausible values become null."""
    series = pl.Series(np.where(t < NEVER, t, 0), dtype=pl.Int64)
    text = pl.from_epoch(series, time_unit="s").dt.strftime(fmt)
    return pl.select(pl.when(pl.Series(t < NEVER)).then(text).otherwise(None)).to_series()


def pick(values: list[str] | tuple[str, ...], index: Arr) -> pl.Series:
    """`values[index]` as a polars string series (vectorised gather)."""
    return pl.Series(values, dtype=pl.String).gather(pl.Series(index, dtype=pl.UInt32))

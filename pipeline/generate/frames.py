"""Small helpers to turn numpy columns into polars columns the writers can deliver."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.generate.spec import Arr


def ids(values: Arr) -> pl.Series:
    """Id strings with "" as null."""
    series = pl.Series(values, dtype=pl.String)
    return pl.select(pl.when(series != "").then(series)).to_series()


def shorten(values: Arr, rng: np.random.Generator, share: float) -> Arr:
    """Deliver a share of 18-character reference ids in their 15-character form."""
    out = values.astype("<U18").copy()
    hit = (rng.random(len(out)) < share) & (np.char.str_len(out) == 18)
    out[hit] = out[hit].astype("<U15")
    return out


def money(values: Arr) -> pl.Series:
    """Amounts as text with two decimals."""
    return pl.Series(np.round(values.astype(np.float64), 2)).cast(pl.Decimal(18, 2)).cast(pl.String)

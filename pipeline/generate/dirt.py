"""Opt-in unparseable values (`dirty_rows=True`) for quarantine tests; the default has none."""

from __future__ import annotations

import numpy as np
import polars as pl

# (system/object) -> [(column, value that cannot be typed)]
BAD_VALUES: dict[str, list[tuple[str, str]]] = {
    "salesforce/Lead": [
        ("CreatedDate", "2026-02-30T25:61:00.000+0000"),
        ("NumberOfEmployees", "about 50"),
    ],
    "salesforce/Contact": [("IsDeleted", "maybe")],
    "salesforce/Opportunity": [("Amount", "12,5k"), ("CloseDate", "31/31/2026")],
    "marketo/leads": [("leadScore", "high"), ("updatedAt", "yesterday")],
    "marketo/activities": [("activityDate", "2026-13-45T00:00:00Z")],
}


def inject(key: str, frame: pl.DataFrame, rng: np.random.Generator) -> tuple[pl.DataFrame, int]:
    """Replace one value in a random row per bad value listed for `key`; returns the count."""
    bad = BAD_VALUES.get(key, [])
    if not bad or frame.height == 0:
        return frame, 0
    rows = rng.choice(frame.height, size=min(len(bad), frame.height), replace=False)
    for (column, value), row in zip(bad, rows, strict=False):
        values = frame[column].cast(pl.String).to_list()
        values[int(row)] = value
        frame = frame.with_columns(pl.Series(column, values, dtype=pl.String))
    return frame, len(rows)

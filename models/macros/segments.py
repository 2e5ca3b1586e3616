"""Macros for the KPI measure models: the segments a measure is split by.

A measure is reported in total and per segment: `channel` (the event's channel), `icp` (its ICP
segment) and `opportunity_type` (the type group, set on bookings only). `segment_sets` groups
by each key set alone (the total) and with each segment's column; `segment_columns` labels a
row of that grouping with segment_type and segment_value ('total' for the total). An event
without a segment's value lands in a row whose segment_value is null: keep
`segment_value is not null` rows, as events without a channel are in the totals only.

    group by {{ segment_sets([['measure', 'grain', 'period_start']], ['channel', 'icp']) }}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

SEGMENT_COLUMNS: Final = {
    "channel": "channel",
    "icp": "icp_segment",
    "opportunity_type": "opportunity_type",
}


def _columns(segments: Sequence[str]) -> list[str]:
    unknown = [segment for segment in segments if segment not in SEGMENT_COLUMNS]
    if unknown:
        raise ValueError(f"unknown segment {', '.join(unknown)}: use {', '.join(SEGMENT_COLUMNS)}")
    return [SEGMENT_COLUMNS[segment] for segment in segments]


def segment_sets(
    keys: Sequence[Sequence[str]], segments: Sequence[str], with_total: bool = True
) -> str:
    """SQL: `grouping sets` of every key set alone (unless not `with_total`) and with each
    segment's column."""
    extras: list[list[str]] = [[]] if with_total else []
    extras += [[column] for column in _columns(segments)]
    sets = [[*key_set, *extra] for key_set in keys for extra in extras]
    return "grouping sets (" + ", ".join(f"({', '.join(s)})" for s in sets) + ")"


def segment_columns(segments: Sequence[str]) -> str:
    """SQL: the segment_type and segment_value columns of a row grouped by `segment_sets`."""
    pairs = list(zip(segments, _columns(segments), strict=True))
    types = " ".join(f"when grouping({column}) = 0 then '{name}'" for name, column in pairs)
    values = " ".join(f"when grouping({column}) = 0 then {column}" for _, column in pairs)
    return (
        f"case {types} else 'total' end as segment_type, "
        f"case {values} else 'total' end as segment_value"
    )

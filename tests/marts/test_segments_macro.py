"""The segment macros of the KPI measure models (models/macros/segments.py), run on DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.engine.macros import load_macros
from tests.funnel.harness import MODELS_DIR

MACROS = load_macros(MODELS_DIR / "macros")

EVENTS = """
    select * from (values
        ('m', 'email', 'icp', null, 1.0),
        ('m', 'email', null, 'renewal', 2.0),
        ('m', null, 'non_icp', 'renewal', 4.0)
    ) as events (measure, channel, icp_segment, opportunity_type, amount)
"""


def grouped(segments: list[str], with_total: bool = True) -> list[tuple[object, ...]]:
    sets = MACROS["segment_sets"]([["measure"]], segments, with_total=with_total)
    columns = MACROS["segment_columns"](segments)
    return duckdb.sql(
        f"select {columns}, sum(amount) from ({EVENTS}) group by {sets} order by all"
    ).fetchall()


def test_the_total_and_a_row_per_segment_value() -> None:
    # an event without a segment's value is in the total only (its NULL row is dropped later)
    assert grouped(["channel", "icp", "opportunity_type"]) == [
        ("channel", "email", 3.0),
        ("channel", None, 4.0),
        ("icp", "icp", 1.0),
        ("icp", "non_icp", 4.0),
        ("icp", None, 2.0),
        ("opportunity_type", "renewal", 6.0),
        ("opportunity_type", None, 1.0),
        ("total", "total", 7.0),
    ]


def test_segments_without_the_total() -> None:
    assert grouped(["opportunity_type"], with_total=False) == [
        ("opportunity_type", "renewal", 6.0),
        ("opportunity_type", None, 1.0),
    ]


def test_an_unknown_segment_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown segment region: use channel, icp"):
        MACROS["segment_sets"]([["measure"]], ["region"])

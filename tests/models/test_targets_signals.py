"""mart_kpi_signals on hand-made mart_kpis series: each rule firing and not firing, by the KPI's
direction, and never from an incomplete, immature or uncovered period. Thresholds are the bundled
ones: off_target_band 0.15, trend_periods 3, yoy_change_pct 25, anomaly_k 3 over 8 periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pytest

from tests.models.targets_world import rules, run_model, table

MART_KPIS = (
    "kpi varchar, grain varchar, period_start date, segment_type varchar, segment_value varchar, "
    "value double, target double, attainment double, yoy_change_pct double, "
    "same_period_last_year_value double, is_complete boolean, is_covered boolean, "
    "is_mature boolean"
)
DIRECTIONS = {"leads": "higher_is_better", "cac": "lower_is_better", "spend": "on_target"}


def month(index: int) -> dt.date:
    """The first day of the index-th month from January 2025."""
    return dt.date(2025 + index // 12, index % 12 + 1, 1)


def series(
    kpi: str,
    values: Sequence[float | None],
    *,
    targets: dict[int, float] | None = None,
    flags: dict[int, dict[str, bool | None]] | None = None,
) -> list[tuple[Any, ...]]:
    """Monthly total rows of `kpi` from January 2025, complete, covered and mature unless `flags`
    says otherwise for a position; `targets` by position; year-over-year from 12 rows back."""
    rows = []
    for i, value in enumerate(values):
        target = (targets or {}).get(i)
        year_ago = values[i - 12] if i >= 12 else None
        yoy = None if value is None or not year_ago else (value - year_ago) / abs(year_ago) * 100
        row = {"is_complete": True, "is_covered": True, "is_mature": None}
        row.update((flags or {}).get(i, {}))
        rows.append((
            kpi, "month", month(i), "total", "total", value, target,
            None if target is None or value is None else value / target,
            yoy, year_ago, row["is_complete"], row["is_covered"], row["is_mature"],
        ))  # fmt: skip
    return rows


def signals(*rows_of_series: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    con = duckdb.connect()
    table(con, "marts.mart_kpis", MART_KPIS, [r for rows in rows_of_series for r in rows])
    table(con, "marts.kpi_definitions", "kpi varchar, direction varchar", list(DIRECTIONS.items()))
    rules(con)
    return run_model(con, "mart_kpi_signals")


def named(found: list[dict[str, Any]], *names: str) -> list[tuple[str, str, dt.date]]:
    return [(s["signal"], s["kind"], s["period_start"]) for s in found if s["signal"] in names]


TARGETED = ("off_target", "ahead_of_target")


def test_attainment_below_the_band_is_off_target() -> None:
    [signal] = signals(series("leads", [80], targets={0: 100}))
    assert (signal["signal"], signal["kind"], signal["reference"]) == ("off_target", "risk", 100)
    assert signal["severity"] == pytest.approx(0.2 / 0.15)
    assert signal["rule"] == ("attainment 0.800 (value 80.00 / target 100) is outside 1 +/- 0.150")


def test_attainment_within_the_band_raises_nothing() -> None:
    assert signals(series("leads", [90, 110], targets={0: 100, 1: 100})) == []


def test_a_lower_is_better_kpi_under_its_target_is_ahead() -> None:
    found = signals(series("cac", [80, 120], targets={0: 100, 1: 100}))
    assert named(found, *TARGETED) == [
        ("ahead_of_target", "opportunity", month(0)),
        ("off_target", "risk", month(1)),
    ]


def test_an_on_target_kpi_off_its_plan_either_way_is_a_risk() -> None:
    found = signals(series("spend", [80, 120], targets={0: 100, 1: 100}))
    assert named(found, *TARGETED) == [
        ("off_target", "risk", month(0)),
        ("off_target", "risk", month(1)),
    ]


@pytest.mark.parametrize(
    "flag", [{"is_complete": False}, {"is_mature": False}, {"is_covered": False}]
)
def test_an_incomplete_immature_or_uncovered_period_raises_nothing(
    flag: dict[str, bool],
) -> None:
    assert signals(series("leads", [50], targets={0: 100}, flags={0: flag})) == []


def test_three_bad_moves_in_a_row_are_a_worsening_trend() -> None:
    found = signals(series("leads", [10, 9, 8, 7]))
    assert named(found, "worsening_trend") == [("worsening_trend", "risk", month(3))]
    [trend] = found
    assert (trend["value"], trend["reference"], trend["severity"]) == (7, 10, 1.0)
    assert trend["rule"] == "3 consecutive monthly moves down from 10.00 to 7.00, threshold 3"


def test_a_lower_is_better_kpi_going_up_is_worsening() -> None:
    assert named(signals(series("cac", [7, 8, 9, 10])), "worsening_trend") == [
        ("worsening_trend", "risk", month(3))
    ]


def test_three_good_moves_in_a_row_are_an_improving_trend() -> None:
    found = signals(series("leads", [7, 8, 9, 10, 11]))
    assert named(found, "improving_trend") == [
        ("improving_trend", "opportunity", month(3)),
        ("improving_trend", "opportunity", month(4)),
    ]
    assert found[-1]["severity"] == pytest.approx(4 / 3)


def test_a_flat_period_breaks_the_run() -> None:
    assert signals(series("leads", [10, 9, 9, 8, 7])) == []


def test_an_incomplete_last_period_does_not_extend_a_trend() -> None:
    assert signals(series("leads", [10, 9, 8, 7], flags={3: {"is_complete": False}})) == []


def test_an_on_target_kpi_has_no_trend() -> None:
    assert signals(series("spend", [10, 9, 8, 7])) == []


YEAR = [100.0] + [None] * 11


def test_a_fall_beyond_the_threshold_year_over_year_is_a_decline() -> None:
    [signal] = signals(series("leads", [*YEAR, 70]))
    assert (signal["signal"], signal["kind"], signal["reference"]) == ("yoy_decline", "risk", 100)
    assert signal["severity"] == pytest.approx(30 / 25)
    assert signal["rule"] == "year over year -30.0 % (100 -> 70.00), threshold 25.0 %"


def test_a_change_inside_the_threshold_year_over_year_raises_nothing() -> None:
    assert signals(series("leads", [*YEAR, 80])) == []


def test_growth_is_named_by_the_direction_not_the_sign() -> None:
    assert named(signals(series("leads", [*YEAR, 130])), "yoy_growth", "yoy_decline") == [
        ("yoy_growth", "opportunity", month(12))
    ]
    assert named(signals(series("cac", [*YEAR, 130])), "yoy_growth", "yoy_decline") == [
        ("yoy_decline", "risk", month(12))
    ]


def test_an_uncovered_year_ago_period_is_not_compared_with() -> None:
    assert signals(series("leads", [*YEAR, 70], flags={0: {"is_covered": False}})) == []


# median 10; absolute deviations 0 1 1 0 2 0 2 0 -> MAD 0.5; band 10 +/- 3 x 0.5
HISTORY = [10.0, 11, 9, 10, 12, 10, 8, 10]


def test_a_value_outside_median_and_k_mads_is_an_anomaly() -> None:
    [signal] = named_rows(signals(series("leads", [*HISTORY, 5])), "anomaly")
    assert (signal["kind"], signal["reference"]) == ("risk", 10)
    assert signal["severity"] == pytest.approx(5 / 1.5)
    assert signal["rule"] == (
        "value 5.00 outside median 10.00 +/- 3.00 x MAD 0.500 of the 8 months before"
    )


def test_a_value_inside_the_band_is_no_anomaly() -> None:
    assert named(signals(series("leads", [*HISTORY, 11.5])), "anomaly") == []


def test_a_high_value_of_a_higher_is_better_kpi_is_an_opportunity() -> None:
    assert named(signals(series("leads", [*HISTORY, 20])), "anomaly") == [
        ("anomaly", "opportunity", month(8))
    ]


def test_fewer_than_eight_judged_periods_before_raise_no_anomaly() -> None:
    immature = {0: {"is_mature": False}}
    assert named(signals(series("leads", [*HISTORY, 5], flags=immature)), "anomaly") == []


def named_rows(found: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [s for s in found if s["signal"] == name]

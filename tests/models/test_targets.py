"""Targets (issue 21): seeds kpi_targets and budget_plan checked on load, and
int_kpi__targets' target, attainment, target_to_date and on_pace on a hand-made world.

The world: September 2026 is complete (30 days), October 2026 is the as_of period with 10 of
its 31 days elapsed; the third quarter of 2026 and the weeks of 31 August and 28 September are
complete. KPIs: leads (count,
higher_is_better), pipeline (money, higher_is_better), win_rate (ratio), cac (money per
customer, lower_is_better), arr (money at the period end), marketing_cost (on_target, budgeted
by channel in budget_plan: channel a 500, 500 and 600 in July to September, channel b 400 in
September)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipeline.seeds import SeedValidationError, load_seeds
from pipeline.settings import PROJECT_ROOT
from tests.models.targets_world import DEFINITIONS, rules, run_model, table

SEP, OCT, Q3, WEEK = "2026-09-01", "2026-10-01", "2026-07-01", "2026-09-28"
KPI_ROW = (
    "kpi varchar, grain varchar, period_start date, segment_type varchar, segment_value varchar"
)


@pytest.fixture(scope="module")
def targets() -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """int_kpi__targets by (kpi, grain, period_start, segment_value)."""
    con = duckdb.connect()
    table(con, "seeds.kpi_definitions", DEFINITIONS, [
        ("leads", "count", "higher_is_better", "count(people with lead_at in period)"),
        ("pipeline", "currency", "higher_is_better", "sum(amount of opportunities created)"),
        ("win_rate", "ratio", "higher_is_better", "won / closed"),
        ("cac", "currency", "lower_is_better", "marketing_cost / new_customers"),
        ("arr", "currency", "higher_is_better", "sum(arr of contracts in force at period end)"),
        ("marketing_cost", "currency", "on_target", "ad_spend + program_cost + other_cost"),
    ])  # fmt: skip
    table(con, "seeds.kpi_targets", f"{KPI_ROW}, target double, currency varchar", [
        ("leads", "month", SEP, "total", "total", 120, None),
        ("leads", "month", OCT, "total", "total", 93, None),
        ("leads", "month", "2026-11-01", "total", "total", 95, None),
        ("pipeline", "month", SEP, "total", "total", 1000, "EUR"),
        ("win_rate", "month", OCT, "total", "total", 0.25, None),
        ("cac", "month", SEP, "total", "total", 100, "USD"),
        ("cac", "month", OCT, "total", "total", 100, "USD"),
        ("arr", "month", OCT, "total", "total", 620, None),
        ("marketing_cost", "month", SEP, "channel", "b", 450, None),
    ])  # fmt: skip
    budget = "month date, channel varchar, budget decimal(18, 2), currency varchar"
    table(con, "seeds.budget_plan", budget, [
        ("2026-07-01", "a", 500, "USD"), ("2026-08-01", "a", 500, "USD"),
        ("2026-09-01", "a", 600, "USD"), ("2026-09-01", "b", 400, ""),
    ])  # fmt: skip
    rules(con)
    periods = (
        "grain varchar, period_start date, period_end date, is_complete boolean, "
        "days_elapsed bigint, days_in_period bigint"
    )
    table(con, "intermediate.int_reporting__periods", periods, [
        ("month", SEP, "2026-09-30", True, 30, 30), ("month", OCT, "2026-10-31", False, 10, 31),
        ("quarter", Q3, "2026-09-30", True, 92, 92),
        ("week", "2026-08-31", "2026-09-06", True, 7, 7), ("week", WEEK, "2026-10-04", True, 7, 7),
    ])  # fmt: skip
    rates = "rate_date date, currency varchar, rate_to_reporting double"
    table(con, "intermediate.int_fx__daily_rates", rates, [
        ("2026-08-31", "EUR", 1.1), ("2026-09-01", "EUR", 1.2), ("2026-09-02", "EUR", 1.3),
    ])  # fmt: skip
    table(con, "intermediate.int_kpi__kpis", f"{KPI_ROW}, value double", [
        ("leads", "month", SEP, "total", "total", 90),
        ("leads", "month", OCT, "total", "total", 40),
        ("leads", "week", "2026-08-31", "total", "total", 8),
        ("leads", "week", WEEK, "total", "total", 20),
        ("win_rate", "week", WEEK, "total", "total", 0.2),
        ("pipeline", "month", SEP, "total", "total", 1500),
        ("win_rate", "month", OCT, "total", "total", 0.2),
        ("cac", "month", SEP, "total", "total", 120),
        ("cac", "month", OCT, "total", "total", 90),
        ("arr", "month", OCT, "total", "total", 500),
        ("marketing_cost", "month", SEP, "total", "total", 1050),
        ("marketing_cost", "month", SEP, "channel", "a", 700),
        ("marketing_cost", "month", SEP, "channel", "b", 450),
        ("marketing_cost", "quarter", Q3, "total", "total", 2100),
        ("marketing_cost", "quarter", Q3, "channel", "a", 1600),
    ])  # fmt: skip
    rows = run_model(con, "int_kpi__targets")
    return {(r["kpi"], r["grain"], str(r["period_start"]), r["segment_value"]): r for r in rows}


def row(targets: dict[Any, dict[str, Any]], kpi: str, period: str, **key: str) -> dict[str, Any]:
    return targets[(kpi, key.get("grain", "month"), period, key.get("segment", "total"))]


def test_a_week_takes_its_days_share_of_the_month_targets(
    targets: dict[Any, dict[str, Any]],
) -> None:
    # 28-30 September at 120 / 30 = 4 a day, 1-4 October at 93 / 31 = 3 a day
    week = row(targets, "leads", WEEK, grain="week")
    assert (week["target"], week["on_pace"]) == (pytest.approx(24.0), False)  # 20 < 24


def test_a_week_with_unplanned_days_or_of_a_ratio_has_no_derived_target(
    targets: dict[Any, dict[str, Any]],
) -> None:
    assert ("leads", "week", "2026-08-31", "total") not in targets  # 31 August has none
    assert ("win_rate", "week", WEEK, "total") not in targets


def test_attainment_is_value_over_target(targets: dict[Any, dict[str, Any]]) -> None:
    leads = row(targets, "leads", SEP)
    assert (leads["target"], leads["attainment"]) == (120, 0.75)  # 90 / 120


def test_an_additive_kpi_accrues_its_target_over_the_elapsed_days(
    targets: dict[Any, dict[str, Any]],
) -> None:
    leads = row(targets, "leads", OCT)
    assert leads["target_to_date"] == pytest.approx(30.0)  # 93 x 10 / 31
    assert leads["on_pace"] is True  # 40 >= 30, though only 43 % of the month's 93


def test_a_ratio_and_a_level_keep_the_whole_target_to_date(
    targets: dict[Any, dict[str, Any]],
) -> None:
    assert row(targets, "win_rate", OCT)["target_to_date"] == 0.25
    assert row(targets, "cac", OCT)["target_to_date"] == 100  # money, but cost per customer
    assert row(targets, "arr", OCT)["target_to_date"] == 620  # measured at the period end


def test_a_complete_period_is_judged_against_the_whole_target(
    targets: dict[Any, dict[str, Any]],
) -> None:
    leads = row(targets, "leads", SEP)
    assert (leads["target_to_date"], leads["on_pace"]) == (120, False)


def test_on_pace_of_a_higher_is_better_kpi(targets: dict[Any, dict[str, Any]]) -> None:
    assert row(targets, "win_rate", OCT)["on_pace"] is False  # 0.2 < 0.25


def test_on_pace_of_a_lower_is_better_kpi(targets: dict[Any, dict[str, Any]]) -> None:
    assert row(targets, "cac", OCT)["on_pace"] is True  # 90 <= 100
    assert row(targets, "cac", SEP)["on_pace"] is False  # 120 > 100


def test_on_pace_of_an_on_target_kpi_is_within_the_band(
    targets: dict[Any, dict[str, Any]],
) -> None:
    total = row(targets, "marketing_cost", SEP)
    assert (total["target"], total["on_pace"]) == (1000, True)  # 600 + 400; 1050 within 10 %
    channel_a = row(targets, "marketing_cost", SEP, segment="a")
    assert (channel_a["target"], channel_a["on_pace"]) == (600, False)  # 700 is 16.7 % over


def test_budgets_sum_to_quarters_and_the_total(targets: dict[Any, dict[str, Any]]) -> None:
    assert row(targets, "marketing_cost", Q3, grain="quarter", segment="a")["target"] == 1600
    assert row(targets, "marketing_cost", Q3, grain="quarter")["target"] == 2000


def test_a_kpi_target_wins_over_the_budget(targets: dict[Any, dict[str, Any]]) -> None:
    assert row(targets, "marketing_cost", SEP, segment="b")["target"] == 450


def test_a_money_target_converts_at_the_rate_of_its_first_day(
    targets: dict[Any, dict[str, Any]],
) -> None:
    assert row(targets, "pipeline", SEP)["target"] == pytest.approx(1200)  # 1000 EUR x 1.2


def test_a_target_without_a_kpi_row_is_left_out(targets: dict[Any, dict[str, Any]]) -> None:
    assert ("leads", "month", "2026-11-01", "total") not in targets


def _seed_entries(*names: str) -> list[dict[str, Any]]:
    document = yaml.safe_load((PROJECT_ROOT / "seeds" / "_seeds.yml").read_text())
    return [entry for entry in document["seeds"] if entry["name"] in names]


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A seeds folder with the bundled rules of kpi_targets and budget_plan, two KPIs and two
    channels; each test writes the CSV under test."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    entries = [
        {"name": "kpi_definitions", "column_types": {"kpi": "VARCHAR", "unit": "VARCHAR"}},
        {"name": "channel_roles", "column_types": {"channel": "VARCHAR", "role": "VARCHAR"}},
        *_seed_entries("kpi_targets", "budget_plan"),
    ]
    (folder / "_seeds.yml").write_text(yaml.safe_dump({"seeds": entries}))
    (folder / "kpi_definitions.csv").write_text("kpi,unit\nnew_leads,count\ncac,currency\n")
    (folder / "channel_roles.csv").write_text("channel,role\nemail,marketing\nevents,marketing\n")
    return folder


HEADER = "kpi,grain,period_start,segment_type,segment_value,target,currency\n"
GOOD = "new_leads,month,2026-09-01,total,total,100,\n"


def test_valid_targets_load(warehouse: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    (seeds_dir / "kpi_targets.csv").write_text(
        HEADER
        + GOOD
        + "cac,quarter,2026-07-01,total,total,900,USD\n"
        + "new_leads,month,2026-09-01,channel,email,40,\n"
        + "new_leads,week,2026-09-07,icp,unknown,9,\n"
    )
    assert "seeds.kpi_targets" in load_seeds(warehouse, seeds_dir)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("new_lead,month,2026-10-01,total,total,100,",
            "kpi 'new_lead' is not a kpi of seeds/kpi_definitions.csv"),
        ("new_leads,year,2026-01-01,total,total,100,",
            "grain 'year' is not one of week, month, quarter"),
        ("new_leads,month,2026-10-01,region,emea,100,", "segment_type 'region' is not one of"),
        ("new_leads,quarter,2026-08-01,total,total,100,",
            "period_start '2026-08-01' is not the first day of a quarter"),
        ("new_leads,week,2026-10-01,total,total,100,",
            "period_start .2026-10-01. is not the first day of a week"),
        ("new_leads,month,2026-10-01,total,all,100,", "segment_value 'all' is not one of total"),
        ("new_leads,month,2026-10-01,channel,tv,100,",
            "segment_value 'tv' is not a channel of seeds/channel_roles.csv"),
        ("new_leads,month,2026-10-01,total,total,,", "target is empty"),
        ("new_leads,month,2026-09-01,total,total,80,", "repeats line 2"),
    ],
)  # fmt: skip
def test_a_bad_target_names_its_file_and_line(
    warehouse: duckdb.DuckDBPyConnection, seeds_dir: Path, line: str, message: str
) -> None:
    (seeds_dir / "kpi_targets.csv").write_text(HEADER + GOOD + line + "\n")
    with pytest.raises(SeedValidationError, match=rf"kpi_targets\.csv line 3: {message}"):
        load_seeds(warehouse, seeds_dir)


def test_a_budget_of_an_unknown_channel_names_its_line(
    warehouse: duckdb.DuckDBPyConnection, seeds_dir: Path
) -> None:
    (seeds_dir / "budget_plan.csv").write_text(
        "month,channel,budget,currency\n2026-09-01,email,100,USD\n2026-09-01,tv,50,USD\n"
    )
    with pytest.raises(SeedValidationError, match=r"budget_plan\.csv line 3: channel 'tv'"):
        load_seeds(warehouse, seeds_dir)


def test_the_bundled_seeds_pass_their_checks(warehouse: duckdb.DuckDBPyConnection) -> None:
    loaded = load_seeds(warehouse, PROJECT_ROOT / "seeds")
    assert {"seeds.kpi_targets", "seeds.budget_plan", "seeds.signal_rules"} <= set(loaded)

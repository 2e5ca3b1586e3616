"""The gate on a real built world: clean passes, dirt fails with its keys in the sample."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from checks.config import GateConfig, load_config
from checks.gate import GateResult, run_gate
from checks.registry import CHECKS, check_id
from pipeline.warehouse import connect
from tests.checks.dirt import make_dirty


def gate(warehouse: Path, config: GateConfig | None = None) -> GateResult:
    with connect(warehouse, read_only=True) as con:
        return run_gate(con, CHECKS, config)


def outcome(result: GateResult, key: str):  # type: ignore[no-untyped-def]
    return next(o for o in result.outcomes if check_id(o.check) == key)


def test_clean_world_passes_every_check(small_world: Path) -> None:
    result = gate(small_world)
    assert result.passed, result.report()
    assert not [o for o in result.outcomes if o.error and o.status == "failed"]
    ran = [o for o in result.outcomes if o.status != "not_applicable"]
    assert len(ran) >= 30
    assert "pandas" not in sys.modules  # Arrow/Polars only


def test_dirty_world_fails_with_failing_keys(warehouse_copy: Path) -> None:
    keys = make_dirty(warehouse_copy)
    result = gate(warehouse_copy)
    assert not result.passed
    blocking = {check_id(o.check): o for o in result.blocking}
    email = blocking["marts.dim_person:one_person_per_email"]
    assert email.failing_rows == 1
    assert email.sample[0]["email"] == keys["email"].lower()
    assert len(email.sample[0]["person_ids"]) == 2
    opportunity = blocking["marts.fct_opportunity:one_row_per_opportunity_id"]
    assert opportunity.sample == [{"opportunity_id": keys["opportunity_id"], "row_count": 2}]
    spend = blocking["marts.fct_ad_spend_daily:values_valid"]
    assert spend.failing_rows == 1
    assert spend.sample[0]["campaign_id"] == keys["campaign_id"]
    assert spend.sample[0]["spend"] == -12.5
    assert any("spend" in rule for rule in spend.details)
    json.dumps([o.sample for o in result.outcomes])  # metadata-safe values


def test_warn_check_reports_above_its_threshold_without_blocking(warehouse_copy: Path) -> None:
    with connect(warehouse_copy) as con:
        con.execute(
            "update marts.dim_person set email = replace(email, '@', ' at ') "
            "where person_id in (select person_id from marts.dim_person order by 1 limit 20)"
        )
    result = gate(warehouse_copy)
    syntax = outcome(result, "marts.dim_person:email_syntax")
    assert syntax.settings.severity == "warn"
    assert syntax.status == "failed" and not syntax.blocks
    assert syntax.failing_rows >= 20 and syntax.failing_rate and syntax.failing_rate > 0.02
    assert " at " in syntax.sample[0]["email"]
    assert result.passed  # warn checks never block

    relaxed = load_config()
    relaxed.checks["marts.dim_person:email_syntax"] = {"severity": "warn", "max_failing_rate": 0.5}
    assert outcome(gate(warehouse_copy, relaxed), "marts.dim_person:email_syntax").passed


def test_a_missing_key_fails_the_one_row_per_key_check(warehouse_copy: Path) -> None:
    with connect(warehouse_copy) as con:
        con.execute(
            "update marts.fct_attribution set attribution_id = null "
            "where attribution_id = (select min(attribution_id) from marts.fct_attribution)"
        )
    check = outcome(gate(warehouse_copy), "marts.fct_attribution:one_row_per_attribution_id")
    assert check.blocks and check.failing_rows == 1
    assert check.sample == [{"attribution_id": None, "row_count": 1}]


def test_a_touch_recorded_twice_fails_with_both_ids(warehouse_copy: Path) -> None:
    with connect(warehouse_copy) as con:
        original = con.execute(
            "select min(touch_id) from marts.fct_touch where campaign_id is null"
        ).fetchone()
        assert original is not None
        con.execute(
            "insert into marts.fct_touch by name "
            "select * replace ('zz:copy' as touch_id) from marts.fct_touch where touch_id = ?",
            [original[0]],
        )
    check = outcome(gate(warehouse_copy), "marts.fct_touch:one_touch_per_event")
    assert check.blocks and check.failing_rows == 1  # a NULL campaign is still one event
    assert check.sample[0]["row_count"] == 2
    assert check.sample[0]["touch_ids"] == [original[0], "zz:copy"]


def test_severity_is_configuration(warehouse_copy: Path, tmp_path: Path) -> None:
    make_dirty(warehouse_copy)
    config_file = tmp_path / "config.yml"
    config_file.write_text(
        "checks:\n"
        "  marts.fct_ad_spend_daily:values_valid: {severity: warn}\n"
        "  marts.fct_opportunity:one_row_per_opportunity_id: {max_failing_rows: 1}\n"
        "  marts.dim_person:one_person_per_email: {enabled: false}\n"
        "  marts.fct_attribution:sums_to_totals_per_model: {severity: warn}\n",
        encoding="utf-8",
    )
    result = gate(warehouse_copy, load_config(config_file))
    assert result.passed, result.report()
    ids = {check_id(o.check) for o in result.outcomes}
    assert "marts.dim_person:one_person_per_email" not in ids
    assert outcome(result, "marts.fct_ad_spend_daily:values_valid").status == "failed"


def test_kpi_mart_checks_run_once_the_marts_exist(warehouse_copy: Path) -> None:
    with connect(warehouse_copy) as con:
        for table in ("mart_funnel_cohorts", "mart_channel_performance"):
            con.execute(f"drop table if exists marts.{table}")
            con.execute(f"drop view if exists marts.{table}")
    before = gate(warehouse_copy)
    cohort_key = "marts.mart_funnel_cohorts:rates_in_unit_interval"
    spend_key = "marts.mart_channel_performance:spend_equals_ad_spend"
    assert outcome(before, cohort_key).status == "not_applicable"
    assert outcome(before, spend_key).status == "not_applicable"
    with connect(warehouse_copy) as con:
        con.execute(
            "create table marts.mart_funnel_cohorts as select * from (values "
            "('2026-01', 0.5, 0.25), ('2026-02', 1.5, 0.1)) as t(cohort, mql_rate, win_rate)"
        )
        con.execute(
            "create table marts.mart_channel_performance as select 'month' as grain, "
            "date_trunc('month', date) as period_start, channel, sum(spend_reporting) + 1 as spend "
            "from marts.fct_ad_spend_daily group by all"
        )
    after = gate(warehouse_copy)
    rates = outcome(after, cohort_key)
    assert rates.status == "failed" and rates.sample[0]["mql_rate"] == 1.5
    spend = outcome(after, spend_key)
    assert spend.status == "failed" and spend.sample[0]["grain"] == "month"


@pytest.mark.parametrize("name", sorted({check_id(c) for c in CHECKS}))
def test_every_check_has_a_unique_id(name: str) -> None:
    assert sum(check_id(c) == name for c in CHECKS) == 1

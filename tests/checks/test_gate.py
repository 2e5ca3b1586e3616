"""The gate on a real built world: clean passes, dirt fails with its keys in the sample."""

from __future__ import annotations

import dataclasses
import json
import sys
from functools import cache
from pathlib import Path

import pytest

from checks.gate import GateResult, Outcome, run_gate
from pipeline.engine import load_project
from pipeline.engine.project import Project
from pipeline.settings import Settings
from pipeline.warehouse import connect
from tests.checks.dirt import make_dirty


@cache
def project() -> Project:
    return load_project(Settings.from_env().models_dir)


def gate(warehouse: Path, with_project: Project | None = None) -> GateResult:
    with connect(warehouse, read_only=True) as con:
        return run_gate(con, with_project or project())


def outcome(result: GateResult, key: str) -> Outcome:
    return next(o for o in result.outcomes if o.check_id == key)


def test_clean_world_passes_every_check(small_world: Path) -> None:
    result = gate(small_world)
    assert result.passed, result.report()
    assert not [o for o in result.outcomes if o.error and not o.passed]
    ran = [o for o in result.outcomes if getattr(o, "status", "") != "not_applicable"]
    assert len(ran) >= 200
    assert "pandas" not in sys.modules  # Arrow/Polars only


def test_dirty_world_fails_with_failing_keys(warehouse_copy: Path) -> None:
    keys = make_dirty(warehouse_copy)
    result = gate(warehouse_copy)
    assert not result.passed
    blocking = {o.check_id: o for o in result.blocking}
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
    assert any("spend" in rule for rule in getattr(spend, "details", {}))
    json.dumps([o.sample for o in result.outcomes])  # metadata-safe values


def test_warn_check_reports_above_its_threshold_without_blocking(warehouse_copy: Path) -> None:
    with connect(warehouse_copy) as con:
        con.execute(
            "update marts.dim_person set email = replace(email, '@', ' at ') "
            "where person_id in (select person_id from marts.dim_person order by 1 limit 20)"
        )
    result = gate(warehouse_copy)
    syntax = outcome(result, "marts.dim_person:email_syntax")
    assert syntax.test.severity == "warn"  # type: ignore[union-attr]
    assert not syntax.passed and not syntax.blocks
    rate = syntax.failing_rate  # type: ignore[union-attr]
    assert syntax.failing_rows >= 20 and rate and rate > 0.02
    assert " at " in syntax.sample[0]["email"]
    assert result.passed  # warn checks never block

    relaxed = load_project(Settings.from_env().models_dir)
    person = relaxed.models["dim_person"]
    person.tests = [
        dataclasses.replace(t, max_failing_rate=0.5) if t.name == "email_syntax" else t
        for t in person.tests
    ]
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


def test_severity_is_configuration(warehouse_copy: Path) -> None:
    """Severity and thresholds are each test's YAML `config:`; a warn test never blocks."""
    make_dirty(warehouse_copy)
    relaxed = load_project(Settings.from_env().models_dir)
    settings = {
        ("fct_ad_spend_daily", "values_valid"): {"severity": "warn"},
        ("fct_opportunity", "one_row_per_opportunity_id"): {"max_failing_rows": 1},
        ("dim_person", "one_person_per_email"): {"severity": "warn"},
    }
    for name, model in relaxed.models.items():
        model.tests = [
            dataclasses.replace(t, **settings.get((name, t.name), {})) for t in model.tests
        ]
    relaxed.singular_tests = [
        dataclasses.replace(t, **settings.get((t.model, t.name), {}))
        for t in relaxed.singular_tests
    ]
    result = gate(warehouse_copy, relaxed)
    assert result.passed, result.report()
    assert not outcome(result, "marts.fct_ad_spend_daily:values_valid").passed


def test_kpi_mart_checks_find_what_the_marts_break(warehouse_copy: Path) -> None:
    with connect(warehouse_copy) as con:
        for table in ("mart_funnel_cohorts", "mart_channel_performance"):
            con.execute(f"drop table if exists marts.{table}")
        con.execute(
            "create table marts.mart_funnel_cohorts as select * from (values "
            "('2026-01', 0.5, 0.25), ('2026-02', 1.5, 0.1)) as t(cohort, mql_rate, win_rate)"
        )
        con.execute(
            "create table marts.mart_channel_performance as select 'month' as grain, "
            "date_trunc('month', date) as period_start, channel, sum(spend_reporting) + 1 as spend "
            "from marts.fct_ad_spend_daily group by all"
        )
    tests = [
        *project().tests_of("mart_funnel_cohorts"),
        *project().tests_of("mart_channel_performance"),
    ]
    with connect(warehouse_copy, read_only=True) as con:
        after = run_gate(con, project(), tests=tests, load_checks=())
    rates = outcome(after, "marts.mart_funnel_cohorts:rates_in_unit_interval")
    assert not rates.passed and rates.sample[0]["mql_rate"] == 1.5
    spend = outcome(after, "marts.mart_channel_performance:spend_equals_ad_spend")
    assert not spend.passed and spend.sample[0]["grain"] == "month"


@pytest.mark.parametrize("model", ["dim_person", "fct_touch", "fct_opportunity"])
def test_every_test_of_a_model_has_a_unique_name(model: str) -> None:
    names = [t.name for t in project().tests_of(model)]
    assert len(names) == len(set(names))

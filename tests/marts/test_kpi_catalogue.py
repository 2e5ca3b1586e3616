"""The KPI catalogue (seeds/kpi_definitions.csv) follows the field's frameworks, read from the
seed itself (no build): budget-like KPIs are on_target, the tiers rank value over diagnostics
over activity, every KPI has an owner and names sources that mart_source_coverage lists."""

from __future__ import annotations

import csv
import re

from pipeline.settings import PROJECT_ROOT

ROWS = {
    row["kpi"]: row
    for row in csv.DictReader(
        (PROJECT_ROOT / "seeds" / "kpi_definitions.csv").open(newline="", encoding="utf-8")
    )
}
COVERAGE_SQL = (PROJECT_ROOT / "models" / "marts" / "mart_source_coverage.sql").read_text()
OBJECTS = {f"{s}.{o}" for s, o in re.findall(r"\('(\w+)', '(\w+)', 'stg_", COVERAGE_SQL)} | {
    "seeds.marketing_costs"
}


def test_budget_like_kpis_are_on_target_and_only_they() -> None:
    on_target = {kpi for kpi, row in ROWS.items() if row["direction"] == "on_target"}
    assert on_target == {"spend", "ad_spend", "program_cost", "other_cost", "marketing_cost"}


def test_cost_kpis_need_every_cost_source() -> None:
    # a source without rows is not required (mart_kpis.is_covered), so listing all is safe
    for kpi in ("marketing_cost", "cpl", "cac", "romi"):
        sources = set(ROWS[kpi]["sources"].split("+"))
        assert {"google_ads.campaign_stats", "salesforce.Campaign", "seeds.marketing_costs"} <= (
            sources
        ), kpi


def test_tiers_rank_value_over_diagnostics_over_activity() -> None:
    tiers = {kpi: row["tier"] for kpi, row in ROWS.items()}
    for kpi in ("pipeline_created", "revenue_won", "cac", "romi", "nrr", "arr", "bookings"):
        assert tiers[kpi] == "primary", kpi
    for kpi in ("mqls", "lead_to_mql_rate", "win_rate", "cpl"):
        assert tiers[kpi] == "secondary", kpi
    for kpi in ("impressions", "clicks", "email_open_rate", "duplicate_record_rate"):
        assert tiers[kpi] == "tertiary", kpi


def test_every_kpi_has_a_stage_an_owner_and_known_sources() -> None:
    stages = {"awareness", "engagement", "conversion", "retention", "expansion", "data_quality"}
    assert len(OBJECTS) == 18
    assert "'marketing_costs' as object" in COVERAGE_SQL
    for kpi, row in ROWS.items():
        assert row["funnel_stage"] in stages, kpi
        assert row["owner"], kpi
        sources = set(row["sources"].split("+"))
        assert sources <= OBJECTS, (kpi, sources - OBJECTS)

"""A small hand-made published marts file: a few KPIs, October 2026 complete, November 2026
incomplete (as_of 2026-11-10), with or without the target columns and mart_kpi_signals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

AS_OF = dt.date(2026, 11, 10)
DEFINITIONS = [
    # kpi, name, unit, direction, tier, funnel_stage, owner, attribution_model
    ("pipeline_created", "Pipeline created", "currency", "higher_is_better", "primary",
     "conversion", "revenue_operations", "first_touch in lookback"),
    ("cac", "Customer acquisition cost", "currency", "lower_is_better", "primary", "conversion",
     "marketing_leadership", "first_touch in lookback"),
    ("marketing_cost", "Marketing cost", "currency", "on_target", "primary", "awareness",
     "marketing_leadership", ""),
    ("win_rate", "Win rate", "ratio", "higher_is_better", "secondary", "conversion",
     "revenue_operations", ""),
    ("new_leads", "New leads", "count", "higher_is_better", "secondary", "engagement",
     "demand_generation", ""),
    ("duplicate_record_rate", "Duplicate record rate", "ratio", "lower_is_better", "tertiary",
     "data_quality", "marketing_operations", ""),
]  # fmt: skip

# October 2026 (kpi: value, previous, change_pct, change_abs, same period last year, yoy %,
# target): the figures the tests expect, worked out by hand.
OCTOBER = {
    "pipeline_created": (125_000.0, 100_000.0, 25.0, 25_000.0, 150_000.0, -16.7, 100_000.0),
    "cac": (4_400.0, 4_000.0, 10.0, 400.0, 4_000.0, 10.0, 4_000.0),
    "marketing_cost": (50_000.0, 48_000.0, 4.2, 2_000.0, 40_000.0, 25.0, 50_000.0),
    "win_rate": (0.25, 0.20, 25.0, 5.0, None, None, None),
    "new_leads": (200.0, 180.0, 11.1, 20.0, 160.0, 25.0, None),
    "duplicate_record_rate": (0.02, 0.03, -33.3, -1.0, None, None, None),
}
SIGNALS = [
    # kpi, signal, kind, rule, value, reference, severity
    ("cac", "off_target", "risk", "attainment 110.0 % beyond the 5 % band", 4_400.0, 4_000.0,
     2.0),
    ("pipeline_created", "ahead_of_target", "opportunity", "attainment 125.0 % beyond the 5 % "
     "band", 125_000.0, 100_000.0, 5.0),
    ("new_leads", "anomaly", "risk", "outside median 100 +/- 3 x MAD 10", 200.0, 100.0, 3.3),
]  # fmt: skip


def _months() -> list[dt.date]:
    """Sep 2025 .. Nov 2026: 13 complete months before November, November incomplete."""
    return [dt.date(2025 + (8 + i) // 12, (8 + i) % 12 + 1, 1) for i in range(15)]


def _row(kpi: str, start: dt.date, complete: bool, targets: bool) -> tuple[object, ...]:
    october = start == dt.date(2026, 10, 1)
    if october:
        value, previous, pct, change, sply, yoy, target = OCTOBER[kpi]
    else:
        base = OCTOBER[kpi][1] or 1.0
        value, previous, pct, change, sply, yoy = base, base, 0.0, 0.0, None, None
        target = OCTOBER[kpi][6]
    days = 30 if start.month in (4, 6, 9, 11) else 31
    elapsed = days if complete else 10
    end = start + dt.timedelta(days=days - 1)
    row: tuple[object, ...] = (
        kpi, "month", start, end, "total", "total", value, previous, pct, change,
        previous, pct, sply, yoy, complete, elapsed, days, True, None,
    )  # fmt: skip
    if targets:
        attainment = None if target is None or value is None else value / target
        to_date = None if target is None else target * elapsed / days
        row += (target, attainment, to_date, None if complete else True)
    return row


def build_marts(path: Path, targets: bool = True, signals: bool = True) -> Path:
    con = duckdb.connect(str(path))
    con.execute(
        "create table kpi_definitions (kpi varchar, name varchar, unit varchar, direction "
        "varchar, tier varchar, funnel_stage varchar, owner varchar, attribution_model varchar)"
    )
    con.executemany("insert into kpi_definitions values (?, ?, ?, ?, ?, ?, ?, ?)", DEFINITIONS)
    extra = ", target double, attainment double, target_to_date double, on_pace boolean"
    con.execute(
        "create table mart_kpis (kpi varchar, grain varchar, period_start date, period_end date, "
        "segment_type varchar, segment_value varchar, value double, previous_value double, "
        "change_pct double, change_abs double, value_to_date_previous double, "
        "change_pct_to_date double, same_period_last_year_value double, yoy_change_pct double, "
        "is_complete boolean, days_elapsed integer, days_in_period integer, is_covered boolean, "
        f"is_mature boolean{extra if targets else ''})"
    )
    rows = [_row(kpi, start, start < dt.date(2026, 11, 1), targets)
            for kpi in OCTOBER for start in _months()]  # fmt: skip
    marks = ", ".join("?" * len(rows[0]))
    con.executemany(f"insert into mart_kpis values ({marks})", rows)
    icp = [
        ("new_leads", "icp", 120.0),
        ("new_leads", "non_icp", 70.0),
        ("new_leads", "unknown", 10.0),
    ]
    con.executemany(
        "insert into mart_kpis (kpi, grain, period_start, segment_type, segment_value, value, "
        "is_complete) values (?, 'month', date '2026-10-01', 'icp', ?, ?, true)",
        icp,
    )
    con.execute("create table _published as select 'run-1' as run_id, date '2026-11-10' as as_of")
    con.execute(
        "create table mart_channel_performance as select * from (values "
        "('paid_search', 'marketing', 'USD', 30000.00, 30000.00, 120, 80000.00, 5000.00, 2.5, 1.5),"
        "('webinar', 'marketing', 'USD', 20000.00, null, 80, 45000.00, 4000.00, null, 0.25)) "
        "t(channel, channel_role, currency, marketing_cost, ad_spend, new_leads, "
        "pipeline_created, cac, roas, romi)"
    )
    con.execute(
        "create or replace table mart_channel_performance as select 'month' as grain, "
        "date '2026-10-01' as period_start, *, 0 as mqls, 0 as opportunities_created, "
        "0 as new_customers, 0.0 as attributed_revenue from mart_channel_performance"
    )
    con.execute(
        "create table mart_funnel_cohorts as select 'month' as grain, date '2026-10-01' as "
        "cohort_start, 'total' as segment_type, 'total' as channel, 200 as leads, 0.4 as "
        "lead_to_mql_rate, 3.5 as lead_to_mql_days, 80 as mqls, 0.5 as mql_to_sql_rate, "
        "2.0 as mql_to_sql_days, 40 as sqls, 0.25 as sql_to_opportunity_rate, "
        "6.0 as sql_to_opportunity_days, 10 as new_business_opportunities, "
        "3 as new_business_won, 0.3 as opportunity_win_rate, "
        "45.0 as opportunity_to_won_days, false as is_mature, "
        "true as is_covered"
    )
    con.execute(
        "create table mart_opportunity_attribution as select 'position_based' as model, "
        "true as is_kpi_model union all select 'linear', false"
    )
    con.execute(
        "create table mart_source_coverage as select * from (values "
        "('salesforce', 'Lead', date '2021-01-01', date '2026-11-10', 500),"
        "('google_ads', 'campaign_stats', date '2025-01-01', date '2026-11-03', 900)) "
        "t(system, object, first_date, last_date, row_count)"
    )
    con.execute(
        "create table mart_data_quality as select * from (values "
        "('salesforce', 'Lead', 'loaded', 300, 3), ('salesforce', 'Lead', 'rejected', 10, 10)) "
        "t(system, object, status, rows_read, rows_quarantined)"
    )
    con.execute(
        "create table mart_ad_spend_links as select 'total' as platform, 30000.00 as spend, "
        "1500.00 as unlinked_spend, 0.05 as unlinked_spend_share"
    )
    if signals:
        con.execute(
            "create table mart_kpi_signals (kpi varchar, grain varchar, period_start date, "
            "segment_type varchar, segment_value varchar, signal varchar, kind varchar, "
            "rule varchar, value double, reference double, severity double)"
        )
        con.executemany(
            "insert into mart_kpi_signals values (?, 'month', date '2026-10-01', 'total', "
            "'total', ?, ?, ?, ?, ?, ?)",
            SIGNALS,
        )
    con.close()
    return path

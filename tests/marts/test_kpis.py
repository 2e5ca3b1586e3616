"""mart_kpis on the hand-made world of tests/marts/kpi_world.py: every KPI asserted for at least
one period and segment, worked out by hand from the world's docstring. as_of = 2024-06-28.
Money in USD; EUR->USD 1.2 and GBP->USD 1.5 (ECB: 1.2 USD, 0.8 GBP per EUR)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import build, rows
from tests.marts.kpi_world import KPI_MODELS, WORLD

KPI_COLUMNS = [
    "kpi", "grain", "period_start", "period_end", "segment_type", "segment_value", "value",
    "numerator", "denominator", "previous_value", "change_abs", "change_pct",
    "value_to_date_previous", "change_pct_to_date", "same_period_last_year_value",
    "yoy_change_pct", "same_period_last_year_value_to_date", "yoy_change_pct_to_date",
    "is_complete", "days_elapsed", "days_in_period", "is_covered", "is_mature",
]  # fmt: skip
# the targets (int_kpi__targets) close the row
KPI_COLUMNS += ["target", "attainment", "target_to_date", "on_pace"]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("kpis"), WORLD, KPI_MODELS)


def kpi(
    con: duckdb.DuckDBPyConnection,
    name: str,
    period: str,
    grain: str = "month",
    segment: tuple[str, str] = ("total", "total"),
) -> dict[str, Any]:
    cursor = con.execute(
        "select * from marts.mart_kpis where kpi = ? and grain = ? "
        "and period_start = cast(? as date) and segment_type = ? and segment_value = ?",
        [name, grain, period, *segment],
    )
    names = [d[0] for d in cursor.description or []]
    found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(found) == 1, f"{name} {grain} {period} {segment}: {found}"
    return found[0]


def value(con: duckdb.DuckDBPyConnection, name: str, period: str, **kw: Any) -> Any:
    return kpi(con, name, period, **kw)["value"]


def test_columns_are_exactly_the_issues(con: duckdb.DuckDBPyConnection) -> None:
    names = [r[0] for r in con.execute("describe marts.mart_kpis").fetchall()]
    assert names == KPI_COLUMNS


def test_as_of_defaults_to_the_latest_data_date(con: duckdb.DuckDBPyConnection) -> None:
    # the last ad-spend day and P6's lead; O5's future close date is a plan, not data
    as_of = rows(con, "select as_of::varchar as d from intermediate.int_reporting__as_of")
    assert as_of == [{"d": "2024-06-28"}]


def test_every_defined_kpi_has_rows_but_bounces_and_sales_generated_sqls_none_here(
    con: duckdb.DuckDBPyConnection,
) -> None:
    defined = {r[0] for r in con.execute("select kpi from marts.kpi_definitions").fetchall()}
    present = {r[0] for r in con.execute("select distinct kpi from marts.mart_kpis").fetchall()}
    assert len(defined) == 66  # 45 + issue 19's 11 money KPIs + issue 20's 10
    # this world sends no email (deliveries only) and every SQL was an MQL first
    assert present == defined - {"email_bounce_rate", "sales_generated_sqls"}


def test_one_row_per_key_and_no_gaps_through_the_as_of_period(
    con: duckdb.DuckDBPyConnection,
) -> None:
    keys = "kpi, grain, period_start, segment_type, segment_value"
    dupes = con.execute(
        f"select {keys}, count(*) from marts.mart_kpis group by all having count(*) > 1"
    ).fetchall()
    assert dupes == []
    # new_leads total by month: 2023-01 (P1) .. 2024-06 (as_of) = 18 months, zero-filled
    months = rows(
        con,
        "select count(*) as n, min(period_start)::varchar as first, "
        "max(period_start)::varchar as last, count(*) filter (where value = 0) as zeros "
        "from marts.mart_kpis where kpi = 'new_leads' and grain = 'month' "
        "and segment_type = 'total'",
    )[0]
    assert months == {"n": 18, "first": "2023-01-01", "last": "2024-06-01", "zeros": 13}


def test_weeks_are_iso_weeks_starting_monday(con: duckdb.DuckDBPyConnection) -> None:
    # P4 became a lead on Monday 2024-05-06; P5 on Monday 2024-06-03
    assert value(con, "new_leads", "2024-05-06", grain="week") == 1
    assert value(con, "new_leads", "2024-06-03", grain="week") == 1
    weekdays = con.execute(
        "select distinct isodow(period_start) from marts.mart_kpis where grain = 'week'"
    ).fetchall()
    assert weekdays == [(1,)]


def test_multi_currency_spend_month(con: duckdb.DuckDBPyConnection) -> None:
    # May 2024: 100 EUR x 1.2 = 120 (paid_search) + 40 GBP x 1.5 = 60 (paid_social) = 180 USD
    assert value(con, "spend", "2024-05-01") == pytest.approx(180)
    assert value(con, "spend", "2024-05-01", segment=("channel", "paid_search")) == 120
    assert value(con, "spend", "2024-05-01", segment=("channel", "paid_social")) == 60


def test_ad_volume_and_rates(con: duckdb.DuckDBPyConnection) -> None:
    # May: impressions 1000 + 2000, clicks 50 + 20; ctr 70/3000; cpc 180/70
    assert value(con, "impressions", "2024-05-01") == 3000
    assert value(con, "clicks", "2024-05-01") == 70
    ctr = kpi(con, "ctr", "2024-05-01")
    assert (ctr["numerator"], ctr["denominator"]) == (70, 3000)
    assert ctr["value"] == pytest.approx(70 / 3000)
    assert value(con, "cpc", "2024-05-01") == pytest.approx(180 / 70)
    # June: 100 impressions, 0 clicks -> ctr 0, cpc 0/0 = NULL
    assert value(con, "ctr", "2024-06-01") == 0
    assert value(con, "cpc", "2024-06-01") is None


def test_zero_spend_channel_gives_null_returns_not_errors(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # paid_social June: spend 0 (Meta's zero row), attributed revenue 0 -> roas, romi NULL
    social = ("channel", "paid_social")
    assert value(con, "spend", "2024-06-01", segment=social) == 0
    assert value(con, "roas", "2024-06-01", segment=social) is None
    assert value(con, "romi", "2024-06-01", segment=social) is None
    # paid_social May: 60 spent, no revenue credited -> roas 0, romi -1
    assert value(con, "roas", "2024-05-01", segment=social) == 0
    assert value(con, "romi", "2024-05-01", segment=social) == -1


def test_channel_without_ad_source_has_null_spend(con: duckdb.DuckDBPyConnection) -> None:
    # email (P3's channel) has no ad platform: spend and cpl are NULL, not 0
    email = ("channel", "email")
    assert value(con, "spend", "2023-05-01", segment=email) is None
    cpl = kpi(con, "cpl", "2023-05-01", segment=email)
    assert (cpl["value"], cpl["numerator"], cpl["denominator"]) == (None, None, 1)
    # and before the first ad data (May 2024) total spend is unknown, so cpl is NULL
    assert value(con, "cpl", "2023-01-01") is None


def test_volume_kpis_count_new_business_opportunities_only(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 2024-05: P4 lead, mql, sql; O5, O6, O8 created; O8 won; A3 first won (new customer)
    assert value(con, "new_leads", "2024-05-01") == 1
    assert value(con, "mqls", "2024-05-01") == 1
    assert value(con, "sqls", "2024-05-01") == 1
    assert value(con, "opportunities_created", "2024-05-01") == 3
    assert value(con, "deals_won", "2024-05-01") == 1
    assert value(con, "new_customers", "2024-05-01") == 1
    # 2023-01 by channel: P1 and A1 (first won O1) are paid_search
    assert value(con, "new_customers", "2023-01-01", segment=("channel", "paid_search")) == 1
    # O3 (expansion, 2023-06) is not an acquisition: no opportunity created that month
    assert value(con, "opportunities_created", "2023-06-01") == 0


def test_cost_kpis(con: duckdb.DuckDBPyConnection) -> None:
    # May total: spend 180 / 1 lead, / 1 mql, / 3 opportunities, / 1 new customer
    assert value(con, "cpl", "2024-05-01") == 180
    assert value(con, "cost_per_mql", "2024-05-01") == 180
    assert value(con, "cost_per_opportunity", "2024-05-01") == 60
    assert value(con, "cac", "2024-05-01") == 180
    # paid_search: 120 / 1 lead; 120 / 1 customer (A3)
    search = ("channel", "paid_search")
    assert value(con, "cpl", "2024-05-01", segment=search) == 120
    assert value(con, "cac", "2024-05-01", segment=search) == 120


def test_revenue_kpis_count_new_business_and_sourced_by_the_opportunity_channel(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # May: created O5 5000 + O6 2000 + O8 3000, all with P4's touch in the window
    assert value(con, "pipeline_created", "2024-05-01") == 10000
    assert value(con, "marketing_influenced_pipeline", "2024-05-01") == 10000
    # 2023-12: O4 (renewal) is not new-business pipeline
    assert value(con, "pipeline_created", "2023-12-01") == 0
    assert value(con, "marketing_influenced_pipeline", "2023-12-01") == 0
    # March 2023: O2 600 (first touch in its window: P2's paid_social visit, a marketing
    # channel) is sourced; O7 200 (expansion) is not new-business revenue -> 600 / 600
    assert value(con, "revenue_won", "2023-03-01") == 600
    sourced = kpi(con, "marketing_sourced_revenue_share", "2023-03-01")
    assert (sourced["numerator"], sourced["denominator"], sourced["value"]) == (600, 600, 1)


def test_attributed_revenue_roas_romi(con: duckdb.DuckDBPyConnection) -> None:
    # O8 3000 won 2024-05-31, one touch in its window (P4's google visit): all paid_search
    assert value(con, "attributed_revenue", "2024-05-01") == 3000
    search = ("channel", "paid_search")
    assert value(con, "attributed_revenue", "2024-05-01", segment=search) == 3000
    assert value(con, "roas", "2024-05-01") == pytest.approx(3000 / 180)
    assert value(con, "romi", "2024-05-01") == pytest.approx((3000 - 180) / 180)
    assert value(con, "roas", "2024-05-01", segment=search) == 25
    assert value(con, "romi", "2024-05-01", segment=search) == 24
    # O1 1200: two paid_search touches, position_based 50/50, both paid_search
    assert value(con, "attributed_revenue", "2023-01-01", segment=search) == 1200


def test_sales_kpis_count_new_business_only(con: duckdb.DuckDBPyConnection) -> None:
    # May: O8 won, O6 lost -> 1 / 2 (count-based); avg deal 3000; cycle 05-31 - 05-10 = 21
    win = kpi(con, "win_rate", "2024-05-01")
    assert (win["numerator"], win["denominator"], win["value"]) == (1, 2, 0.5)
    assert value(con, "avg_deal_size", "2024-05-01") == 3000
    assert value(con, "sales_cycle_days", "2024-05-01") == 21
    # March 2023: O2 8 days (O7, an expansion, is left out); avg deal 600 / 1
    assert value(con, "sales_cycle_days", "2023-03-01") == 8
    assert value(con, "avg_deal_size", "2023-03-01") == 600


def test_pipeline_velocity_of_new_business(con: duckdb.DuckDBPyConnection) -> None:
    # measured 2024-05-31: open = O5 only (O6, O8 closed by then); 365 days from 2023-06-03:
    # new business won O8 3000, lost O6 (expansion O3 and renewal O4 left out) -> win rate
    # 1/2, avg deal 3000, cycle 21; 1 x 0.5 x 3000 / 21
    velocity = kpi(con, "pipeline_velocity", "2024-05-01")
    assert velocity["numerator"] == pytest.approx(1500)
    assert velocity["denominator"] == 21
    assert velocity["value"] == pytest.approx(1500 / 21)


def test_cohort_rates_and_days(con: duckdb.DuckDBPyConnection) -> None:
    # 2023-03 cohort: P2 mql 03-02 09:00 -> sql 03-10 09:00: rate 1/1, 8.0 days
    assert value(con, "lead_to_mql_rate", "2023-03-01") == 1
    assert value(con, "mql_to_sql_days", "2023-03-01") == 8
    # 2023-05 cohort: P3 reached mql but never sql -> 0/1, no days
    assert value(con, "mql_to_sql_rate", "2023-05-01") == 0
    assert value(con, "mql_to_sql_days", "2023-05-01") is None
    # 2023-01: P1 lead->mql 1.0 day, sql 01-04 10:00 -> opportunity 01-05 10:00 = 1.0 day
    assert value(con, "lead_to_mql_days", "2023-01-01") == 1
    assert value(con, "sql_to_opportunity_rate", "2023-01-01") == 1
    assert value(con, "sql_to_opportunity_days", "2023-01-01") == 1
    # 2024-05: P4 sql 05-07 20:00 -> opportunity (O6) 05-08 00:00 = 4 h
    assert value(con, "sql_to_opportunity_days", "2024-05-01") == pytest.approx(4 / 24)
    # new business created 2024-05: O5 open, O6 lost, O8 won (21 days) -> 1/3
    win = kpi(con, "opportunity_win_rate", "2024-05-01")
    assert (win["numerator"], win["denominator"]) == (1, 3)
    assert value(con, "opportunity_to_won_days", "2024-05-01") == 21
    # quarter 2023-Q1: P1 and P2 both reached mql -> 2/2
    assert kpi(con, "lead_to_mql_rate", "2023-01-01", grain="quarter")["denominator"] == 2


def test_cohort_maturity(con: duckdb.DuckDBPyConnection) -> None:
    # as_of 2024-06-28 - 90 days = 2024-03-30: February's cohort (ends 02-29, 120 days) is
    # mature; March's (ends 03-31, 89 days) and June's (P5, P6: 0 of 2 reached mql) are not
    assert kpi(con, "lead_to_mql_rate", "2024-02-01")["is_mature"] is True
    assert kpi(con, "lead_to_mql_rate", "2024-03-01")["is_mature"] is False
    june = kpi(con, "lead_to_mql_rate", "2024-06-01")
    assert (june["value"], june["denominator"], june["is_mature"]) == (0, 2, False)
    # an empty cohort is a row with a NULL rate, never a division error
    assert kpi(con, "lead_to_mql_rate", "2024-02-01")["value"] is None
    # non-cohort KPIs carry NULL
    assert kpi(con, "new_leads", "2024-06-01")["is_mature"] is None


def test_sla_message_level_email_and_icp_from_the_person(con: duckdb.DuckDBPyConnection) -> None:
    # P1 sql 24 h after mql (met), P2 8 days (missed), P4 12 h (met): all true MQLs
    assert value(con, "mql_to_sql_sla_rate", "2023-01-01") == 1
    assert value(con, "mql_to_sql_sla_rate", "2023-03-01") == 0
    # messages (person, email, delivery day): 2024-05-14 to P1, P3, P4 and 2024-05-28 to P3;
    # the 05-14 ones of P1 and P3 opened, P3's clicked -> May 2/4 opened, 1/4 clicked
    opened = kpi(con, "email_open_rate", "2024-05-01")
    assert (opened["numerator"], opened["denominator"]) == (2, 4)
    assert value(con, "email_click_rate", "2024-05-01") == pytest.approx(1 / 4)
    assert value(con, "email_click_to_open_rate", "2024-05-01") == pytest.approx(1 / 2)
    # the people-per-period reading: P1, P3 opened of P1, P3, P4 delivered
    reach = kpi(con, "email_reach_open_rate", "2024-05-01")
    assert (reach["numerator"], reach["denominator"]) == (2, 3)
    # P3's second message (2024-05-28): unopened, alone in its week
    again = kpi(con, "email_open_rate", "2024-05-27", grain="week")
    assert (again["numerator"], again["denominator"]) == (0, 1)
    # quarter 2023-Q1: P1 (A1, icp) and P2 (A2, non_icp) -> 1/2
    assert value(con, "icp_lead_share", "2023-01-01", grain="quarter") == 0.5
    # June 2024: P5 and P6 have neither account nor firmographics: unknown, not non_icp
    assert value(con, "new_leads", "2024-06-01", segment=("icp", "unknown")) == 2
    assert value(con, "new_leads", "2024-06-01", segment=("icp", "non_icp")) == 0


def test_retention_twelve_months_and_per_period_renewal_and_unrenewed_contract(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Jan 2024, per period: start (12-31) A1 1200 + 300, A2 600 + 200 = 2300; O4 renews A1 at
    # 1800 on 01-10 replacing both A1 contracts -> end A1 1800, A2 800
    assert value(con, "arr", "2024-01-01") == 2600
    nrr = kpi(con, "nrr_period", "2024-01-01")
    assert (nrr["numerator"], nrr["denominator"]) == (2600, 2300)
    assert value(con, "grr_period", "2024-01-01") == 1  # (1500 + 800) / 2300
    # twelve months: on 2023-01-31 only A1 had ARR (O1 1200); on 2024-01-31 A1 has 1800
    nrr12 = kpi(con, "nrr", "2024-01-01")
    assert (nrr12["numerator"], nrr12["denominator"]) == (1800, 1200)
    assert value(con, "grr", "2024-01-01") == 1  # least(1800, 1200) / 1200
    # March 2024: A2's contracts end unrenewed (03-20, 03-25): start 2600, end A1 1800
    assert value(con, "arr", "2024-03-01") == 1800
    assert value(con, "nrr_period", "2024-03-01") == pytest.approx(1800 / 2600)
    assert value(con, "grr_period", "2024-03-01") == pytest.approx(1800 / 2600)
    churn = kpi(con, "logo_churn_rate_period", "2024-03-01")
    assert (churn["numerator"], churn["denominator"], churn["value"]) == (1, 2, 0.5)
    # twelve months: 2023-03-31 A1 1200, A2 600 + 200; 2024-03-31 A1 1800, A2 0
    assert value(con, "nrr", "2024-03-01") == pytest.approx(1800 / 2000)
    assert value(con, "grr", "2024-03-01") == pytest.approx(1200 / 2000)
    assert value(con, "logo_churn_rate", "2024-03-01") == 0.5
    # retention is month and quarter only
    assert con.execute(
        "select count(*) from marts.mart_kpis where grain = 'week' and kpi in "
        "('arr', 'nrr', 'grr', 'logo_churn_rate', 'nrr_period', 'reactivation', "
        "'expansion_revenue')"
    ).fetchall() == [(0,)]


def test_expansion_revenue(con: duckdb.DuckDBPyConnection) -> None:
    # O7 200 (March 2023), O3 300 (June 2023) -> 2023-Q1 200, 2023-Q2 300
    assert value(con, "expansion_revenue", "2023-03-01") == 200
    assert value(con, "expansion_revenue", "2023-04-01", grain="quarter") == 300


def test_data_quality_rates_a_synced_pair_is_no_duplicate(con: duckdb.DuckDBPyConnection) -> None:
    # 2023-01: P1 has a Marketo lead and a contact: one record per system, no duplicate
    p1 = kpi(con, "duplicate_record_rate", "2023-01-01")
    assert (p1["numerator"], p1["denominator"], p1["value"]) == (0, 2, 0)
    assert value(con, "cross_system_match_rate", "2023-01-01") == 1
    # 2024-06: P5 (not-an-email) and P6 (re-delivered lead, one record after CDC)
    assert value(con, "duplicate_record_rate", "2024-06-01") == 0
    invalid = kpi(con, "invalid_email_rate", "2024-06-01")
    assert (invalid["numerator"], invalid["denominator"], invalid["value"]) == (1, 2, 0.5)


def test_trend_columns_change_pct_in_percent(con: duckdb.DuckDBPyConnection) -> None:
    # new leads 1 (May) -> 2 (June): +100%; spend 180 -> 0: -100%
    june = kpi(con, "new_leads", "2024-06-01")
    assert (june["previous_value"], june["change_pct"]) == (1, 100)
    spend = kpi(con, "spend", "2024-06-01")
    assert (spend["previous_value"], spend["change_pct"]) == (180, -100)
    # ARR 2600 -> 1800 in March 2024
    arr = kpi(con, "arr", "2024-03-01")
    assert arr["previous_value"] == 2600
    assert arr["change_pct"] == pytest.approx(-800 / 2600 * 100)
    # the first period has no previous; a previous of 0 gives no change_pct
    assert kpi(con, "new_leads", "2023-01-01")["previous_value"] is None
    march = kpi(con, "new_leads", "2023-03-01")
    assert (march["previous_value"], march["change_pct"]) == (0, None)


def test_no_personal_data_in_marts(con: duckdb.DuckDBPyConnection) -> None:
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and (table_name like 'mart_%' or table_name = 'kpi_definitions')"
        ).fetchall()
    }
    assert not columns & {"email", "first_name", "last_name", "phone", "title", "company"}


def test_an_events_segments_are_attributes_of_its_entity(con: duckdb.DuckDBPyConnection) -> None:
    """int_kpi__measures counts distinct entities by counting rows kept once per (measure,
    period, segments, entity): right only while an entity has one channel and ICP segment."""
    repeated = rows(
        con,
        "select measure, entity_id from intermediate.int_kpi__events "
        "group by all having count(*) > 1",
    )
    assert repeated  # P3's two deliveries, at least
    mixed = rows(
        con,
        "select measure, entity_id from intermediate.int_kpi__events "
        "group by all having count(distinct (channel, icp_segment)) > 1",
    )
    assert mixed == []

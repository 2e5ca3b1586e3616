"""What the KPIs mean (issue 20), on the hand-made world of tests/marts/meaning_world.py: true
MQLs and sales-generated SQLs, ICP from the person, duplicates within one system, message-level
email rates and twelve-month retention with a churn and a reactivation. Every expected value is
worked out by hand from the world's docstring; months are January to April 2025."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import build, rows
from tests.marts.meaning_world import MEANING_MODELS, VARS, WORLD


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("meaning"), WORLD, MEANING_MODELS, vars=VARS)


def kpi(
    con: duckdb.DuckDBPyConnection,
    name: str,
    period: str,
    segment: tuple[str, str] = ("total", "total"),
) -> tuple[Any, Any, Any]:
    """(value, numerator, denominator) of a monthly mart_kpis row."""
    found = con.execute(
        "select value, numerator, denominator from marts.mart_kpis where kpi = ? "
        "and grain = 'month' and period_start = cast(? as date) and segment_type = ? "
        "and segment_value = ?",
        [name, period, *segment],
    ).fetchall()
    assert len(found) == 1, f"{name} {period} {segment}: {found}"
    return found[0]


def person(con: duckdb.DuckDBPyConnection, email: str) -> dict[str, Any]:
    [found] = rows(
        con,
        "select mql_at::varchar as mql_at, mql_or_later_at::varchar as mql_or_later_at, "
        "is_sales_generated, icp_fit, icp_source from marts.dim_person "
        f"where email = '{email}'",
    )
    return found


def test_a_status_jump_to_sql_is_a_sales_generated_sql_not_an_mql(
    con: duckdb.DuckDBPyConnection,
) -> None:
    found = person(con, "q1@one.com")
    assert {k: found[k] for k in ("mql_at", "mql_or_later_at", "is_sales_generated")} == {
        "mql_at": None,
        "mql_or_later_at": "2025-01-08 09:00:00",
        "is_sales_generated": True,
    }


def test_mqls_count_true_entries_and_sales_generated_sqls_the_rest(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # MQL entries: Q2, Q3; SQLs: Q1 (status), Q2, Q3, Q5 (conversion) -> Q1, Q5 sales-generated
    assert kpi(con, "mqls", "2025-01-01")[0] == 2
    assert kpi(con, "sqls", "2025-01-01")[0] == 4
    assert kpi(con, "sales_generated_sqls", "2025-01-01")[0] == 2


def test_the_sla_takes_true_mqls_inside_and_outside_it(con: duckdb.DuckDBPyConnection) -> None:
    # Q2 23 h (inside 48 h), Q3 72 h (outside); Q1 and Q5 never were MQLs
    assert kpi(con, "mql_to_sql_sla_rate", "2025-01-01") == (0.5, 1, 2)


def test_mql_to_sql_cohort_is_true_mqls_and_lead_to_mql_keeps_or_later(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert kpi(con, "mql_to_sql_rate", "2025-01-01") == (1, 2, 2)
    # median of 23 h and 72 h in days
    assert kpi(con, "mql_to_sql_days", "2025-01-01")[0] == pytest.approx((23 / 24 + 3) / 2)
    # reached mql or later: Q1, Q2, Q3, Q5 of six leads
    assert kpi(con, "lead_to_mql_rate", "2025-01-01") == (pytest.approx(4 / 6), 4, 6)


@pytest.mark.parametrize(
    ("email", "fit", "source"),
    [
        ("q2@acme.com", "icp", "account"),  # A1 Technology, 500, United States
        ("q5@five.de", "icp", "salesforce_lead"),  # A2 knows nothing: L5 decides
        ("q3@shop.com", "non_icp", "salesforce_lead"),  # L3 Retail before M3's Software
        ("q1@one.com", "icp", "marketo_lead"),  # M1 Software, 200, USA
        ("q4@four.com", "unknown", None),  # no firmographics anywhere
        ("q6@six.com", "unknown", None),
    ],
)
def test_icp_fit_from_the_first_firmographics_known(
    con: duckdb.DuckDBPyConnection, email: str, fit: str, source: str | None
) -> None:
    found = person(con, email)
    assert (found["icp_fit"], found["icp_source"]) == (fit, source)


def test_unknown_icp_is_its_own_segment_never_non_icp(con: duckdb.DuckDBPyConnection) -> None:
    assert kpi(con, "new_leads", "2025-01-01", ("icp", "icp"))[0] == 3
    assert kpi(con, "new_leads", "2025-01-01", ("icp", "non_icp"))[0] == 1
    assert kpi(con, "new_leads", "2025-01-01", ("icp", "unknown"))[0] == 2
    assert kpi(con, "icp_lead_share", "2025-01-01") == (0.5, 3, 6)


def test_duplicates_are_counted_within_one_system_and_object_family(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # family records: Q1 1, Q2 1, Q3 2 (M3 | L3: a synced pair), Q4 2 (M4, M5), Q5 1 (C5;
    # the converted L5 is C5's history), Q6 2 (L6 beside C6) = 9; beyond the first: M5, one
    # of L6/C6 = 2
    assert kpi(con, "duplicate_record_rate", "2025-01-01") == (pytest.approx(2 / 9), 2, 9)


def test_cross_system_match_rate_is_people_in_map_and_crm(con: duckdb.DuckDBPyConnection) -> None:
    # only Q3 has a Marketo lead and a Salesforce record
    assert kpi(con, "cross_system_match_rate", "2025-01-01") == (pytest.approx(1 / 6), 1, 6)


def test_email_rates_are_message_level(con: duckdb.DuckDBPyConnection) -> None:
    # email 1001 on 02-03: sent 4, delivered 3 (Q2's bounced); Q1 opened it twice and clicked
    # (one opened message), Q3 unsubscribed
    assert kpi(con, "email_open_rate", "2025-02-01") == (pytest.approx(1 / 3), 1, 3)
    assert kpi(con, "email_click_rate", "2025-02-01") == (pytest.approx(1 / 3), 1, 3)
    assert kpi(con, "email_click_to_open_rate", "2025-02-01") == (1, 1, 1)
    assert kpi(con, "email_bounce_rate", "2025-02-01") == (0.25, 1, 4)
    assert kpi(con, "email_unsubscribe_rate", "2025-02-01") == (pytest.approx(1 / 3), 1, 3)


def test_retention_compares_with_twelve_months_before(con: duckdb.DuckDBPyConnection) -> None:
    # 2024-03-31: A1 1000 (O1), A3 500 (O3); 2025-03-31: A1 1200 (O2 renewal), A3 0 (lapsed)
    assert kpi(con, "nrr", "2025-03-01") == (pytest.approx(0.8), 1200, 1500)
    assert kpi(con, "grr", "2025-03-01") == (pytest.approx(2 / 3), 1000, 1500)
    assert kpi(con, "logo_churn_rate", "2025-03-01") == (0.5, 1, 2)
    # 2025-04-30: A3 back at 600 -> (1200 + 600) / 1500; retained least(1200, 1000) + 500
    assert kpi(con, "nrr", "2025-04-01") == (pytest.approx(1.2), 1800, 1500)
    assert kpi(con, "grr", "2025-04-01") == (1, 1500, 1500)
    assert kpi(con, "logo_churn_rate", "2025-04-01") == (0, 0, 2)


def test_a_lapsed_contract_churns_in_its_period_then_reactivates(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # February: start (01-31) A1 1200, A3 500; A3's contract ends 02-01 unrenewed
    assert kpi(con, "logo_churn_rate_period", "2025-02-01") == (0.5, 1, 2)
    assert kpi(con, "nrr_period", "2025-02-01") == (pytest.approx(1200 / 1700), 1200, 1700)
    # April: O4 renews A3 on 04-01, two months after the lapse
    assert kpi(con, "reactivation", "2025-04-01")[0] == 1
    assert kpi(con, "reactivation", "2025-02-01")[0] == 0
    assert rows(
        con,
        "select reactivations, nrr, nrr_period from marts.mart_retention where grain = 'month' "
        "and period_start = date '2025-04-01' and segment_type = 'total'",
    ) == [{"reactivations": 1, "nrr": pytest.approx(1.2), "nrr_period": 1}]

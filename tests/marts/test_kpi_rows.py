"""How a mart_kpis row says how to read it: the period's completeness, the change against the
previous period, to date and a year earlier, and whether the loaded data covers it.

A hand-made world, as_of 2024-06-14 (var), so June 2024 is 14 of its 30 days:

    Google Ads (USD at 1.0 per EUR, account in EUR) per day: spend, impressions, clicks
        2023-06-10  100   1000  10      June 2023: the same period last year, to date
        2023-06-20   60   1000  40      June 2023, after its first 14 days
        2024-05-05   50   1000  40      May 2024, inside May's first 14 days
        2024-05-25  150   1000  10      May 2024, after them
        2024-06-10   40    500  10      June 2024 (to as_of)
    Marketo leads (the only person source in use): created 2024-05-20 (a Monday) and
        2024-06-03, so the people sources start 2024-05-20, eleven months after the ads.
    Opportunities (USD, accounts B1..B3; a won deal is a contract of one year from its close):
        Q1 B1 New Business  created 2023-03-01  won 2023-04-20  1200
        Q2 B2 New Business  created 2023-04-01  won 2023-05-20   600  (lapses 2024-05-20)
        Q3 B1 Renewal       created 2024-04-01  won 2024-04-20  1500
        Q4 B3 New Business  created 2024-05-02  won 2024-05-20  3000
        Q5 B3 New Business  created 2024-05-05  open             5000
    The point-in-time KPIs of June (measured on as_of) compare with May measured on 2024-05-14.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import build, csv, sfid

AS_OF = "2024-06-14"

AD_DAYS = [
    ("2023-06-10", 100, 1000, 10),
    ("2023-06-20", 60, 1000, 40),
    ("2024-05-05", 50, 1000, 40),
    ("2024-05-25", 150, 1000, 10),
    ("2024-06-10", 40, 500, 10),
]


def _google_row(day: str, spend: int, impressions: int, clicks: int) -> dict[str, Any]:
    return {
        "segments": {"date": day, "device": "DESKTOP", "adNetworkType": "SEARCH"},
        "customer": {"id": "111-222-3333", "currencyCode": "EUR", "timeZone": "Europe/Berlin"},
        "campaign": {"id": "21000000001", "name": "brand"},
        "metrics": {
            "costMicros": str(spend * 1_000_000),
            "impressions": str(impressions),
            "clicks": str(clicks),
        },
    }


B1, B2, B3 = (sfid("001", n) for n in (1, 2, 3))

# number -> (account, type, created, closed, won, close date, amount)
OPPORTUNITIES = {
    1: (B1, "New Business", "2023-03-01", True, True, "2023-04-20", 1200),
    2: (B2, "New Business", "2023-04-01", True, True, "2023-05-20", 600),
    3: (B1, "Renewal", "2024-04-01", True, True, "2024-04-20", 1500),
    4: (B3, "New Business", "2024-05-02", True, True, "2024-05-20", 3000),
    5: (B3, "New Business", "2024-05-05", False, False, "2024-07-31", 5000),
}

WORLD: dict[str, str] = {
    "salesforce/Account/account.csv": csv(
        "Id,Name,CreatedDate", [f"{a},Account,2023-01-01T00:00:00Z" for a in (B1, B2, B3)]
    ),
    "salesforce/Opportunity/opportunity.csv": csv(
        "Id,AccountId,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,CurrencyIsoCode,"
        "CreatedDate",
        [
            f"{sfid('006', n)},{account},Deal,{kind},X,{closed},{won},{close},{amount},USD,"
            f"{created}T00:00:00Z"
            for n, (account, kind, created, closed, won, close, amount) in OPPORTUNITIES.items()
        ],
    ),
    "google_ads/campaign_stats/campaign_stats_2024-06-10.json": json.dumps(
        [_google_row(*day) for day in AD_DAYS]
    ),
    "fx/ecb_rates/eurofxref.csv": csv("Date,USD", [f"{day},1.0" for day, *_ in AD_DAYS]),
    "marketo/leads/leads.csv": csv(
        "id,email,createdAt,updatedAt",
        [
            "1,p1@acme.com,2024-05-20T09:00:00Z,2024-05-20T09:00:00Z",
            "2,p2@shop.com,2024-06-03T09:00:00Z,2024-06-03T09:00:00Z",
        ],
    ),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("rows"), WORLD, "+mart_kpis", vars={"as_of": AS_OF})


def kpi(
    con: duckdb.DuckDBPyConnection, name: str, period: str, grain: str = "month"
) -> dict[str, Any]:
    cursor = con.execute(
        "select * from marts.mart_kpis where kpi = ? and grain = ? "
        "and period_start = cast(? as date) and segment_type = 'total'",
        [name, grain, period],
    )
    names = [d[0] for d in cursor.description or []]
    found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(found) == 1, f"{name} {grain} {period}: {found}"
    return found[0]


def test_the_as_of_period_says_it_is_incomplete(con: duckdb.DuckDBPyConnection) -> None:
    june = kpi(con, "spend", "2024-06-01")
    assert str(june["period_end"]) == "2024-06-30"
    assert (june["is_complete"], june["days_elapsed"], june["days_in_period"]) == (False, 14, 30)
    may = kpi(con, "spend", "2024-05-01")
    assert (may["is_complete"], may["days_elapsed"], may["days_in_period"]) == (True, 31, 31)
    # Friday as_of: the ISO week of Monday 2024-06-10 has run 5 of its 7 days
    week = kpi(con, "spend", "2024-06-10", grain="week")
    assert (week["is_complete"], week["days_elapsed"], week["days_in_period"]) == (False, 5, 7)


def test_change_against_the_previous_period(con: duckdb.DuckDBPyConnection) -> None:
    # June 40 against May 50 + 150 = 200: -160 in money, -80 %
    june = kpi(con, "spend", "2024-06-01")
    assert (june["value"], june["previous_value"]) == (40, 200)
    assert (june["change_abs"], june["change_pct"]) == (-160, -80)


def test_an_incomplete_period_against_the_same_days_of_the_previous(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # June's 14 days against May 1-14: only the 50 of 2024-05-05 -> 40 vs 50 = -20 %
    june = kpi(con, "spend", "2024-06-01")
    assert (june["value_to_date_previous"], june["change_pct_to_date"]) == (50, -20)
    # counts too: the week of 2024-06-10 (5 days, no lead) against 2024-06-03..07 (one lead)
    week = kpi(con, "new_leads", "2024-06-10", grain="week")
    assert (week["value"], week["value_to_date_previous"], week["change_pct_to_date"]) == (
        0,
        1,
        -100,
    )
    # a complete period compares whole periods: May against all of April (no spend: 0)
    may = kpi(con, "spend", "2024-05-01")
    assert (may["value_to_date_previous"], may["change_pct_to_date"]) == (0, None)


def test_a_ratio_to_date_is_taken_from_to_date_numerator_and_denominator(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # ctr June 10 / 500 = 0.02; May whole 50 / 2000 = 0.025; May 1-14 40 / 1000 = 0.04
    june = kpi(con, "ctr", "2024-06-01")
    assert june["value"] == pytest.approx(0.02)
    assert june["previous_value"] == pytest.approx(0.025)
    assert june["value_to_date_previous"] == pytest.approx(0.04)
    assert june["change_pct_to_date"] == pytest.approx(-50)


def test_change_abs_of_a_ratio_is_in_percentage_points(con: duckdb.DuckDBPyConnection) -> None:
    # ctr 2.5 % -> 2.0 %: -0.5 percentage points, -20 % relative
    june = kpi(con, "ctr", "2024-06-01")
    assert june["change_abs"] == pytest.approx(-0.5)
    assert june["change_pct"] == pytest.approx(-20)


def test_same_period_last_year(con: duckdb.DuckDBPyConnection) -> None:
    # June 2023 whole: 100 + 60 spent, ctr 50 / 2000 = 0.025
    june = kpi(con, "spend", "2024-06-01")
    assert (june["same_period_last_year_value"], june["yoy_change_pct"]) == (160, -75)
    ctr = kpi(con, "ctr", "2024-06-01")
    assert ctr["same_period_last_year_value"] == pytest.approx(0.025)
    assert ctr["yoy_change_pct"] == pytest.approx(-20)
    # Q2 2024 50 + 150 + 40 = 240 against Q2 2023 160
    quarter = kpi(con, "spend", "2024-04-01", grain="quarter")
    assert (quarter["same_period_last_year_value"], quarter["yoy_change_pct"]) == (160, 50)
    # the series starts 2023-06: May 2024 has no year-earlier row
    assert kpi(con, "spend", "2024-05-01")["same_period_last_year_value"] is None


def test_an_incomplete_period_against_the_same_days_a_year_earlier(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # June 1-14 2024 (40) against June 1-14 2023 (100, not the 60 of 2023-06-20): -60 %
    june = kpi(con, "spend", "2024-06-01")
    assert (june["same_period_last_year_value_to_date"], june["yoy_change_pct_to_date"]) == (
        100,
        -60,
    )
    # ratios from to-date numerators and denominators: 10 / 1000 = 0.01 -> 0.02 is +100 %
    ctr = kpi(con, "ctr", "2024-06-01")
    assert ctr["same_period_last_year_value_to_date"] == pytest.approx(0.01)
    assert ctr["yoy_change_pct_to_date"] == pytest.approx(100)
    # Q2 2024 has run 75 days: Q2 2023 through 2023-06-14 holds the 100 only
    quarter = kpi(con, "spend", "2024-04-01", grain="quarter")
    assert quarter["same_period_last_year_value_to_date"] == 100
    assert quarter["yoy_change_pct_to_date"] == 140
    # a point-in-time KPI is measured on 2023-06-14: ARR of B1 1200 + B2 600
    assert kpi(con, "arr", "2024-06-01")["same_period_last_year_value_to_date"] == 1800
    # a complete period compares whole periods (May 2023 is before the series starts)
    may = kpi(con, "spend", "2024-05-01")
    assert may["same_period_last_year_value_to_date"] is None


def test_source_coverage_lists_every_object_with_its_dates(
    con: duckdb.DuckDBPyConnection,
) -> None:
    coverage = {
        (system, obj): (str(first), str(last), count)
        for system, obj, first, last, count in con.execute(
            "select system, object, first_date, last_date, row_count "
            "from marts.mart_source_coverage"
        ).fetchall()
    }
    assert coverage[("google_ads", "campaign_stats")] == ("2023-06-10", "2024-06-10", 5)
    assert coverage[("marketo", "leads")] == ("2024-05-20", "2024-06-03", 2)
    assert coverage[("salesforce", "Lead")] == ("None", "None", 0)
    # the seed marketing_costs (other_cost) is empty by default
    assert coverage[("seeds", "marketing_costs")] == ("None", "None", 0)
    assert len(coverage) == 18


def test_a_kpi_is_not_covered_before_its_latest_source_starts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # cpl needs the ads (from 2023-06-10) and the people (from 2024-05-20): its rows from
    # 2023-06 on are covered only from the first period starting on or after 2024-05-20
    assert kpi(con, "cpl", "2023-07-01")["is_covered"] is False
    assert kpi(con, "cpl", "2024-05-01")["is_covered"] is False
    assert kpi(con, "cpl", "2024-06-01")["is_covered"] is True
    assert kpi(con, "cpl", "2024-05-13", grain="week")["is_covered"] is False
    assert kpi(con, "cpl", "2024-05-20", grain="week")["is_covered"] is True
    # spend needs the ads only: June 2023 started before them, July 2023 after
    assert kpi(con, "spend", "2023-06-01")["is_covered"] is False
    assert kpi(con, "spend", "2023-07-01")["is_covered"] is True


def test_point_in_time_kpis_to_date_are_measured_on_the_same_day_of_the_previous_period(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # ARR on 2024-06-14: B1 1500 + B3 3000; on 2024-05-31 the same; on 2024-05-14 B1 1500 +
    # B2 600 (B3 not yet won, B2 lapses on 2024-05-20)
    arr = kpi(con, "arr", "2024-06-01")
    assert (arr["value"], arr["previous_value"], arr["value_to_date_previous"]) == (
        4500,
        4500,
        2100,
    )
    assert arr["change_pct_to_date"] == pytest.approx((4500 - 2100) / 2100 * 100)
    # twelve-month NRR on 2024-06-14: base B1 1200 + B2 600 on 2023-06-14, now 1500 + 0;
    # on 2024-05-14: base B1 1200 on 2023-05-14 (B2 not won yet), now 1500
    nrr = kpi(con, "nrr", "2024-06-01")
    assert nrr["value"] == pytest.approx(1500 / 1800)
    assert nrr["value_to_date_previous"] == pytest.approx(1500 / 1200)
    assert nrr["change_pct_to_date"] == pytest.approx((1500 / 1800 - 1.25) / 1.25 * 100)
    churn = kpi(con, "logo_churn_rate", "2024-06-01")
    assert (churn["value"], churn["value_to_date_previous"]) == (0.5, 0)
    # a complete period compares whole periods: May against April's end
    may = kpi(con, "arr", "2024-05-01")
    assert may["value_to_date_previous"] == may["previous_value"] == 1500 + 600


def test_pipeline_velocity_to_date_is_measured_on_the_same_day_of_the_previous_period(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 2024-06-14: open Q5; won in the 365 days before: Q4 (3000, 18 days) -> 1 x 1 x 3000 / 18
    # 2024-05-14: open Q4 and Q5; won in the 365 days before: Q2 (600, 49 days) -> 2 x 600 / 49
    velocity = kpi(con, "pipeline_velocity", "2024-06-01")
    assert velocity["value"] == pytest.approx(3000 / 18)
    assert velocity["value_to_date_previous"] == pytest.approx(2 * 600 / 49)


def test_segments_to_date_include_the_opportunity_type(con: duckdb.DuckDBPyConnection) -> None:
    # Q2 2024 has run 75 days: Q2 2023 through 2023-06-14 booked new business Q1 1200 + Q2 600
    found = con.execute(
        "select value, same_period_last_year_value_to_date from marts.mart_kpis "
        "where kpi = 'bookings' and grain = 'quarter' and period_start = date '2024-04-01' "
        "and segment_type = 'opportunity_type' and segment_value = 'new_business'"
    ).fetchall()
    assert found == [(3000, 1800)]

"""KPI series start where the data starts: no period mart has a period ending before the first
data day, and the wide marts say whether the loaded data covers a row.

A hand-made world, as_of 2024-06-14 (var). The first full extract carries CRM and MAP records
from years before the activity logs start:

    Account A1 created 2021-03-01; opportunity O1 (A1, New Business, 1000 USD) created
        2021-04-01, won 2021-05-10: an old deal that would start win rates in 2021
    Marketo lead 1 created 2021-06-15 (old), lead 2 created 2024-05-20 with a google/cpc visit
        that day: the first activity-log day (Marketo activities), a Monday
    Google Ads (EUR at 1.0 USD) 2024-05-22: 10 spent, 100 impressions, 5 clicks
    Salesforce campaigns (type Webinar): CMP1 2021-01-01..2021-01-31, ActualCost 310;
        CMP2 2024-05-01..2024-06-30, ActualCost 610 (10 a day)

So the first data day is 2024-05-20: the first periods are the week of 2024-05-20, May 2024
and Q2 2024 (periods holding that day are kept whole). The sources in use start 2020-12-01
(Campaign) .. 2024-05-22 (Google Ads): the wide marts' rows are covered from 2024-05-22 on.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import ACTIVITY_HEADER, build, csv, marketo_activity, sfid

AS_OF = "2024-06-14"
FIRST_PERIODS = {"week": "2024-05-20", "month": "2024-05-01", "quarter": "2024-04-01"}

A1, O1 = sfid("001", 1), sfid("006", 1)
CMP1, CMP2 = sfid("701", 1), sfid("701", 2)


def _google_row() -> dict[str, Any]:
    return {
        "segments": {"date": "2024-05-22", "device": "DESKTOP", "adNetworkType": "SEARCH"},
        "customer": {"id": "111-222-3333", "currencyCode": "EUR", "timeZone": "Europe/Berlin"},
        "campaign": {"id": "21000000001", "name": "brand"},
        "metrics": {"costMicros": "10000000", "impressions": "100", "clicks": "5"},
    }


WORLD: dict[str, str] = {
    "salesforce/Account/account.csv": csv(
        "Id,Name,Industry,NumberOfEmployees,BillingCountry,CreatedDate",
        [f"{A1},Acme,Technology,500,United States,2021-03-01T00:00:00Z"],
    ),
    "salesforce/Opportunity/opportunity.csv": csv(
        "Id,AccountId,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,CurrencyIsoCode,"
        "CreatedDate",
        [
            f"{O1},{A1},Deal,New Business,Closed Won,true,true,2021-05-10,1000,USD,"
            "2021-04-01T00:00:00Z"
        ],
    ),
    "salesforce/Campaign/campaign.csv": csv(
        "Id,Name,Type,StartDate,EndDate,ActualCost,CreatedDate",
        [
            f"{CMP1},Old webinar,Webinar,2021-01-01,2021-01-31,310,2020-12-01T00:00:00Z",
            f"{CMP2},New webinar,Webinar,2024-05-01,2024-06-30,610,2024-04-01T00:00:00Z",
        ],
    ),
    "marketo/leads/leads.csv": csv(
        "id,email,createdAt,updatedAt",
        [
            "1,p1@old.com,2021-06-15T09:00:00Z,2021-06-15T09:00:00Z",
            "2,p2@new.com,2024-05-20T09:00:00Z,2024-05-20T09:00:00Z",
        ],
    ),
    "marketo/activities/activities.csv": csv(
        ACTIVITY_HEADER,
        [
            marketo_activity(
                "a1",
                2,
                "2024-05-20T09:00:00Z",
                1,
                {
                    "Webpage URL": "https://x.com/",
                    "Query Parameters": "utm_source=google&utm_medium=cpc&utm_campaign=brand",
                },
            )
        ],
    ),
    "google_ads/campaign_stats/campaign_stats_2024-05-22.json": json.dumps([_google_row()]),
    "fx/ecb_rates/eurofxref.csv": csv("Date,USD", ["2024-05-22,1.0"]),
}

PERIOD_MARTS = {
    "mart_kpis": "period_start",
    "mart_channel_performance": "period_start",
    "mart_campaign_performance": "period_start",
    "mart_funnel_cohorts": "cohort_start",
    "mart_retention": "period_start",
    "mart_revenue": "period_start",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    select = " ".join(f"+{mart}" for mart in PERIOD_MARTS)
    return build(tmp_path_factory.mktemp("start"), WORLD, select, vars={"as_of": AS_OF})


def first_periods(con: duckdb.DuckDBPyConnection, mart: str) -> dict[str, str]:
    column = PERIOD_MARTS[mart]
    found = con.execute(
        f"select grain, cast(min({column}) as varchar) from marts.{mart} group by grain"
    ).fetchall()
    return {str(grain): str(first) for grain, first in found}


def test_the_first_data_day_is_the_first_activity_log_day(
    con: duckdb.DuckDBPyConnection,
) -> None:
    found = con.execute(
        "select distinct first_data_date from intermediate.int_reporting__periods"
    ).fetchall()
    assert [str(day) for (day,) in found] == ["2024-05-20"]


@pytest.mark.parametrize("mart", sorted(PERIOD_MARTS))
def test_no_period_mart_has_a_period_ending_before_the_first_data_day(
    con: duckdb.DuckDBPyConnection, mart: str
) -> None:
    found = first_periods(con, mart)
    assert found, f"{mart} is empty"
    for grain, first in found.items():
        assert first >= FIRST_PERIODS[grain], (mart, grain, first)


def test_kpi_series_start_in_the_period_holding_the_first_data_day(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert first_periods(con, "mart_kpis") == FIRST_PERIODS
    # the old lead (2021) and the old won deal leave no 2021 row behind
    assert con.execute(
        "select count(*) from marts.mart_kpis where period_start < date '2024-04-01'"
    ).fetchone() == (0,)
    # the series' first row has no previous period to compare with
    leads = con.execute(
        "select value, previous_value from marts.mart_kpis where kpi = 'new_leads' "
        "and grain = 'month' and period_start = date '2024-05-01' and segment_type = 'total'"
    ).fetchone()
    assert leads == (1, None)


def test_campaign_rows_start_with_the_data(con: duckdb.DuckDBPyConnection) -> None:
    # CMP1 ran in 2021 only; CMP2's May (31 days at 10) is kept whole, June to as_of
    found = con.execute(
        "select campaign_id, cast(period_start as varchar), program_cost "
        "from marts.mart_campaign_performance where grain = 'month' order by period_start"
    ).fetchall()
    assert found == [(CMP2, "2024-05-01", 310), (CMP2, "2024-06-01", 140)]


@pytest.mark.parametrize("mart", ["mart_channel_performance", "mart_campaign_performance"])
def test_wide_rows_are_covered_once_every_source_they_need_has_data(
    con: duckdb.DuckDBPyConnection, mart: str
) -> None:
    found = dict(
        con.execute(
            f"select cast(period_start as varchar), bool_and(is_covered) from marts.{mart} "
            "where grain in ('month', 'week') group by period_start"
        ).fetchall()
    )
    # Google Ads starts 2024-05-22: May and the week of 2024-05-20 started before it
    assert found["2024-05-01"] is False
    assert found["2024-06-01"] is True
    assert found["2024-05-20"] is False
    assert found["2024-05-27"] is True

"""LinkedIn adAnalytics rows name no account (the API takes it in the request): the account comes
from the row, else from `account_<id>` in the file name, else it is `unknown`; the spend still
builds, and mart_data_quality counts the rows without an account per file."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import build, rows

FOLDER = "linkedin_ads/ad_analytics"


def element(group: int, day: int, cost: str, account: str | None = None) -> dict[str, Any]:
    """One element of a real adAnalytics response (pivot CAMPAIGN_GROUP, daily)."""
    row: dict[str, Any] = {
        "dateRange": {
            "start": {"year": 2026, "month": 1, "day": day},
            "end": {"year": 2026, "month": 1, "day": day},
        },
        "pivotValues": [f"urn:li:sponsoredCampaignGroup:{group}"],
        "costInLocalCurrency": cost,
        "costInUsd": cost,
        "impressions": 100,
        "clicks": 3,
    }
    if account:
        row["accountId"] = account
    return row


def response(*elements: dict[str, Any]) -> str:
    return json.dumps({"elements": list(elements), "paging": {"start": 0, "count": 10}})


WORLD = {
    f"{FOLDER}/ad_analytics_account_508000001_2026-01-14.json": response(
        element(601000001, 14, "40.00"), element(601000002, 14, "15.50")
    ),
    f"{FOLDER}/ad_analytics_2026-01-15.json": response(element(601000003, 15, "9.25")),
    f"{FOLDER}/ad_analytics_Account-508000002_2026-01-16.json": response(
        element(601000004, 16, "12.00", account="urn:li:sponsoredAccount:503123456")
    ),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(
        tmp_path_factory.mktemp("linkedin"), WORLD, "+fct_ad_spend_daily mart_data_quality"
    )


def test_the_account_comes_from_the_row_else_the_file_name_else_unknown(
    world: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(
        world,
        "select account_id, campaign_id, spend from marts.fct_ad_spend_daily "
        "where platform = 'linkedin_ads' order by campaign_id",
    ) == [
        {"account_id": "508000001", "campaign_id": "601000001", "spend": Decimal("40.000000")},
        {"account_id": "508000001", "campaign_id": "601000002", "spend": Decimal("15.500000")},
        {"account_id": "unknown", "campaign_id": "601000003", "spend": Decimal("9.250000")},
        {"account_id": "503123456", "campaign_id": "601000004", "spend": Decimal("12.000000")},
    ]


def test_staging_says_where_each_account_came_from(world: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        world,
        "select campaign_id, account_source from staging.stg_linkedin_ads__ad_analytics "
        "order by campaign_id",
    ) == [
        {"campaign_id": "601000001", "account_source": "file_name"},
        {"campaign_id": "601000002", "account_source": "file_name"},
        {"campaign_id": "601000003", "account_source": "unknown"},
        {"campaign_id": "601000004", "account_source": "row"},
    ]


def test_data_quality_counts_the_rows_without_an_account_per_file(
    world: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(
        world,
        "select path, rows_without_account from marts.mart_data_quality order by path",
    ) == [
        {"path": f"{FOLDER}/ad_analytics_2026-01-15.json", "rows_without_account": 1},
        {
            "path": f"{FOLDER}/ad_analytics_Account-508000002_2026-01-16.json",
            "rows_without_account": 0,
        },
        {
            "path": f"{FOLDER}/ad_analytics_account_508000001_2026-01-14.json",
            "rows_without_account": 0,
        },
    ]

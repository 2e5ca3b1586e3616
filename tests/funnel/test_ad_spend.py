"""Ad spend: each platform's report normalised to fct_ad_spend_daily (one row per platform,
account, campaign and day), restatements, and reporting-currency amounts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import build, csv, rows, sfid

SPEND_MODELS = "+fct_ad_spend_daily"
# Friday 2024-01-05 and Monday 2024-01-08 (units per EUR)
ECB = csv("Date,USD,GBP", ["2024-01-05,1.10,0.80", "2024-01-08,1.20,0.75"])


def google_row(device: str, network: str, micros: str, clicks: str, day: str = "2024-01-05") -> Any:
    return {
        "segments": {"date": day, "device": device, "adNetworkType": network},
        "customer": {"id": "123-456-7890", "currencyCode": "EUR", "timeZone": "Europe/Berlin"},
        "campaign": {"id": "21000001111", "name": "gads-brand"},
        "metrics": {"costMicros": micros, "impressions": "100", "clicks": clicks},
    }


def meta_body(spend: str) -> str:
    row = {
        "date_start": "2024-01-06", "date_stop": "2024-01-06", "account_id": "act_1029384757",
        "account_currency": "USD", "campaign_id": "120210000000000001", "campaign_name": "meta",
        "spend": spend, "impressions": "2500", "clicks": "31",
        "actions": [
            {"action_type": "link_click", "value": "31"},
            {"action_type": "lead", "value": "3"},
            {"action_type": "offsite_conversion.fb_pixel_lead", "value": "3"},
        ],
    }  # fmt: skip
    return json.dumps({"data": [row], "paging": {"cursors": {}}})


def linkedin_line(group: int, currency: str | None, local: str, usd: str) -> str:
    row: dict[str, Any] = {
        "dateRange": {"start": {"year": 2024, "month": 1, "day": 7}},
        "pivotValues": [f"urn:li:sponsoredCampaignGroup:{group}"],
        "costInLocalCurrency": local, "costInUsd": usd, "impressions": 40, "clicks": 2,
        "accountId": "503123456", "campaignGroupName": f"li-{group}",
    }  # fmt: skip
    if currency:
        row["currency"] = currency
    return json.dumps(row)


MICROSOFT_HEADER = (
    "TimePeriod,AccountId,CampaignId,CampaignName,CurrencyCode,DeviceType,Network,"
    "Impressions,Clicks,Spend,Conversions"
)

WORLD = {
    "fx/ecb_rates/eurofxref-hist.csv": ECB,
    # first delivery of Friday: preliminary numbers, three device/network rows
    "google_ads/campaign_stats/campaign_stats_2024-01-05.json": json.dumps(
        [
            google_row("MOBILE", "SEARCH", "1000000", "1"),
            google_row("DESKTOP", "SEARCH", "2000000", "2"),
            google_row("TABLET", "SEARCH", "500000", "1"),
        ]
    ),
    # restated Friday delivered on Saturday: tablet row gone, new numbers
    "google_ads/campaign_stats/campaign_stats_2024-01-06.json": json.dumps(
        [
            google_row("MOBILE", "SEARCH", "1250000", "2"),
            google_row("DESKTOP", "SEARCH_PARTNERS", "3500000", "4"),
            google_row("DESKTOP", "SEARCH", "10", "0", day="2024-01-06"),
        ]
    ),
    "meta_ads/insights/insights_2024-01-06.json": meta_body("1234.56"),
    "linkedin_ads/ad_analytics/ad_analytics_2024-01-07.jsonl": "\n".join(
        [
            linkedin_line(601000001, "GBP", "80.00", "110.00"),
            linkedin_line(601000002, None, "", "55.50"),
        ]
    )
    + "\n",
    "microsoft_ads/campaign_performance/campaign_performance_2024-01-08.csv": csv(
        MICROSOFT_HEADER,
        [
            "2024-01-08,150175882,359751136,bing-uk,GBP,Computer,Bing and Yahoo! search,"
            '900,30,"1,234.50",2.00',
            "2024-01-08,150175882,359751136,bing-uk,GBP,Smartphone,Syndicated search partners,"
            "100,5,15.50,0.50",
        ],
    ),
    "salesforce/Campaign/campaign.csv": csv("Id,Name,Type", [f"{sfid('701', 9)},Bing UK,Paid"]),
}


@pytest.fixture(scope="module")
def spend_world(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("ads"), WORLD, SPEND_MODELS)


def spend_rows(con: duckdb.DuckDBPyConnection, platform: str) -> list[dict[str, Any]]:
    return rows(
        con,
        "select account_id, campaign_id, campaign_name, date::varchar as date, currency, spend, "
        "spend_reporting, impressions, clicks, conversions, channel, crm_campaign_id "
        f"from marts.fct_ad_spend_daily where platform = '{platform}' order by date, campaign_id",
    )


def test_google_micros_divided_and_device_network_rows_summed(
    spend_world: duckdb.DuckDBPyConnection,
) -> None:
    saturday = spend_rows(spend_world, "google_ads")[1]
    assert saturday["date"] == "2024-01-06"
    assert saturday["account_id"] == "1234567890"  # dashes removed
    assert saturday["spend"] == Decimal("0.000010")  # 10 micros
    assert saturday["channel"] == "paid_search"


def test_restated_day_replaces_the_earlier_delivery(
    spend_world: duckdb.DuckDBPyConnection,
) -> None:
    friday = spend_rows(spend_world, "google_ads")[0]
    # only Saturday's delivery counts: 1.25 + 3.50 EUR; the tablet row of the first delivery
    # is gone with it. 4.75 EUR x 1.10 = 5.225 USD
    assert (friday["date"], friday["spend"], friday["clicks"]) == (
        "2024-01-05",
        Decimal("4.750000"),
        6,
    )
    assert friday["impressions"] == 200
    assert friday["spend_reporting"] == Decimal("5.225000")


def test_meta_strings_parsed_and_lead_actions_not_double_counted(
    spend_world: duckdb.DuckDBPyConnection,
) -> None:
    [meta] = spend_rows(spend_world, "meta_ads")
    assert meta["account_id"] == "1029384757"
    assert (meta["spend"], meta["impressions"], meta["clicks"]) == (Decimal("1234.56"), 2500, 31)
    assert meta["conversions"] == 3.0  # `lead` only, not + the pixel lead action
    assert meta["spend_reporting"] == Decimal("1234.56")  # USD already
    assert meta["channel"] == "paid_social"


def test_linkedin_campaign_group_urn_date_and_currency(
    spend_world: duckdb.DuckDBPyConnection,
) -> None:
    local, usd_only = spend_rows(spend_world, "linkedin_ads")
    assert (local["campaign_id"], local["date"], local["currency"], local["spend"]) == (
        "601000001",
        "2024-01-07",
        "GBP",
        Decimal("80.000000"),
    )
    # Sunday: Friday's rates carried forward; 80 GBP x 1.10 / 0.80 = 110 USD
    assert local["spend_reporting"] == Decimal("110.000000")
    # no currency on the row: the USD cost is used
    assert (usd_only["campaign_id"], usd_only["currency"], usd_only["spend"]) == (
        "601000002",
        "USD",
        Decimal("55.500000"),
    )


def test_microsoft_thousands_separators_and_rows_summed(
    spend_world: duckdb.DuckDBPyConnection,
) -> None:
    [bing] = spend_rows(spend_world, "microsoft_ads")
    assert (bing["spend"], bing["impressions"], bing["clicks"], bing["conversions"]) == (
        Decimal("1250.000000"),
        1000,
        35,
        2.5,
    )
    # Monday: 1250 GBP x 1.20 / 0.75 = 2000 USD
    assert bing["spend_reporting"] == Decimal("2000.000000")


def test_currencies_are_never_summed_raw(spend_world: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        spend_world,
        "select currency, sum(spend) as spend from marts.fct_ad_spend_daily group by currency "
        "order by currency",
    )
    assert [r["currency"] for r in found] == ["EUR", "GBP", "USD"]
    [total] = rows(spend_world, "select sum(spend_reporting) as usd from marts.fct_ad_spend_daily")
    # 5.225 + 0.000011 (10 micros EUR x 1.10) + 1234.56 + 110 + 55.50 + 2000
    assert total["usd"] == Decimal("3405.285011")


def test_a_salesforce_campaign_id_in_the_name_maps_the_campaign(tmp_path: Path) -> None:
    campaign = sfid("701", 9)
    con = build(
        tmp_path,
        {
            "salesforce/Campaign/campaign.csv": csv("Id,Name,Type", [f"{campaign},X,Paid"]),
            "microsoft_ads/campaign_performance/c.csv": csv(
                MICROSOFT_HEADER,
                [
                    f"2024-01-08,1,10,bing uk {campaign},USD,Computer,Bing,1,1,1.00,0",
                    f"2024-01-08,1,11,bing uk {campaign[:15]},USD,Computer,Bing,1,1,1.00,0",
                    "2024-01-08,1,12,Bing UK,USD,Computer,Bing,1,1,1.00,0",  # name only
                ],
            ),
        },
        SPEND_MODELS,
    )
    found = rows(
        con,
        "select campaign_id, crm_campaign_id, crm_campaign_rule from marts.fct_ad_spend_daily "
        "order by campaign_id",
    )
    by_id = "campaign_id_in_name"
    assert [(r["campaign_id"], r["crm_campaign_id"], r["crm_campaign_rule"]) for r in found] == [
        ("10", campaign, by_id),
        ("11", campaign, by_id),
        ("12", None, None),
    ]

"""Every file shape the landing zone accepts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

GOOGLE_ROW = {
    "segments": {"date": "2026-03-01", "device": "MOBILE"},
    "customer": {"id": "123", "currencyCode": "EUR"},
    "campaign": {"id": "55", "name": "Brand"},
    "metrics": {"costMicros": "2500000", "impressions": "100", "clicks": "7"},
}


def _google(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    return rows(
        con,
        "select segments_date::varchar as day, customer_currency_code as currency, "
        "metrics_cost_micros as micros, metrics_clicks as clicks "
        "from raw.google_ads__campaign_stats",
    )


EXPECTED_GOOGLE = [{"day": "2026-03-01", "currency": "EUR", "micros": 2_500_000, "clicks": 7}]


def test_json_array_of_nested_rows(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("google_ads/campaign_stats/a.json", json.dumps([GOOGLE_ROW]))
    run_ingest(warehouse, landing)
    assert _google(warehouse) == EXPECTED_GOOGLE


def test_json_response_object_wrapping_results(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("google_ads/campaign_stats/a.json", json.dumps({"results": [GOOGLE_ROW]}))
    run_ingest(warehouse, landing)
    assert _google(warehouse) == EXPECTED_GOOGLE


def test_json_lines_with_flat_dotted_names(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    flat = {
        "segments.date": "2026-03-01",
        "customer.id": "123",
        "customer.currency_code": "EUR",
        "campaign.id": "55",
        "metrics.cost_micros": "2500000",
        "metrics.clicks": "7",
    }
    deliver("google_ads/campaign_stats/a.jsonl", json.dumps(flat) + "\n")
    run_ingest(warehouse, landing)
    assert _google(warehouse) == EXPECTED_GOOGLE


def test_meta_data_wrapper_and_actions_array(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "meta_ads/insights/m.json",
        json.dumps(
            {
                "data": [
                    {
                        "date_start": "2026-03-01",
                        "account_id": "act_1",
                        "campaign_id": "9",
                        "spend": "12.34",
                        "actions": [{"action_type": "lead", "value": "3"}],
                    }
                ],
                "paging": {"cursors": {}},
            }
        ),
    )
    run_ingest(warehouse, landing)
    found = rows(
        warehouse,
        "select spend::varchar as spend, actions -> 0 ->> 'value' as leads "
        "from raw.meta_ads__insights",
    )
    assert found == [{"spend": "12.340000", "leads": "3"}]


def test_linkedin_date_range_and_pivot_values(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    row = {
        "dateRange": {"start": {"year": 2026, "month": 3, "day": 1}},
        "pivotValues": ["urn:li:sponsoredCampaignGroup:77"],
        "costInLocalCurrency": "10.5",
        "impressions": 40,
    }
    deliver("linkedin_ads/ad_analytics/l.json", json.dumps({"elements": [row]}))
    run_ingest(warehouse, landing)
    found = rows(
        warehouse,
        "select date_range_start_day as day, pivot_values ->> 0 as urn, impressions "
        "from raw.linkedin_ads__ad_analytics",
    )
    assert found == [{"day": 1, "urn": "urn:li:sponsoredCampaignGroup:77", "impressions": 40}]


def test_microsoft_report_preamble_and_copyright_footer(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "microsoft_ads/campaign_performance/report.csv",
        '"Report Name: Campaign Performance"\n"Report Time: 3/2/2026"\n"Time Zone: (GMT-05:00)"\n'
        "\n"
        '"TimePeriod","AccountId","CampaignId","CurrencyCode","Spend"\n'
        '"2026-03-01","1","11","USD","5.00"\n'
        '"2026-03-01","1","12","USD","7.00"\n'
        '"©2026 Microsoft Corporation. All rights reserved. "\n',
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert one(warehouse, "select lines_skipped from meta.load_log") == 5
    assert one(
        warehouse, "select list(_line order by _line) from raw.microsoft_ads__campaign_performance"
    ) == [6, 7]


def test_copyright_footer_after_a_blank_line(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "microsoft_ads/campaign_performance/report.csv",
        '"TimePeriod","AccountId","CampaignId","Spend"\n"2026-03-01","1","11","5.00"\n'
        '\n"©2026 Microsoft Corporation. All rights reserved. "\n',
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 1, 0)


def test_tab_separated_and_gzipped_csv(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/a.tsv", "Id\tEmail\n00Q000000000001AAA\ta@x.com\n")
    deliver(
        "salesforce/Lead/b.csv.gz",
        gzip.compress(b"Id,Email\n00Q000000000002AAA,b@x.com\n"),
    )
    run_ingest(warehouse, landing)
    assert one(warehouse, "select list(email order by email) from raw.salesforce__lead") == [
        "a@x.com",
        "b@x.com",
    ]


def test_parquet(warehouse: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path) -> None:
    target = landing / "salesforce" / "Account"
    target.mkdir(parents=True)
    warehouse.execute(
        "copy (select '001000000000001AAA' as Id, 250 as NumberOfEmployees) "
        f"to '{target / 'a.parquet'}' (format parquet)"
    )
    run_ingest(warehouse, landing)
    assert one(warehouse, "select number_of_employees from raw.salesforce__account") == 250

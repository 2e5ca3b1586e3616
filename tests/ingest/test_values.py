"""How real exports spell values, and what mops stores for each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

OPPORTUNITY_HEADER = "Id,IsDeleted,Amount,Probability,CloseDate,IsWon,CreatedDate\n"


def test_utf8_bom_and_crlf_line_ends_load(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        "\ufeff"
        + OPPORTUNITY_HEADER.replace("\n", "\r\n")
        + "006000000000001AAA,,10,20,2026-01-05,1,\r\n",
    )
    run_ingest(warehouse, landing)
    assert one(warehouse, "select id from raw.salesforce__opportunity") == "006000000000001AAA"


def test_header_spellings_map_to_one_column(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/a.csv", "Id,IsConverted\n00Q000000000001AAA,true\n")
    deliver("salesforce/Lead/b.csv", "id,is_converted\n00Q000000000002AAA,true\n")
    deliver("salesforce/Lead/c.csv", "id,isConverted\n00Q000000000003AAA,true\n")
    run_ingest(warehouse, landing)
    assert one(warehouse, "select count(*) from raw.salesforce__lead where is_converted") == 3


def test_boolean_spellings(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,IsConverted\n"
        "00Q000000000001AAA,true\n00Q000000000002AAA,FALSE\n00Q000000000003AAA,1\n"
        "00Q000000000004AAA,\n00Q000000000005AAA,0\n00Q000000000006AAA,TRUE\n",
    )
    run_ingest(warehouse, landing)
    found = rows(warehouse, "select is_converted from raw.salesforce__lead order by id")
    assert [r["is_converted"] for r in found] == [True, False, True, False, False, True]


def test_timestamp_spellings_are_stored_as_utc(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,CreatedDate\n"
        "00Q000000000001AAA,2026-02-23T20:55:00.000+0000\n"
        "00Q000000000002AAA,2026-02-23T20:55:00Z\n"
        "00Q000000000003AAA,2026-02-23T21:55:00+01:00\n"
        "00Q000000000004AAA,2026-02-23 20:55:00\n"
        "00Q000000000005AAA,2026-02-23 20:55:00 UTC\n"
        "00Q000000000006AAA,02/23/26 03:55 PM\n"
        "00Q000000000007AAA,2026-02-23T20:55:00Z+0000\n",
    )
    run_ingest(warehouse, landing, report_timezone="America/New_York")
    found = rows(warehouse, "select created_date from raw.salesforce__lead")
    assert {r["created_date"] for r in found} == {dt.datetime(2026, 2, 23, 20, 55)}


def test_date_only_fields_are_never_shifted(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        "Id,CloseDate\n"
        "006000000000001AAA,2026-03-31\n"
        "006000000000002AAA,2026-03-31 00:00:00\n"
        "006000000000003AAA,03/31/2026\n"
        "006000000000004AAA,03/31/26\n",
    )
    run_ingest(warehouse, landing, report_timezone="Pacific/Auckland")
    found = rows(warehouse, "select close_date from raw.salesforce__opportunity")
    assert {r["close_date"] for r in found} == {dt.date(2026, 3, 31)}


def test_money_with_thousands_separators_and_micros(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "microsoft_ads/campaign_performance/r.csv",
        "TimePeriod,AccountId,CampaignId,CurrencyCode,Spend,Impressions\n"
        '2026-03-01,1,11,USD,"1,234.56","12,000"\n',
    )
    deliver(
        "google_ads/campaign_stats/g.json",
        '[{"segments": {"date": "2026-03-01"}, "customer": {"id": "9"}, '
        '"campaign": {"id": "5"}, "metrics": {"costMicros": "1234560000"}}]',
    )
    run_ingest(warehouse, landing)
    spend = rows(
        warehouse, "select spend, impressions from raw.microsoft_ads__campaign_performance"
    )
    assert spend == [{"spend": Decimal("1234.56"), "impressions": 12000}]
    assert one(warehouse, "select metrics_cost_micros from raw.google_ads__campaign_stats") == (
        1_234_560_000
    )


def test_literal_null_is_missing(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "marketo/activities/a.csv",
        "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValue\n"
        "g1,7,2026-03-01T10:00:00Z,1,null,null\n",
    )
    results = run_ingest(warehouse, landing)
    assert results[0].rows_quarantined == 0
    found = rows(
        warehouse, "select campaign_id, primary_attribute_value from raw.marketo__activities"
    )
    assert found == [{"campaign_id": None, "primary_attribute_value": None}]


def test_salesforce_15_character_ids_become_18(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        "Id,AccountId\n006Ec00000AieKF,001Ec00000GGw3i\n",
    )
    run_ingest(warehouse, landing)
    found = rows(warehouse, "select id, account_id from raw.salesforce__opportunity")
    # The 18-character forms are the ones Salesforce itself exported for these records.
    assert found == [{"id": "006Ec00000AieKFIAZ", "account_id": "001Ec00000GGw3iIAD"}]


def test_unknown_columns_are_kept_as_json(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.csv", "Id,Favourite_Colour__c\n00Q000000000001AAA,teal\n")
    run_ingest(warehouse, landing)
    assert one(warehouse, "select _extra ->> 'Favourite_Colour__c' from raw.salesforce__lead") == (
        "teal"
    )
    assert one(warehouse, "select extra_columns from meta.load_log") == ["Favourite_Colour__c"]


def test_marketo_attributes_json_inside_a_csv_cell(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "marketo/activities/a.csv",
        "marketoGUID,leadId,activityDate,activityTypeId,attributes\n"
        'g1,7,2026-03-01T10:00:00Z,13,"{""Attribute Name"": ""Lead Status"", '
        '""New Value"": ""MQL""}"\n',
    )
    run_ingest(warehouse, landing)
    assert one(warehouse, "select attributes ->> 'New Value' from raw.marketo__activities") == "MQL"


def test_ecb_rates_are_stored_long_and_missing_rates_dropped(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "fx/ecb_rates/eurofxref-hist.csv",
        "Date,USD,JPY,GBP,\n2026-03-02,1.0812,162.5,N/A,\n2026-02-27,1.0799,161.9,0.8551,\n",
    )
    results = run_ingest(warehouse, landing)
    assert (results[0].rows_read, results[0].rows_loaded) == (2, 2)
    found = rows(
        warehouse,
        "select date, currency, rate_per_eur from raw.fx__ecb_rates "
        "where currency in ('USD', 'GBP') order by date, currency",
    )
    assert found == [
        {"date": dt.date(2026, 2, 27), "currency": "GBP", "rate_per_eur": Decimal("0.8551")},
        {"date": dt.date(2026, 2, 27), "currency": "USD", "rate_per_eur": Decimal("1.0799")},
        {"date": dt.date(2026, 3, 2), "currency": "USD", "rate_per_eur": Decimal("1.0812")},
    ]

"""The genuine export files in tests/fixtures/real_exports load completely and read right."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import REAL_EXPORTS
from tests.ingest.helpers import one, rows, run_ingest


@pytest.mark.parametrize(
    "export_set", ["salesforce_bulk_export", "salesforce_connector_shape", "microsoft_ads_report"]
)
def test_every_row_of_every_file_loads(
    warehouse: duckdb.DuckDBPyConnection, export_set: str
) -> None:
    results = run_ingest(warehouse, REAL_EXPORTS / export_set)
    assert results and all(r.status == "loaded" for r in results)
    assert all(r.rows_quarantined == 0 and r.rows_read == r.rows_loaded for r in results)


def test_bulk_export_values(warehouse: duckdb.DuckDBPyConnection) -> None:
    run_ingest(warehouse, REAL_EXPORTS / "salesforce_bulk_export")
    [opportunity] = rows(
        warehouse,
        "select amount, probability, close_date, is_won, is_deleted "
        "from raw.salesforce__opportunity where id = '006Ec00000AieKFIAZ'",
    )
    assert opportunity == {
        "amount": Decimal("1124741.15"),
        "probability": Decimal("10"),
        "close_date": dt.date(2024, 11, 10),
        "is_won": False,
        "is_deleted": False,
    }
    # Two campaigns share one name: they stay two records.
    assert (
        one(
            warehouse,
            "select max(n) from (select count(*) as n from raw.salesforce__campaign group by name)",
        )
        == 2
    )
    members = rows(
        warehouse,
        "select count(lead_id) as leads, count(contact_id) as contacts "
        "from raw.salesforce__campaign_member",
    )
    assert members[0]["leads"] > 0 and members[0]["contacts"] > 0


def test_connector_shape_snake_case_columns(warehouse: duckdb.DuckDBPyConnection) -> None:
    run_ingest(warehouse, REAL_EXPORTS / "salesforce_connector_shape")
    assert (
        one(warehouse, "select count(*) from raw.salesforce__opportunity where close_date is null")
        == 0
    )
    assert one(warehouse, "select count(*) from raw.salesforce__account") == 10


def test_microsoft_report_keeps_every_device_and_network_row(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    source = next((REAL_EXPORTS / "microsoft_ads_report").rglob("*.csv"))
    with source.open(encoding="utf-8-sig") as handle:
        expected = [Decimal(r["spend"]) for r in csv.DictReader(handle)]
    run_ingest(warehouse, REAL_EXPORTS / "microsoft_ads_report")
    assert one(warehouse, "select count(*) from raw.microsoft_ads__campaign_performance") == len(
        expected
    )
    assert one(warehouse, "select sum(spend) from raw.microsoft_ads__campaign_performance") == sum(
        expected
    )

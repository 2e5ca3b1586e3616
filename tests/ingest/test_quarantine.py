"""Rows that cannot be typed go to meta.quarantine with file, line, column and reason."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest


def test_bad_value_is_quarantined_and_the_rest_loads(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        "Id,Amount,CloseDate\n"
        "006000000000001AAA,100,2026-01-01\n"
        "006000000000002AAA,lots,2026-01-02\n"
        "006000000000003AAA,300,2026-01-03\n",
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    [bad] = rows(
        warehouse, "select path, line, column_name, reason, value, raw from meta.quarantine"
    )
    assert bad["path"] == "salesforce/Opportunity/o.csv"
    assert bad["line"] == 3
    assert bad["column_name"] == "amount"
    assert bad["reason"] == "amount: cannot read as decimal"
    assert bad["value"] == "lots"
    assert '"Amount":"lots"' in bad["raw"]


def test_every_failing_column_is_named(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/o.csv", "Id,Amount,CloseDate\n,lots,someday\n")
    run_ingest(warehouse, landing)
    assert one(warehouse, "select reason from meta.quarantine") == (
        "id: required value is missing; amount: cannot read as decimal; "
        "close_date: cannot read as date"
    )


def test_row_with_too_many_fields_is_quarantined_with_its_line(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,Email\n00Q000000000001AAA,a@x.com\n00Q000000000002AAA,b@x.com,extra\n"
        "00Q000000000003AAA,c@x.com\n",
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    [bad] = rows(warehouse, "select line, reason, raw from meta.quarantine")
    assert bad["line"] == 3 and "TOO MANY COLUMNS" in bad["reason"]
    assert bad["raw"] == "00Q000000000002AAA,b@x.com,extra"
    assert one(warehouse, "select list(_line order by _line) from raw.salesforce__lead") == [2, 4]


def test_line_numbers_hold_across_a_large_file(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    body = "".join(f"g{i},{i},2026-03-01T10:00:00Z,1\n" for i in range(200_000))
    body = body.replace("g150000,150000,", "g150000,not-a-number,")
    deliver("marketo/activities/a.csv", "marketoGUID,leadId,activityDate,activityTypeId\n" + body)
    [result] = run_ingest(warehouse, landing)
    assert result.rows_quarantined == 1
    assert one(warehouse, "select line from meta.quarantine") == 150_002
    assert (
        one(warehouse, "select _line from raw.marketo__activities where marketo_guid = 'g199999'")
        == 200_001
    )


def test_rows_in_equal_rows_loaded_plus_quarantined_for_every_file(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/a.csv", "Id,Amount\n006000000000001AAA,1\n006000000000002AAA,x\n"
    )
    deliver("salesforce/Lead/b.csv", "Id,Email\n00Q000000000001AAA,a\n00Q000000000002AAA,b,c\n")
    run_ingest(warehouse, landing)
    mismatched = one(
        warehouse,
        "select count(*) from meta.load_log where rows_read <> rows_loaded + rows_quarantined",
    )
    assert mismatched == 0
    quarantined = one(warehouse, "select count(*) from meta.quarantine")
    assert quarantined == one(warehouse, "select sum(rows_quarantined) from meta.load_log")

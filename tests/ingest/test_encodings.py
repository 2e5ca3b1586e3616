"""Files in the encodings exports come in are read right, and the encoding is logged."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

LEADS = "Id,Email,FirstName\n00Q1,a@x.com,Renée\n00Q2,b@x.com,€uro “quoted”\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (LEADS.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + LEADS.encode("utf-8"), "utf-8-sig"),
        (LEADS.encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + LEADS.encode("utf-16-be"), "utf-16-be"),
        (LEADS.encode("cp1252"), "windows-1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 LE", "utf-16 BE", "windows-1252"],
)
def test_encoding_is_detected_converted_and_logged(
    warehouse: duckdb.DuckDBPyConnection,
    landing: Path,
    deliver: LandingWriter,
    content: bytes,
    encoding: str,
) -> None:
    deliver("salesforce/Lead/l.csv", content)
    [result] = run_ingest(warehouse, landing)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 2, 2)
    assert one(warehouse, "select encoding from meta.load_log") == encoding
    assert one(warehouse, "select list(first_name order by id) from raw.salesforce__lead") == [
        "Renée",
        "€uro “quoted”",
    ]
    assert one(warehouse, "select list(_line order by id) from raw.salesforce__lead") == [2, 3]


def test_an_undecodable_row_is_quarantined_alone_with_a_printable_reason(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,Email,FirstName\n00Q1,a@x.com,Renée\n".encode()
        + b"00Q2,b@x.com,Bad\xff\x00name\n"
        + "00Q3,c@x.com,Zoë\n".encode(),
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert one(warehouse, "select encoding from meta.load_log") == "utf-8"
    [bad] = rows(warehouse, "select line, reason, raw from meta.quarantine")
    assert bad == {
        "line": 3,
        "reason": "INVALID ENCODING: byte 0xff at byte 17 is not valid text",
        "raw": "00Q2,b@x.com,Bad\\xff\\x00name",
    }


def test_a_utf16_header_error_names_the_columns_readably(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.csv", "Email,FirstName\na@x.com,Renée\n".encode("utf-16"))
    [result] = run_ingest(warehouse, landing)
    assert result.status == "rejected"
    assert result.error == (
        "missing required column(s) id in the header (looked at the first 60 lines; "
        "header seen: Email, FirstName); export it with these columns, or map a header to one "
        "in pipeline/ingest/objects.py"
    )

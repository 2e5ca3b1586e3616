"""Files that cannot be read at all are rejected whole, named, and the others still load."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

GOOD_LEAD = "Id,Email\n00Q000000000001AAA,a@x.com\n"


@pytest.mark.parametrize(
    ("relative", "content", "message"),
    [
        ("salesforce/Lead/empty.csv", b"", "the file is empty (0 bytes)"),
        ("salesforce/Lead/blank.csv", b"\n\n  \n", "no header and no rows"),
        (
            "salesforce/Lead/no_id.csv",
            b"Email,Company\na@x.com,Acme\n",
            "missing required column(s) id",
        ),
        ("salesforce/Lead/broken.json", b'[{"Id": "00Q000000000001AAA", ', "Malformed JSON"),
        ("salesforce/Lead/prose.json", b"hello", "not JSON"),
        ("salesforce/Lead/lead.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("salesforce/Widget/w.csv", b"Id\n1\n", "unknown landing object"),
        (
            "salesforce/Lead/cut.csv.gz",
            gzip.compress(GOOD_LEAD.encode() * 50, mtime=0)[:60],
            "cannot read",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and "/" in value else "",
)
def test_unreadable_file_is_rejected_with_its_reason(
    warehouse: duckdb.DuckDBPyConnection,
    landing: Path,
    deliver: LandingWriter,
    relative: str,
    content: bytes,
    message: str,
) -> None:
    deliver(relative, content)
    deliver("salesforce/Lead/zz_good.csv", GOOD_LEAD)
    results = {r.path: r for r in run_ingest(warehouse, landing)}
    assert results[relative].status == "rejected"
    assert message in (results[relative].error or "")
    assert results["salesforce/Lead/zz_good.csv"].status == "loaded"
    logged = rows(
        warehouse, f"select status, error, rows_loaded from meta.load_log where path = '{relative}'"
    )
    assert logged[0]["status"] == "rejected" and message in logged[0]["error"]
    assert logged[0]["rows_loaded"] == 0


def test_missing_landing_folder_says_which_setting_to_change(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from pipeline.ingest.errors import IngestError

    with pytest.raises(IngestError, match="MOPS_LANDING_DIR"):
        run_ingest(warehouse, tmp_path / "nowhere")


def test_header_only_file_loads_zero_rows(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.csv", "Id,Email\n")
    [result] = run_ingest(warehouse, landing)
    assert (result.status, result.rows_read) == ("loaded", 0)
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 0

"""JSON files: every wrapper, one object per line with bad lines quarantined alone, and files
that do not affect each other."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

LEAD_1 = {"Id": "00Q000000000001AAA", "Email": "a@x.com"}
LEAD_2 = {"Id": "00Q000000000002AAA", "Email": "b@x.com"}


def _emails(con: duckdb.DuckDBPyConnection) -> list[str]:
    return list(one(con, "select list(email order by email) from raw.salesforce__lead"))


@pytest.mark.parametrize(
    "document",
    [
        {"success": True, "requestId": "e42b#14272", "result": [LEAD_1, LEAD_2]},
        {"results": [LEAD_1, LEAD_2]},
        {"elements": [LEAD_1, LEAD_2]},
        {"data": [LEAD_1, LEAD_2], "paging": {"cursors": {}}},
        {"rows": [LEAD_1, LEAD_2]},
        [{"result": [LEAD_1]}, {"result": [LEAD_2]}],
    ],
    ids=["marketo result", "results", "elements", "data", "rows", "list of pages"],
)
def test_wrapped_rows_are_unwrapped(
    warehouse: duckdb.DuckDBPyConnection,
    landing: Path,
    deliver: LandingWriter,
    document: object,
) -> None:
    deliver("salesforce/Lead/page.json", json.dumps(document, indent=2))
    [result] = run_ingest(warehouse, landing)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 2, 2)
    assert _emails(warehouse) == ["a@x.com", "b@x.com"]


def test_a_malformed_json_line_is_quarantined_with_its_line(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.jsonl",
        f'{json.dumps(LEAD_1)}\n{{"Id": "00Q000000000009AAA", "Email": \n\n{json.dumps(LEAD_2)}\n',
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    [bad] = rows(warehouse, "select line, reason, raw from meta.quarantine")
    assert bad == {
        "line": 2,
        "reason": "JSON LINE: malformed JSON",
        "raw": '{"Id": "00Q000000000009AAA", "Email": ',
    }
    assert one(warehouse, "select list(_line order by _line) from raw.salesforce__lead") == [1, 4]
    assert one(warehouse, "select lines_skipped from meta.load_log") == 1


def test_one_files_keys_do_not_reach_another_file(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/a.json", json.dumps([{**LEAD_1, "score": 7}]))
    deliver("salesforce/Lead/b.json", json.dumps([LEAD_2]))
    run_ingest(warehouse, landing)
    extras = rows(
        warehouse, "select _file, _extra::varchar as extra from raw.salesforce__lead order by 1"
    )
    assert extras == [
        {"_file": "salesforce/Lead/a.json", "extra": '{"score":"7"}'},
        {"_file": "salesforce/Lead/b.json", "extra": None},
    ]
    logged = rows(warehouse, "select path, extra_columns from meta.load_log order by path")
    assert [r["extra_columns"] for r in logged] == [["score"], []]


def test_a_row_without_its_required_column_is_quarantined(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.json", json.dumps([LEAD_1, {"Email": "c@x.com"}]))
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    assert one(warehouse, "select reason from meta.quarantine") == "id: required value is missing"


def test_a_json_file_without_a_required_column_is_rejected(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.json", json.dumps({"result": [{"Email": "c@x.com"}]}))
    deliver("salesforce/Lead/m.json", json.dumps([LEAD_1]))
    results = {r.path: r for r in run_ingest(warehouse, landing)}
    assert results["salesforce/Lead/l.json"].status == "rejected"
    assert results["salesforce/Lead/l.json"].error == (
        "missing required column(s) id in the JSON rows (keys seen: Email); "
        "deliver rows that have them"
    )
    assert results["salesforce/Lead/m.json"].rows_loaded == 1


def test_json_nested_thousands_deep_is_rejected_with_a_sentence(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/deep.json", "[" + '{"a":' * 3000 + "1" + "}" * 3000 + "]")
    [result] = run_ingest(warehouse, landing)
    assert result.status == "rejected"
    assert result.error == (
        "JSON nested too deeply to be rows (thousands of levels); deliver the rows as "
        "objects of at most a few levels"
    )

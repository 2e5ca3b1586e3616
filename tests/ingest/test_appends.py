"""A file that grows after it was loaded loads only its new records, with their own lines; a
file changing while it is read is rolled back and loads once it settles."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from pipeline.ingest.loader import ingest_landing
from pipeline.settings import Settings
from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

HEADER = "Id,Email,SystemModstamp\n"


def _lead(n: int) -> str:
    return f"00Q{n:012d}AAA,l{n}@x.com,2026-03-01T00:00:00Z\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_grown_csv_loads_only_its_new_records_on_their_lines(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    path = deliver("salesforce/Lead/leads.csv", HEADER + _lead(1) + _lead(2))
    run_ingest(warehouse, landing)
    with path.open("a") as handle:
        handle.write(_lead(3) + _lead(4))
    [grown] = run_ingest(warehouse, landing)
    assert (grown.status, grown.rows_read, grown.rows_loaded) == ("loaded", 2, 2)
    assert rows(warehouse, "select email, _line from raw.salesforce__lead order by _line") == [
        {"email": "l1@x.com", "_line": 2},
        {"email": "l2@x.com", "_line": 3},
        {"email": "l3@x.com", "_line": 4},
        {"email": "l4@x.com", "_line": 5},
    ]
    logged = rows(warehouse, "select bytes, sha256 from meta.load_log order by loaded_at")
    assert logged[-1] == {"bytes": path.stat().st_size, "sha256": _sha(path)}


def test_a_bad_appended_line_is_quarantined_on_its_line_in_the_grown_file(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    path = deliver("salesforce/Lead/leads.csv", HEADER + _lead(1) + _lead(2))
    run_ingest(warehouse, landing)
    with path.open("a") as handle:
        handle.write(_lead(3) + "00Q000000000004AAA,l4@x.com,not a time\n")
    [grown] = run_ingest(warehouse, landing)
    assert (grown.rows_read, grown.rows_loaded, grown.rows_quarantined) == (2, 1, 1)
    assert one(warehouse, "select list(line) from meta.quarantine") == [5]


def test_grown_json_lines_load_only_the_new_lines(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    def line(day: int) -> str:
        record = {
            "segments.date": f"2026-03-0{day}",
            "customer.id": "123",
            "customer.currency_code": "EUR",
            "campaign.id": "55",
            "metrics.cost_micros": "1000000",
        }
        return json.dumps(record) + "\n"

    path = deliver("google_ads/campaign_stats/g.jsonl", line(1))
    run_ingest(warehouse, landing)
    with path.open("a") as handle:
        handle.write(line(2) + line(3))
    [grown] = run_ingest(warehouse, landing)
    assert grown.rows_loaded == 2
    found = rows(
        warehouse,
        "select segments_date::varchar as day, _line from raw.google_ads__campaign_stats "
        "order by _line",
    )
    assert found == [
        {"day": "2026-03-01", "_line": 1},
        {"day": "2026-03-02", "_line": 2},
        {"day": "2026-03-03", "_line": 3},
    ]


def test_a_grown_file_whose_start_changed_loads_again_in_full(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    path = deliver("salesforce/Lead/leads.csv", HEADER + _lead(1))
    run_ingest(warehouse, landing)
    path.write_text(HEADER + _lead(1).replace("l1@", "new@") + _lead(2))
    [again] = run_ingest(warehouse, landing)
    assert (again.status, again.rows_loaded) == ("loaded", 2)
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 3


def test_a_file_appended_while_ingest_runs_loads_every_record_once(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    """A real writer thread appends bursts of records (some lines in two writes) while ingest
    runs again and again: every record ends in raw exactly once, on its line, none quarantined.
    """
    path = deliver("salesforce/Lead/leads.csv", HEADER)
    bursts, per_burst = 12, 40
    done = threading.Event()

    def write() -> None:
        with path.open("a") as handle:
            for burst in range(bursts):
                for i in range(per_burst):
                    text = _lead(burst * per_burst + i + 1)
                    if i % 10 == 0:  # a half-written line for a moment
                        handle.write(text[:20])
                        handle.flush()
                        time.sleep(0.01)
                        text = text[20:]
                    handle.write(text)
                    handle.flush()
                time.sleep(0.15)
        done.set()

    settings = replace(Settings.from_env(), landing_dir=landing, settle_seconds=0.1)
    writer = threading.Thread(target=write)
    writer.start()
    statuses: list[str] = []
    while not done.is_set():
        statuses += [r.status for r in ingest_landing(warehouse, landing, settings)]
    writer.join()
    statuses += [r.status for r in ingest_landing(warehouse, landing, settings)]
    total = bursts * per_burst
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == total
    assert one(warehouse, "select count(distinct id) from raw.salesforce__lead") == total
    assert one(warehouse, "select count(*) from meta.quarantine") == 0
    mislined = one(
        warehouse,
        "select count(*) from raw.salesforce__lead "
        "where _line <> 1 + cast(substr(email, 2, strpos(email, '@') - 2) as int)",
    )
    assert mislined == 0
    assert one(warehouse, "select sum(rows_loaded) from meta.load_log") == total
    assert "loaded" in statuses

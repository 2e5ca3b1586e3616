"""Loading is idempotent per file content, and re-delivered records are kept for CDC."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, run_ingest

HEADER = "Id,Email,SystemModstamp\n"


def test_a_file_loaded_before_is_skipped(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/day1.csv", HEADER + "00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
    )
    run_ingest(warehouse, landing)
    [again] = run_ingest(warehouse, landing)
    assert again.status == "skipped"
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 1


def test_a_file_with_the_logged_path_size_and_mtime_is_skipped_unread(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    """rsync's quick check: same path, size and mtime means the same file, so it is not hashed."""
    first = HEADER + "00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
    path = deliver("salesforce/Lead/day1.csv", first)
    run_ingest(warehouse, landing)
    logged = path.stat()
    path.write_text(first.replace("a@x.com", "b@x.com"))
    os.utime(path, ns=(logged.st_atime_ns, logged.st_mtime_ns))
    [again] = run_ingest(warehouse, landing)
    assert again.status == "skipped"
    assert one(warehouse, "select email from raw.salesforce__lead") == "a@x.com"


def test_a_touched_file_with_the_same_content_is_skipped_by_its_hash(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    path = deliver(
        "salesforce/Lead/day1.csv", HEADER + "00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
    )
    run_ingest(warehouse, landing)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    [again] = run_ingest(warehouse, landing)
    assert again.status == "skipped"
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 1


def test_a_rewritten_file_loads_again(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    first = HEADER + "00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
    path = deliver("salesforce/Lead/day1.csv", first)
    run_ingest(warehouse, landing)
    path.write_text(first.replace("a@x.com", "b@x.com"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    [again] = run_ingest(warehouse, landing)
    assert again.status == "loaded"
    assert one(warehouse, "select list(email order by email) from raw.salesforce__lead") == [
        "a@x.com",
        "b@x.com",
    ]


def test_the_same_content_under_another_name_is_logged_as_a_duplicate_of_the_first(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    content = HEADER + "00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
    deliver("salesforce/Lead/day1.csv", content)
    run_ingest(warehouse, landing)
    deliver("salesforce/Lead/day1_copy.csv", content)
    statuses = {r.path: r.status for r in run_ingest(warehouse, landing)}
    assert statuses["salesforce/Lead/day1_copy.csv"] == "duplicate"
    logged = one(
        warehouse,
        "select (status, error, rows_loaded) from meta.load_log "
        "where path = 'salesforce/Lead/day1_copy.csv'",
    )
    assert logged == ("duplicate", "same content as salesforce/Lead/day1.csv: not loaded again", 0)
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 1


def test_a_redelivered_record_is_kept_beside_the_first_version(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/day1.csv", HEADER + "00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
    )
    run_ingest(warehouse, landing)
    deliver(
        "salesforce/Lead/day2.csv", HEADER + "00Q000000000001AAA,b@x.com,2026-03-02T00:00:00Z\n"
    )
    run_ingest(warehouse, landing)
    versions = one(
        warehouse,
        "select list(email order by system_modstamp) from raw.salesforce__lead",
    )
    assert versions == ["a@x.com", "b@x.com"]


def test_a_rejected_file_is_retried_only_when_asked(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    from dataclasses import replace

    from pipeline.ingest.loader import ingest_landing
    from pipeline.settings import Settings

    deliver("salesforce/Lead/bad.csv", "Email\na@x.com\n")
    run_ingest(warehouse, landing)
    [again] = run_ingest(warehouse, landing)
    assert again.status == "skipped"
    settings = replace(Settings.from_env(), landing_dir=landing)
    [retried] = ingest_landing(warehouse, landing, settings, retry_rejected=True)
    assert retried.status == "rejected"
    assert one(warehouse, "select count(*) from meta.load_log where status = 'rejected'") == 2


def test_an_object_without_deliveries_is_an_empty_table(
    warehouse: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    run_ingest(warehouse, landing)
    assert one(warehouse, "select count(*) from raw.salesforce__opportunity_history") == 0

"""Every entry under the landing folder is accounted for in meta.load_log, or left out by rule."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import landing as landing_zone
from pipeline.ingest.loader import FileResult, ingest_landing
from pipeline.settings import Settings
from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

LEAD = "Id,Email,SystemModstamp\n00Q000000000001AAA,a@x.com,2026-03-01T00:00:00Z\n"
LAYOUT = "not in `<system>/<object>/` layout"


def _logged(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None]]:
    found = rows(con, "select path, status, error from meta.load_log")
    return {r["path"]: (r["status"], r["error"]) for r in found}


def _ingest(con: duckdb.DuckDBPyConnection, landing: Path, **changes: object) -> list[FileResult]:
    settings = replace(Settings.from_env(), landing_dir=landing, **changes)  # type: ignore[arg-type]
    return ingest_landing(con, landing, settings)


def test_misplaced_files_are_rejected_with_the_layout_they_miss(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/nested/x.csv", LEAD)
    deliver("salesforce/x.csv", LEAD)
    deliver("x.csv", LEAD)
    run_ingest(warehouse, landing)
    logged = _logged(warehouse)
    assert logged == {
        "salesforce/Lead/nested/x.csv": (
            "rejected",
            f"{LAYOUT} (1 folder(s) too deep): move it into its object's folder",
        ),
        "salesforce/x.csv": (
            "rejected",
            f"{LAYOUT} (directly in a system folder): move it into its object's folder",
        ),
        "x.csv": (
            "rejected",
            f"{LAYOUT} (directly in the landing folder): move it into its object's folder",
        ),
    }
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 0


def test_a_directory_named_like_a_file_is_rejected_as_a_directory(
    warehouse: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    (landing / "salesforce" / "Lead" / "x.csv").mkdir(parents=True)
    [result] = run_ingest(warehouse, landing)
    assert (result.status, result.error) == (
        "rejected",
        "a directory, not a file: nothing in it is read",
    )
    [again] = run_ingest(warehouse, landing)
    assert again.status == "skipped"  # logged once
    assert one(warehouse, "select count(*) from meta.load_log") == 1


def test_dot_files_and_the_landing_readme_and_license_are_left_out_without_a_row(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("README.md", "# what lands here\n")
    deliver("LICENSE", "CC-BY 4.0\n")
    deliver(".DS_Store", b"\x00")
    deliver("salesforce/Lead/.hidden.csv", LEAD)
    deliver(".snapshots/salesforce/Lead/x.csv", LEAD)
    assert run_ingest(warehouse, landing) == []
    assert one(warehouse, "select count(*) from meta.load_log") == 0


def test_a_readme_inside_an_object_folder_is_a_file_like_any_other(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/README.md", "notes\n")
    [result] = run_ingest(warehouse, landing)
    assert result.status == "rejected" and "unsupported file type" in (result.error or "")


def test_the_same_content_in_one_run_is_a_duplicate_of_the_first_name(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/a.csv", LEAD)
    deliver("salesforce/Lead/b.csv", LEAD)
    statuses = [(r.path, r.status) for r in run_ingest(warehouse, landing)]
    assert statuses == [
        ("salesforce/Lead/a.csv", "loaded"),
        ("salesforce/Lead/b.csv", "duplicate"),
    ]
    assert _logged(warehouse)["salesforce/Lead/b.csv"] == (
        "duplicate",
        "same content as salesforce/Lead/a.csv: not loaded again",
    )


def test_a_link_inside_the_landing_folder_is_followed(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    target = deliver("salesforce/Lead/day1.csv", LEAD)
    os.symlink(target, landing / "salesforce" / "Lead" / "latest.csv")
    statuses = {r.path: r.status for r in run_ingest(warehouse, landing)}
    assert statuses == {
        "salesforce/Lead/day1.csv": "loaded",
        "salesforce/Lead/latest.csv": "duplicate",
    }


def test_a_link_out_of_the_landing_folder_is_rejected_unless_allowed(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(LEAD)
    (landing / "salesforce" / "Lead").mkdir(parents=True)
    os.symlink(outside, landing / "salesforce" / "Lead" / "x.csv")
    [refused] = _ingest(warehouse, landing)
    assert refused.status == "rejected"
    assert refused.error == (
        f"a symbolic link to {outside}, outside the landing folder: not followed "
        "(set MOPS_LANDING_FOLLOW_SYMLINKS=1 to load files linked from elsewhere)"
    )
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 0
    [allowed] = ingest_landing(
        warehouse,
        landing,
        replace(Settings.from_env(), follow_symlinks=True),
        retry_rejected=True,
    )
    assert allowed.status == "loaded"
    assert one(warehouse, "select count(*) from raw.salesforce__lead") == 1


@pytest.mark.parametrize("name", ["x.csv.tmp", "x.csv.part", ".~lock.x.csv#", "~$x.csv"])
def test_a_temporary_name_is_deferred_and_not_logged(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter, name: str
) -> None:
    deliver(f"salesforce/Lead/{name}", LEAD)
    [result] = run_ingest(warehouse, landing)
    assert result.status == "deferred"
    assert result.error == "a temporary name (still being written?): it loads once renamed"
    assert one(warehouse, "select count(*) from meta.load_log") == 0


def test_an_old_file_is_not_watched_before_it_loads(
    warehouse: duckdb.DuckDBPyConnection,
    landing: Path,
    deliver: LandingWriter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = deliver("salesforce/Lead/day1.csv", LEAD)
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(an_hour_ago, an_hour_ago))
    waits: list[float] = []
    monkeypatch.setattr(landing_zone.time, "sleep", waits.append)
    [result] = _ingest(warehouse, landing, settle_seconds=600.0)
    assert result.status == "loaded" and waits == []


def test_a_file_still_growing_during_the_settle_interval_is_deferred(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    path = deliver("salesforce/Lead/day1.csv", LEAD)

    def append_later() -> None:
        time.sleep(0.1)
        with path.open("a") as handle:
            handle.write("00Q000000000002AAA,b@x.com,2026-03-01T00:00:00Z\n")

    writer = threading.Thread(target=append_later)
    writer.start()
    [result] = _ingest(warehouse, landing, settle_seconds=1.0)
    writer.join()
    assert result.status == "deferred"
    assert result.error == (
        "still being written (changed within the last 1 s): it loads once settled"
    )
    assert one(warehouse, "select count(*) from meta.load_log") == 0
    [later] = _ingest(warehouse, landing, settle_seconds=0.0)
    assert (later.status, later.rows_loaded) == ("loaded", 2)


def test_a_broken_link_is_rejected_as_broken(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, tmp_path: Path
) -> None:
    (landing / "salesforce" / "Lead").mkdir(parents=True)
    os.symlink(tmp_path / "gone.csv", landing / "salesforce" / "Lead" / "x.csv")
    [result] = run_ingest(warehouse, landing)
    assert (result.status, result.error) == (
        "rejected",
        f"a broken symbolic link (to {tmp_path / 'gone.csv'})",
    )


def test_one_object_s_ingest_also_logs_entries_of_no_known_object(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    """A Dagster asset loads one object; entries that belong to no object (misplaced, unknown
    folders) are logged by whichever asset runs first, files of other objects are left alone."""
    from pipeline.ingest.objects import find_object

    deliver("salesforce/Lead/day1.csv", LEAD)
    deliver("salesforce/Contact/day1.csv", "Id\n003000000000001AAA\n")
    deliver("salesforce/x.csv", LEAD)
    deliver("salesforce/Widget/w.csv", LEAD)
    lead = find_object("salesforce", "Lead")
    assert lead is not None
    settings = replace(Settings.from_env(), landing_dir=landing)
    statuses = {r.path: r.status for r in ingest_landing(warehouse, landing, settings, [lead])}
    assert statuses == {
        "salesforce/Lead/day1.csv": "loaded",
        "salesforce/Widget/w.csv": "rejected",
        "salesforce/x.csv": "rejected",
    }
    again = {r.path: r.status for r in ingest_landing(warehouse, landing, settings, [lead])}
    assert again["salesforce/x.csv"] == "skipped"
    assert one(warehouse, "select count(*) from meta.load_log") == 3

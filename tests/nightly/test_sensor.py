"""The new-file sensor: one run request per batch of new files, keyed by their paths and sizes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from pipeline.defs.nightly import batch_key, new_landing_files
from pipeline.defs.resources import WarehouseResource


def _evaluate(landing: Path, warehouse: Path) -> dg.RunRequest | dg.SkipReason:
    resource = WarehouseResource(path=str(warehouse), landing_dir=str(landing))
    with dg.build_sensor_context(resources={"warehouse": resource}) as context:
        result = new_landing_files(context)
    assert isinstance(result, dg.RunRequest | dg.SkipReason)
    return result


def test_new_files_make_one_run_key_per_batch_and_loaded_files_are_ignored(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    (landing / "salesforce" / "Lead").mkdir(parents=True)
    warehouse = tmp_path / "w.duckdb"
    assert isinstance(_evaluate(landing, warehouse), dg.SkipReason)

    (landing / "salesforce" / "Lead" / "Lead_2026-10-30.csv").write_text("Id\n1\n")
    (landing / "salesforce" / "Lead" / "Lead_2026-10-31.csv.part").write_text("Id\n")
    first = _evaluate(landing, warehouse)
    assert isinstance(first, dg.RunRequest)
    assert first.run_key == batch_key([("salesforce/Lead/Lead_2026-10-30.csv", 5)])
    assert _evaluate(landing, warehouse).run_key == first.run_key  # type: ignore[union-attr]

    with duckdb.connect(str(warehouse)) as con:  # the file is loaded: nothing new
        con.execute("create schema meta")
        con.execute("create table meta.load_log (path varchar, bytes bigint)")
        con.execute("insert into meta.load_log values ('salesforce/Lead/Lead_2026-10-30.csv', 5)")
    assert isinstance(_evaluate(landing, warehouse), dg.SkipReason)

    (landing / "salesforce" / "Lead" / "Lead_2026-10-31.csv.part").rename(
        landing / "salesforce" / "Lead" / "Lead_2026-10-31.csv"
    )
    second = _evaluate(landing, warehouse)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key


def test_the_sensor_sees_every_entry_ingest_logs_not_only_known_suffixes(tmp_path: Path) -> None:
    """The sensor and the loader share one discovery: a misplaced file or an unknown type is
    new work (ingest logs why it is rejected); dot files are not."""
    landing = tmp_path / "landing"
    (landing / "salesforce" / "Lead" / "nested").mkdir(parents=True)
    (landing / "salesforce" / "Lead" / "nested" / "x.csv").write_text("Id\n1\n")
    (landing / "salesforce" / "Lead" / "x.ndjson").write_text("{}\n")
    (landing / "salesforce" / "Lead" / ".x.csv").write_text("Id\n1\n")
    request = _evaluate(landing, tmp_path / "w.duckdb")
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == batch_key(
        [("salesforce/Lead/nested/x.csv", 5), ("salesforce/Lead/x.ndjson", 3)]
    )

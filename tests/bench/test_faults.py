"""The benchmark's broken delivery loads as a user's would: the wide line quarantined alone."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.bench.faults import WIDE_FIELDS, add_wide_line_file
from tests.ingest.helpers import one, run_ingest


def test_the_wide_line_file_quarantines_its_one_line(
    warehouse: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    add_wide_line_file(landing)
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (201, 200, 1)
    assert one(warehouse, "select line from meta.quarantine") == 102
    assert f"{WIDE_FIELDS:,} fields" in one(warehouse, "select reason from meta.quarantine")

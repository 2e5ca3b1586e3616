"""A process killed in the middle of a file leaves no trace of it; the next run loads it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pipeline.warehouse import connect
from tests.ingest.helpers import one, run_ingest

LOADER = """
import sys
from pathlib import Path
from pipeline.ingest.loader import ensure_meta, ingest_landing
from pipeline.warehouse import connect

con = connect(sys.argv[1])
ensure_meta(con)
con.execute("checkpoint")
print("loading", flush=True)
ingest_landing(con, Path(sys.argv[2]))
print("done", flush=True)
"""


def _write_big_file(con: duckdb.DuckDBPyConnection, landing: Path, rows: int) -> None:
    target = landing / "marketo" / "activities"
    target.mkdir(parents=True)
    con.execute(
        f"""
        copy (select 'g' || i as marketoGUID, i as leadId,
                     '2026-03-01T10:00:00Z' as activityDate, 1 as activityTypeId
              from range({rows}) t(i))
        to '{target / "big.csv"}' (header)
        """
    )


def test_killed_mid_file_leaves_nothing_and_the_next_run_loads_it(tmp_path: Path) -> None:
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    scratch = duckdb.connect()
    _write_big_file(scratch, landing, 3_000_000)
    process = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db), str(landing)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("loading")
    time.sleep(1.0)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    con = connect(db)
    assert one(con, "select count(*) from meta.load_log") == 0
    tables = one(con, "select count(*) from duckdb_tables() where schema_name = 'raw'")
    assert tables == 0
    [result] = run_ingest(con, landing)
    assert (result.status, result.rows_loaded) == ("loaded", 3_000_000)
    con.close()

"""Acceptance: a reader process querying through SQLAlchemy/duckdb-engine (read-only, NullPool)
during 20 consecutive publishes sees zero errors and never a mix of two runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from pipeline.publish import publish
from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse import connect
from tests.publish.marts import PUBLISHED, write_generation

PUBLISHES = 20


def test_reader_sees_whole_runs_only_and_no_errors(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    stop, report = tmp_path / "stop", tmp_path / "report.json"

    def publish_gen(gen: int) -> None:
        write_generation(warehouse, gen)
        with connect(warehouse) as con:
            publish(con, target, run_id=f"run-{gen}", names=PUBLISHED)

    publish_gen(0)
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.publish.reader", str(target), str(stop), str(report)],
        cwd=PROJECT_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{report}.ready").exists():
            assert reader.poll() is None and time.monotonic() < deadline, "reader did not start"
            time.sleep(0.05)
        for gen in range(1, PUBLISHES + 1):
            publish_gen(gen)
            time.sleep(0.05)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["error_count"] == 0, seen["errors"]
    assert seen["mixes"] == []
    assert seen["iterations"] > PUBLISHES
    assert len(seen["runs"]) >= PUBLISHES // 2, seen["runs"]  # it did read during the publishes
    assert f"run-{PUBLISHES}" in seen["runs"]

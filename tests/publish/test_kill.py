"""Acceptance: a build killed with SIGKILL at random points (models, gate, publish) leaves a
valid published file, and the next run succeeds."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.publish import paths_for, read_published
from pipeline.settings import PROJECT_ROOT


def start(warehouse: Path, target: Path, run_id: str, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.publish.driver", str(warehouse), str(target), run_id,
         *flags],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ},
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_sigkill_at_random_points_leaves_a_valid_published_file(
    warehouse_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "bi" / "marts.duckdb"
    seed = int(os.environ.get("MOPS_KILL_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    started = time.monotonic()
    finish(start(warehouse_copy, target, "base"))
    full = time.monotonic() - started  # a whole run: imports, models, gate, publish
    published_runs = {"base"}
    for attempt in range(4):
        flags = () if attempt % 2 == 0 else ("--publish-only",)
        run_id = f"killed-{attempt}"
        process = start(warehouse_copy, target, run_id, *flags)
        time.sleep(rng.uniform(0.3, full * (1.0 if not flags else 0.8)))
        process.kill()
        process.wait()
        if process.returncode == 0:  # finished before the kill
            published_runs.add(run_id)
        published = read_published(target)
        assert published is not None, f"seed {seed}: no valid published file"
        assert published[0] in published_runs | {run_id}, f"seed {seed}: {published[0]}"
        published_runs.add(published[0])
    assert "published final" in finish(start(warehouse_copy, target, "final"))
    assert read_published(target) is not None
    assert read_published(target)[0] == "final"  # type: ignore[index]
    assert not paths_for(target).staging.exists()
    assert signal.SIGKILL  # the kills above are SIGKILL (Popen.kill)

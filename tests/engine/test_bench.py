"""Framework overhead: load + plan of 200 models close to parsing them; build close to the bare
SQL."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import sqlglot

from pipeline.engine import load_project, select
from pipeline.engine.bench import run_bench, write_project
from pipeline.engine.runner import build_order


def _parse_bare(models: Path) -> None:
    """The work no engine can skip: read each model's SQL once and parse it with sqlglot (Jinja
    braces dropped, so `ref('x')` parses as a table function)."""
    for path in sorted(models.rglob("*.sql")):
        text = path.read_text().replace("{{", "").replace("}}", "")
        sqlglot.parse_one(text, read="duckdb")


def test_load_and_plan_200_models_costs_under_2_5x_parsing_them(tmp_path: Path) -> None:
    # The target is 1 s on the 2-core machine (0.30 s measured when it was met); that
    # machine's speed varies by up to 4x from day to day, so the test compares with parsing the
    # same files in the same run: CPU seconds of this process (a wall clock shared with the other
    # xdist worker charges the longer measurement more: 2.52x once in CI), best of five each,
    # interleaved, with the garbage collector paused as timeit does.
    models = tmp_path / "models"
    write_project(models, 200)
    load_project(models)  # warm imports (sqlglot, jinja2) outside the timing
    engine, bare = [], []
    gc.disable()
    try:
        for _ in range(5):
            started = time.process_time()
            project = load_project(models)
            build_order(project, select(project))
            engine.append(time.process_time() - started)
            started = time.process_time()
            _parse_bare(models)
            bare.append(time.process_time() - started)
            gc.collect()
    finally:
        gc.enable()
    ratio = min(engine) / min(bare)
    print(f"load + plan of 200 models: {min(engine):.3f} CPU s = {ratio:.2f}x parsing them")
    assert len(project.models) == 200
    assert ratio < 2.5


def test_build_overhead_ratio() -> None:
    # Best of three, interleaved: the suite runs on two xdist workers on two cores, so one
    # sample can land on a busy moment (a single sample once measured 1.54x; quiet ones ~1.05x).
    report = run_bench(200, rows=5_000, repeats=3)
    print(report.summary())
    assert report.ratio < 1.5  # loose on a shared 2-core machine; `mops bench-engine` prints it

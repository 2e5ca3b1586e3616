"""Framework overhead: load + plan of 200 models under 1 s; build close to the bare SQL."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.engine import load_project, select
from pipeline.engine.bench import run_bench, write_project
from pipeline.engine.runner import build_order


def test_load_and_plan_200_models_under_a_second(tmp_path: Path) -> None:
    write_project(tmp_path / "models", 200)
    load_project(tmp_path / "models")  # warm imports (sqlglot, jinja2) outside the timing
    timings = []
    for _ in range(3):  # best of three: the suite shares two cores between two xdist workers
        started = time.perf_counter()
        project = load_project(tmp_path / "models")
        build_order(project, select(project))
        timings.append(time.perf_counter() - started)
    seconds = min(timings)
    print(f"load + plan of 200 models: {seconds:.3f} s")
    assert len(project.models) == 200
    assert seconds < 1.0


def test_build_overhead_ratio() -> None:
    # Best of three, interleaved: the suite runs on two xdist workers on two cores, so one
    # sample can land on a busy moment (a single sample once measured 1.54x; quiet ones ~1.05x).
    report = run_bench(200, rows=5_000, repeats=3)
    print(report.summary())
    assert report.ratio < 1.5  # loose on a shared 2-core machine; `mops bench-engine` prints it

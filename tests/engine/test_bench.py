"""Framework overhead, counted: load + plan does little more Python work than parsing the models,
and grows linearly with them; a build's Python work, memory and statements follow the models,
never the rows. The timed ratios are `mops bench-engine`'s and `mops bench`'s."""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from pipeline.engine import Project, build, load_project, select
from pipeline.engine.bench import load_and_plan, parse_bare, seed_source, write_project
from pipeline.warehouse import connect
from tests.complexity import python_calls


def project_of(tmp_path: Path, models: int) -> Path:
    root = tmp_path / f"models{models}"
    write_project(root, models)
    load_and_plan(root)  # warm imports and caches outside the count
    parse_bare(root)
    return root


def test_load_and_plan_make_under_twice_the_python_calls_of_parsing_the_models(
    tmp_path: Path,
) -> None:
    root = project_of(tmp_path, 200)
    engine, project = python_calls(lambda: load_and_plan(root))
    bare, _ = python_calls(lambda: parse_bare(root))
    assert len(project.models) == 200
    assert engine < 2 * bare  # measured 1.40x


def test_doubling_the_models_less_than_triples_the_python_calls_of_load_and_plan(
    tmp_path: Path,
) -> None:
    small, large = project_of(tmp_path, 100), project_of(tmp_path, 200)
    assert (
        python_calls(lambda: load_and_plan(large))[0]
        < 3 * python_calls(lambda: load_and_plan(small))[0]
    )  # measured 2.00x: linear


@dataclass(frozen=True)
class Counted:
    calls: int  # Python function calls
    statements: int  # SQL statements, from DuckDB's own query log
    peak_bytes: int  # the most memory Python objects held at once (tracemalloc)


def counted_build(database: Path, project: Project, rows: int) -> Counted:
    """What building every model of `project` over a source of `rows` rows cost, counted."""
    names = select(project)
    with connect(database) as con:
        seed_source(con, rows)
        for schema in sorted({project.models[n].schema for n in names}):
            con.execute(f"create schema if not exists {schema}")
        con.execute("call enable_logging('QueryLog')")
        tracemalloc.start()
        try:
            calls, results = python_calls(lambda: build(con, project, names, run_tests=False))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        logged = con.execute("select count(*) from duckdb_logs where type = 'QueryLog'").fetchone()
    assert all(r.ok for r in results)
    return Counted(calls, int(logged[0]) if logged else 0, peak)


def test_a_builds_python_work_memory_and_statements_do_not_grow_with_the_rows(
    tmp_path: Path,
) -> None:
    project = load_project(project_of(tmp_path, 40))
    counted_build(tmp_path / "warm.duckdb", project, 10)
    few = counted_build(tmp_path / "few.duckdb", project, 1_000)
    many = counted_build(tmp_path / "many.duckdb", project, 8_000)
    assert (many.calls, many.statements) == (few.calls, few.statements)
    # measured ~60 KB for either; fetching the 7,000 extra rows into Python adds ~1.4 MB
    assert many.peak_bytes < 2 * few.peak_bytes


def test_doubling_the_models_less_than_triples_a_builds_python_work_and_statements(
    tmp_path: Path,
) -> None:
    small = load_project(project_of(tmp_path, 40))
    large = load_project(project_of(tmp_path, 80))
    counted_build(tmp_path / "warm.duckdb", small, 10)
    fewer = counted_build(tmp_path / "small.duckdb", small, 1_000)
    more = counted_build(tmp_path / "large.duckdb", large, 1_000)
    assert more.calls < 3 * fewer.calls  # measured 2.0x
    assert more.statements < 3 * fewer.statements  # measured 2.0x: two per model, and four

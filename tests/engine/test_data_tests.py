"""Row-level tests of one model share one scan and report what each test alone reports."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.engine import build, load_project, select
from pipeline.engine.project import Project
from pipeline.engine.tests import run_test, run_tests
from tests.engine.conftest import write_models

MODEL = """
select * from (values
    (1, 'x', 'a'), (2, null, 'a'), (3, null, 'b'), (4, 'y', 'c'), (5, 'z', 'c'), (6, 'z', null)
) as t(id, kind, tier)
"""
YAML = """
models:
  - name: stg_a
    columns:
      - name: id
        tests: [unique, not_null]
      - name: kind
        tests:
          - not_null
          - accepted_values: {values: [x, y]}
      - name: tier
        tests:
          - not_null
          - accepted_values: {values: [a, b]}
"""


def _project(tmp_path: Path, con: duckdb.DuckDBPyConnection, yaml: str = YAML) -> Project:
    models = write_models(
        tmp_path / "models", {"staging/stg_a.sql": MODEL, "staging/stg_a.yml": yaml}
    )
    project = load_project(models)
    assert all(r.ok for r in build(con, project, select(project), run_tests=False))
    return project


def test_batched_failure_counts_equal_the_tests_run_one_by_one(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    project = _project(tmp_path, con)
    tests = project.tests_of("stg_a")
    batched = [(r.test.name, r.failures) for r in run_tests(con, project, tests)]
    alone = [(t.name, run_test(con, project, t).failures) for t in tests]
    assert (
        batched
        == alone
        == [
            ("unique_id", 0),
            ("not_null_id", 0),
            ("not_null_kind", 2),  # rows 2 and 3
            ("accepted_values_kind", 1),  # 'z' (twice): one failing value
            ("not_null_tier", 1),  # row 6
            ("accepted_values_tier", 1),  # 'c'
        ]
    )


def test_a_test_the_scan_cannot_run_keeps_its_own_error(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    project = _project(tmp_path, con, YAML.replace("- name: tier", "- name: no_such_column"))
    outcome = {r.test.name: r for r in run_tests(con, project, project.tests_of("stg_a"))}
    assert outcome["not_null_kind"].failures == 2
    assert outcome["not_null_no_such_column"].failures == -1
    assert "no_such_column" in (outcome["not_null_no_such_column"].error or "")

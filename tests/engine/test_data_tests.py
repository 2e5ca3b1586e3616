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


THRESHOLDS = """
models:
  - name: stg_a
    data_tests:
      - unique_key: {columns: [kind], allow_null_keys: true, list: id}
      - unique_key:
          columns: [tier]
          config: {name: tier_once, severity: warn, max_failing_rows: 2}
    columns:
      - name: kind
        tests:
          - not_null: {config: {max_failing_rate: 0.5}}
"""


def test_thresholds_samples_and_checked_rows(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    project = _project(tmp_path, con, THRESHOLDS)
    found = {r.test.name: r for r in run_tests(con, project, project.tests_of("stg_a"))}
    kind = found["one_row_per_kind"]  # 'z' twice, NULL twice: a NULL key may be missing, once
    assert (kind.status, kind.failing_rows) == ("failed", 2)
    assert sorted(kind.sample, key=lambda row: str(row["kind"])) == [
        {"kind": None, "row_count": 2, "ids": [2, 3]},
        {"kind": "z", "row_count": 2, "ids": [5, 6]},
    ]
    tier = found["tier_once"]  # 'a' and 'c' twice, NULL once: 3 > 2
    assert (tier.status, tier.failing_rows, tier.blocks) == ("failed", 3, False)
    assert tier.verdict() == "failed: 3 failing row(s), over max_failing_rows 2 (warn)"
    nulls = found["not_null_kind"]  # 2 of 6 rows: within 50%
    assert (nulls.status, nulls.failing_rows, nulls.checked_rows) == ("passed", 2, 6)
    assert nulls.verdict().startswith("passed within threshold 0.5 (max_failing_rate)")


def test_a_threshold_that_is_not_a_share_names_the_file(tmp_path: Path) -> None:
    import pytest

    from pipeline.engine.errors import ConfigError

    models = write_models(
        tmp_path / "models",
        {
            "staging/stg_a.sql": MODEL,
            "staging/stg_a.yml": THRESHOLDS.replace("max_failing_rate: 0.5", "max_failing_rate: 5"),
        },
    )
    with pytest.raises(ConfigError, match=r"stg_a\.yml.*max_failing_rate must be a share"):
        load_project(models)


def test_a_test_reading_a_model_that_is_not_built_is_not_applicable(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    yaml = "models:\n  - name: stg_a\n    columns:\n      - name: id\n        tests:\n" \
        "          - relationships: {to: ref('stg_b'), field: id}\n"  # fmt: skip
    models = write_models(
        tmp_path / "models",
        {
            "staging/stg_a.sql": MODEL,
            "staging/stg_b.sql": "select 1 as id",
            "staging/stg_a.yml": yaml,
        },
    )
    project = load_project(models)
    [result] = build(con, project, ["stg_a"])
    [test] = result.tests
    assert result.ok and test.status == "not_applicable" and test.passed
    assert test.verdict() == "not applicable: staging.stg_b not built"

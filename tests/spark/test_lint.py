"""The Spark lint names file, line and construct of what Spark cannot run as DuckDB does."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.engine.project import load_project
from pipeline.engine.spark.lint import SparkLintError, check_project, lint_project
from tests.engine.conftest import write_models

FINE = """
select
    id,
    list(name order by id) over () as names,
    date_diff('month', created_at, updated_at) as months,
    regexp_replace(name, '-', ' ', 'g') as spaced
from {{ source('src', 'events') }}
"""
DUCKDB_ONLY = """
with events as (
    select * from {{ source('src', 'events') }}
),

-- hash() in a comment is not a finding
keyed as (
    select
        hash(id) as key,
        cast(id as hugeint) as big_id,
        names[1:2] as first_names
    from events
),

latest as (
    select keyed.*, accounts.name
    from keyed
    asof left join {{ source('src', 'accounts') }} as accounts
        on keyed.key = accounts.id and keyed.big_id >= accounts.id
)

select * rename (name as label) from latest
union by name
select * from latest
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_models(tmp_path / "models", files)


def test_translatable_models_pass(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, {"staging/stg_fine.sql": FINE}))
    assert lint_project(project) == []
    check_project(project)


def test_findings_name_file_line_and_construct(tmp_path: Path) -> None:
    root = _project(tmp_path, {"intermediate/int_bad.sql": DUCKDB_ONLY})
    found = lint_project(load_project(root))
    path = root / "intermediate" / "int_bad.sql"
    assert [(f.path, f.line, f.construct) for f in found] == [
        (path, 8, "hash()"),
        (path, 9, "type hugeint"),
        (path, 10, "list slice [a:b]"),
        (path, 17, "asof join"),
        (path, 21, "* rename"),
    ]
    assert str(found[0]).startswith(f"{path}:8: hash() is DuckDB-only on the Spark engine; ")


def test_check_project_raises_with_every_finding_and_what_to_do(tmp_path: Path) -> None:
    root = _project(
        tmp_path, {"intermediate/int_bad.sql": DUCKDB_ONLY, "staging/stg_fine.sql": FINE}
    )
    with pytest.raises(SparkLintError) as raised:
        check_project(load_project(root))
    assert len(raised.value.findings) == 5
    assert "int_bad.sql:17: asof join" in str(raised.value)
    assert "MOPS_ENGINE=duckdb" in str(raised.value)


def test_only_the_named_models_are_linted(tmp_path: Path) -> None:
    root = _project(
        tmp_path, {"intermediate/int_bad.sql": DUCKDB_ONLY, "staging/stg_fine.sql": FINE}
    )
    assert lint_project(load_project(root), ["stg_fine"]) == []

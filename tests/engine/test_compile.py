"""Compile fixture pairs: `tests/fixtures/compile/<case>.in.sql` is a model (placed in the
fixture project as `marts/<case>.sql`), `<case>.out.sql` its expected SQL, written by hand.
The compiled SQL must equal the expected one up to formatting, and both must return the same
rows on in-memory DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import sqlglot

from pipeline.engine import build, compile_model, load_project
from pipeline.engine.compile import inline_import_ctes
from tests.engine.conftest import FIXTURE_PROJECT, FIXTURES, load_fixture_raw

CASES = sorted(p.name.removesuffix(".in.sql") for p in (FIXTURES / "compile").glob("*.in.sql"))


def canonical(sql: str) -> str:
    return sqlglot.parse_one(sql, read="duckdb").sql(dialect="duckdb", comments=False)


@pytest.mark.parametrize("case", CASES)
def test_compile_fixture(case: str, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(FIXTURE_PROJECT / "models", models)
    shutil.copy(FIXTURES / "compile" / f"{case}.in.sql", models / "marts" / f"{case}.sql")
    expected = (FIXTURES / "compile" / f"{case}.out.sql").read_text()
    project = load_project(models)

    compiled = compile_model(project, project.models[case])

    assert canonical(compiled) == canonical(expected)
    con = duckdb.connect()
    load_fixture_raw(con)
    upstream = [n for n in project.order if n != case and not project.models[n].is_ephemeral]
    assert all(r.ok for r in build(con, project, upstream))
    got = sorted(con.execute(compiled).fetchall(), key=repr)
    assert got == sorted(con.execute(expected).fetchall(), key=repr)
    assert got, "a fixture should return rows, or the comparison proves little"


def test_model_without_ephemeral_parents_runs_as_written(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(FIXTURE_PROJECT / "models", models)
    project = load_project(models)
    compiled = compile_model(project, project.models["stg_salesforce__account"])
    # the author's text, with its import CTE marked `not materialized`
    assert compiled.startswith(
        "with source as not materialized (\n    select * from raw.salesforce__account\n)"
    )


def test_only_import_ctes_are_marked_not_materialized() -> None:
    sql = (
        "with a as (select * from raw.x), b as (select * from a where y > 1),\n"
        'c as ( SELECT * FROM "s"."t" ) select * from a, b, c'
    )
    assert inline_import_ctes(sql) == (
        "with a as not materialized (select * from raw.x), b as (select * from a where y > 1),\n"
        'c as not materialized ( SELECT * FROM "s"."t" ) select * from a, b, c'
    )

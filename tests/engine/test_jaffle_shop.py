"""dbt-labs' jaffle_shop_duckdb, vendored unchanged, builds with mops into the tables dbt builds.

The expected rows were computed once with dbt-duckdb (tests/fixtures/jaffle_shop_duckdb/expected).
"""

from __future__ import annotations

import duckdb
import pytest

from pipeline.engine import build, load_project, select
from tests.engine.conftest import FIXTURES

JAFFLE = FIXTURES / "jaffle_shop_duckdb"
EXPECTED = JAFFLE / "expected"
RELATIONS = sorted(path.stem for path in EXPECTED.glob("*.csv"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    from pipeline.warehouse import connect

    project = load_project(JAFFLE)
    con = connect(tmp_path_factory.mktemp("jaffle") / "warehouse.duckdb")
    results = build(con, project, select(project))
    assert [r.name for r in results if not r.ok] == []
    return con


def test_the_project_is_three_seeds_three_views_and_two_tables() -> None:
    project = load_project(JAFFLE)
    kinds = {name: model.materialized for name, model in project.models.items()}
    assert kinds == {
        "raw_customers": "seed",
        "raw_orders": "seed",
        "raw_payments": "seed",
        "stg_customers": "view",
        "stg_orders": "view",
        "stg_payments": "view",
        "customers": "table",
        "orders": "table",
    }


def test_every_relation_dbt_builds_is_built() -> None:
    assert sorted(load_project(JAFFLE).models) == RELATIONS


@pytest.mark.parametrize("name", RELATIONS)
def test_rows_match_dbt_duckdb(built: duckdb.DuckDBPyConnection, name: str) -> None:
    expected = f"read_csv('{(EXPECTED / f'{name}.csv').as_posix()}', header = true)"
    columns = [row[0] for row in built.execute(f"describe main.{name}").fetchall()]
    described = built.execute(f"describe select * from {expected}").fetchall()
    assert columns == [row[0] for row in described]
    for left, right in ((f"main.{name}", expected), (expected, f"main.{name}")):
        extra = built.execute(f"select * from {left} except all select * from {right}").fetchall()
        assert extra == []


def test_the_twenty_yaml_tests_pass_as_in_dbt(built: duckdb.DuckDBPyConnection) -> None:
    project = load_project(JAFFLE)
    results = build(built, project, select(project))
    outcomes = [t.passed for r in results for t in r.tests]
    assert len(outcomes) == 20 and all(outcomes)


def test_doc_blocks_fill_descriptions() -> None:
    status = load_project(JAFFLE).models["orders"].columns["status"]
    assert status.description.startswith("Orders can be one of the following statuses:")
    assert "| returned " in status.description


def test_a_seed_is_a_ref_target() -> None:
    assert load_project(JAFFLE).models["stg_orders"].refs == ["raw_orders"]

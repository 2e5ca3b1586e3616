"""`mops compile`, `mops ls` and `mops models` on the fixture project."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.warehouse import connect
from tests.engine.conftest import load_fixture_raw

runner = CliRunner()


def test_ls_lists_selection_in_order(fixture_models: Path) -> None:
    args = ["ls", "--models-dir", str(fixture_models), "-s", "+fct_large_deals"]
    result = runner.invoke(app, [*args, "--exclude", "config.materialized:ephemeral"])
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in result.output.splitlines()] == [
        "stg_salesforce__opportunity",
        "fct_large_deals",
    ]


def test_compile_prints_final_sql_with_vars(fixture_models: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compile",
            "int_large_won",
            "--models-dir",
            str(fixture_models),
            "--vars",
            "{min_amount: 2000}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "FROM __dbt__cte__int_won_opportunities" in result.output
    assert "amount >= 2000" in result.output


def test_compile_unknown_model_suggests(fixture_models: Path) -> None:
    result = runner.invoke(app, ["compile", "fct_large_deal", "--models-dir", str(fixture_models)])
    assert result.exit_code == 1
    assert "did you mean 'fct_large_deals'?" in result.output


def test_models_builds_and_prints_a_table(fixture_models: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        load_fixture_raw(con)
    result = runner.invoke(
        app,
        ["models", "--models-dir", str(fixture_models), "--warehouse", str(warehouse)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "fct_revenue_by_account" in result.output and "success" in result.output
    with connect(warehouse, read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_large_deals").fetchone() == (2,)

"""A dbt project folder (`dbt_project.yml`) loads as dbt reads it; what mops does not support
is refused with the file, the line and the feature."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.engine import build, load_project, select
from pipeline.engine.errors import ConfigError, RenderError
from tests.engine.conftest import write_models

DBT_PROJECT = """\
name: shop
config-version: 2
profile: shop
model-paths: ["sql"]
seed-paths: ["data"]
macro-paths: ["macros"]
models:
  shop:
    +materialized: table
    staging:
      +materialized: view
seeds:
  shop:
    +column_types: {code: varchar}
vars:
  shop:
    vat: 0.2
"""


def dbt_project(root: Path, files: dict[str, str], project: str = DBT_PROJECT) -> Path:
    return write_models(root, {"dbt_project.yml": project, **files}, defaults=False)


def test_folders_and_config_tree_come_from_dbt_project_yml(tmp_path: Path) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {
            "data/prices.csv": "code,price\n007,10\n",
            "sql/staging/stg_prices.sql": "select code, price from {{ ref('prices') }}",
            "sql/gross.sql": "select code, price * (1 + {{ var('vat') }}) as gross "
            "from {{ ref('stg_prices') }}",
        },
    )
    project = load_project(root)
    kinds = {name: m.materialized for name, m in project.models.items()}
    assert kinds == {"prices": "seed", "stg_prices": "view", "gross": "table"}


def test_a_seed_keeps_its_column_types(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {
            "data/prices.csv": "code,price\n007,10\n",
            "sql/gross.sql": "select code, price * (1 + {{ var('vat') }}) as gross "
            "from {{ ref('prices') }}",
        },
    )
    project = load_project(root)
    assert all(r.ok for r in build(con, project, select(project)))
    assert con.execute("select code, gross from main.gross").fetchall() == [("007", 12)]


def test_a_source_defaults_to_schema_of_its_name_and_table_of_its_name(tmp_path: Path) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {
            "sql/sources.yml": """
                sources:
                  - name: shopify
                    tables: [{name: orders}, {name: refunds, identifier: refund_rows}]
                  - name: erp
                    schema: raw_erp
                    tables: [{name: invoices}]
            """,
            "sql/m.sql": "select * from {{ source('shopify', 'orders') }}, "
            "{{ source('shopify', 'refunds') }}, {{ source('erp', 'invoices') }}",
        },
    )
    sources = load_project(root).sources
    assert [s.relation for s in sources.values()] == [
        "shopify.orders",
        "shopify.refund_rows",
        "raw_erp.invoices",
    ]


def test_a_macro_file_defines_macros_that_see_ref_and_each_other(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {
            "data/prices.csv": "code,price\n7,10\n8,30\n",
            "macros/a.sql": "{% macro expensive(t) %}select * from {{ ref(t) }} "
            "where price > {{ threshold() }}{% endmacro %}",
            "macros/b.sql": "{% macro threshold() %}20{% endmacro %}",
            "sql/expensive.sql": "{{ expensive('prices') }}",
        },
    )
    project = load_project(root)
    assert project.models["expensive"].refs == ["prices"]
    assert all(r.ok for r in build(con, project, select(project)))
    assert con.execute("select code from main.expensive").fetchall() == [("8",)]


def test_an_unsupported_project_key_names_file_and_line(tmp_path: Path) -> None:
    root = dbt_project(tmp_path / "shop", {}, DBT_PROJECT + "on-run-start:\n  - select 1\n")
    with pytest.raises(ConfigError, match=r"dbt_project.yml, line 18: `on-run-start` is not"):
        load_project(root)


def test_an_unsupported_dbt_context_member_names_file_line_and_feature(tmp_path: Path) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {"sql/m.sql": "select 1 as a\n{% set r = run_query('select 1') %}\n"},
    )
    with pytest.raises(RenderError, match=r"m.sql, line 2: `run_query` is a dbt feature"):
        load_project(root)


def test_an_unsupported_properties_block_names_file_and_line(tmp_path: Path) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {"sql/m.sql": "select 1 as a", "sql/props.yml": "models: []\nsnapshots:\n  - name: s\n"},
    )
    with pytest.raises(ConfigError, match=r"props.yml, line 2: `snapshots:` is not supported"):
        load_project(root)


def test_an_unknown_doc_block_names_the_yaml_file(tmp_path: Path) -> None:
    root = dbt_project(
        tmp_path / "shop",
        {
            "sql/m.sql": "select 1 as a",
            "sql/docs.md": "{% docs a_doc %}A.{% enddocs %}",
            "sql/m.yml": "models:\n  - name: m\n    description: '{{ doc(\"a_dock\") }}'\n",
        },
    )
    with pytest.raises(ConfigError, match=r"m.yml, line 2: doc\('a_dock'\) names no doc block; "):
        load_project(root)


def test_a_mops_models_folder_reads_seeds_from_its_seed_paths(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "channels.csv").write_text("platform,channel\nmeta,paid_social\n")
    root = write_models(
        tmp_path / "models",
        {
            "project.yml": "seed-paths: ['../seeds']\nmodels: {}\n",
            "m.sql": "select channel from {{ ref('channels') }}",
        },
        defaults=False,
    )
    project = load_project(root)
    assert project.models["channels"].materialized == "seed"
    assert project.models["m"].refs == ["channels"]

"""Every load-time and selection error: its type, file, line and the advice it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.engine import load_project, select
from pipeline.engine.errors import (
    ConfigError,
    CycleError,
    DuplicateModelError,
    EngineError,
    ModelSyntaxError,
    RenderError,
    SelectionError,
    UnknownRefError,
    UnknownSourceError,
)
from pipeline.errors import MopsError
from tests.engine.conftest import write_models

YAML_ID_TESTS = "models:\n  - name: a\n    columns:\n      - name: id\n        tests: {}\n"


def load_error(tmp_path: Path, files: dict[str, str]) -> EngineError:
    models = write_models(tmp_path / "models", files)
    with pytest.raises(EngineError) as caught:
        load_project(models)
    return caught.value


def test_engine_errors_are_mops_errors() -> None:
    assert issubclass(EngineError, MopsError)


def test_sql_syntax_error_names_file_and_template_line(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "staging/stg_a.sql": """
            {% if is_incremental() %}
            where x > 1
            {% endif %}
            select id
            from {{ source('src', 'events') }}
            group by by 1
            """,
        },
    )
    assert isinstance(error, ModelSyntaxError)
    assert (Path(str(error.path)).name, error.line) == ("stg_a.sql", 6)
    assert str(error).startswith(f"{error.path}, line 6: SQL syntax error")
    assert "mops compile" in str(error)


def test_jinja_syntax_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"staging/stg_a.sql": "select 1\n{% if true %}\nfrom t\n"})
    assert isinstance(error, ModelSyntaxError)
    assert error.line == 2
    assert "template syntax error" in str(error)


def test_two_statements_are_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"staging/stg_a.sql": "select 1; select 2"})
    assert isinstance(error, ModelSyntaxError)
    assert "exactly one select statement, found 2" in str(error)


def test_ddl_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"staging/stg_a.sql": "create table x as select 1"})
    assert isinstance(error, ModelSyntaxError)
    assert "not CREATE" in str(error) and "materialized" in str(error)


def test_unknown_ref_suggests_nearest_names(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "staging/stg_orders.sql": "select 1 as id",
            "marts/fct.sql": "select *\nfrom {{ ref('stg_order') }}",
        },
    )
    assert isinstance(error, UnknownRefError)
    assert (Path(str(error.path)).name, error.line) == ("fct.sql", 2)
    assert error.suggestions == ["stg_orders"]
    assert "ref('stg_order') names no model; did you mean 'stg_orders'?" in str(error)


def test_unknown_source_suggests_declared_ones(tmp_path: Path) -> None:
    error = load_error(
        tmp_path, {"staging/stg_a.sql": "select * from {{ source('src', 'event') }}"}
    )
    assert isinstance(error, UnknownSourceError)
    assert error.line == 1
    assert "is not declared; did you mean 'src.events'" in str(error)


def test_cycle_reports_its_path(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/a.sql": "select * from {{ ref('c') }}",
            "marts/b.sql": "select * from {{ ref('a') }}",
            "marts/c.sql": "select *\nfrom {{ ref('b') }}",
            "marts/d.sql": "select * from {{ ref('a') }}",
        },
    )
    assert isinstance(error, CycleError)
    assert error.cycle == ["a", "b", "c", "a"]
    assert "models form a cycle: a -> b -> c -> a" in str(error)
    # the closing edge c -> a is the `ref('c')` in a.sql
    assert (Path(str(error.path)).name, error.line) == ("a.sql", 1)


def test_duplicate_model_name_names_both_files(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"staging/orders.sql": "select 1", "marts/orders.sql": "select 2"})
    assert isinstance(error, DuplicateModelError)
    assert "model name 'orders' is defined twice" in str(error)
    assert "marts/orders.sql" in str(error) and "staging/orders.sql" in str(error)


def test_unknown_config_key_suggests_the_right_one(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/a.sql": (
                "-- a\n{{ config(materialized='incremental', uniqe_key='id') }}\nselect 1 as id"
            ),
        },
    )
    assert isinstance(error, ConfigError)
    assert error.line == 2
    assert "unknown config key 'uniqe_key' (did you mean 'unique_key'?)" in str(error)


def test_bad_materialization_lists_choices(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"marts/a.sql": "{{ config(materialized='tabel') }}select 1"})
    assert isinstance(error, ConfigError)
    assert "config 'materialized'" in str(error) and "'table'" in str(error)


def test_merge_without_unique_key(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/a.sql": "{{ config(materialized='incremental', incremental_strategy='merge') }}"
            "select 1 as id",
        },
    )
    assert isinstance(error, ConfigError)
    assert "'merge' needs `unique_key`" in str(error)


def test_missing_var_says_where_to_set_it(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"marts/a.sql": "select {{ var('start_date') }} as d"})
    assert isinstance(error, RenderError)
    assert "var('start_date') is not set" in str(error) and "--vars" in str(error)


def test_undefined_name_in_template(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"marts/a.sql": "select 1\nfrom {{ nonsense }}"})
    assert isinstance(error, RenderError)
    assert error.line == 2 and "'nonsense' is undefined" in str(error)


def test_sandbox_blocks_unsafe_attributes(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"marts/a.sql": "select '{{ ''.__class__.__mro__ }}' as x"})
    assert isinstance(error, RenderError)


def test_invalid_yaml_points_at_the_line(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/a.sql": "select 1 as id",
            "marts/a.yml": "models:\n  - name: a\n    columns: [\n",
        },
    )
    assert isinstance(error, ConfigError)
    assert "invalid YAML" in str(error) and Path(str(error.path)).name == "a.yml"


def test_yaml_for_a_missing_model(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/orders.sql": "select 1 as id",
            "marts/orders.yml": "models:\n  - name: order\n",
        },
    )
    assert isinstance(error, UnknownRefError)
    assert (Path(str(error.path)).name, error.line) == ("orders.yml", 2)
    assert "did you mean 'orders'?" in str(error)


def test_unknown_test_name(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/a.sql": "select 1 as id",
            "marts/a.yml": YAML_ID_TESTS.format("[uniq]"),
        },
    )
    assert isinstance(error, ConfigError)
    assert error.line == 4 and "unknown test 'uniq'" in str(error)


def test_tests_on_an_ephemeral_model(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        {
            "marts/a.sql": "{{ config(materialized='ephemeral') }}select 1 as id",
            "marts/a.yml": YAML_ID_TESTS.format("[unique]"),
        },
    )
    assert isinstance(error, ConfigError)
    assert "ephemeral" in str(error) and "cannot be tested" in str(error)


def test_model_name_must_be_an_identifier(tmp_path: Path) -> None:
    error = load_error(tmp_path, {"marts/fct-orders.sql": "select 1"})
    assert isinstance(error, ConfigError)
    assert "not a plain identifier" in str(error)


def test_missing_models_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="models folder does not exist"):
        load_project(tmp_path / "nope")


def test_selecting_an_unknown_model_suggests_names(tmp_path: Path) -> None:
    project = load_project(write_models(tmp_path / "models", {"marts/fct_orders.sql": "select 1"}))
    with pytest.raises(
        SelectionError, match="no model named 'fct_order'; did you mean 'fct_orders'"
    ):
        select(project, "fct_order")


def test_unknown_selector_method(tmp_path: Path) -> None:
    project = load_project(write_models(tmp_path / "models", {"marts/a.sql": "select 1"}))
    with pytest.raises(SelectionError, match="unknown selector method 'tags'"):
        select(project, "tags:x")

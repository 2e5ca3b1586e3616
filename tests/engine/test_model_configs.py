"""Model configs are one type per materialization: a key another materialization owns is refused
with the file, the key and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.engine import load_project
from pipeline.engine.config import IncrementalConfig, TableConfig, ViewConfig
from pipeline.engine.errors import ConfigError
from tests.engine.conftest import write_models


def test_each_materialization_has_its_own_config_type(tmp_path: Path) -> None:
    folder = write_models(
        tmp_path / "models",
        {
            "staging/v.sql": "select 1 as id",
            "marts/t.sql": "select 1 as id",
            "marts/i.sql": "{{ config(materialized='incremental', unique_key='id') }}\n"
            "select 1 as id",
        },
    )
    models = load_project(folder).models
    assert isinstance(models["v"].config, ViewConfig)
    assert isinstance(models["t"].config, TableConfig)
    incremental = models["i"].config
    assert isinstance(incremental, IncrementalConfig)
    assert (incremental.key_columns, incremental.strategy) == (("id",), "merge")


def test_an_incremental_key_on_a_table_names_the_file_and_the_key(tmp_path: Path) -> None:
    folder = write_models(
        tmp_path / "models",
        {"marts/t.sql": "{{ config(materialized='table', unique_key='id') }}\nselect 1 as id"},
    )
    with pytest.raises(ConfigError) as raised:
        load_project(folder)
    message = str(raised.value)
    assert "marts/t.sql, line 1" in message
    assert "config 'unique_key' applies to incremental models only" in message
    assert "materialized='table'" in message


def test_a_seed_key_on_a_model_is_refused(tmp_path: Path) -> None:
    folder = write_models(
        tmp_path / "models",
        {"marts/t.sql": "{{ config(column_types={'id': 'integer'}) }}\nselect 1 as id"},
    )
    with pytest.raises(ConfigError, match="config 'column_types' applies to seed models only"):
        load_project(folder)


def test_a_yaml_config_error_names_the_yaml_file(tmp_path: Path) -> None:
    folder = write_models(
        tmp_path / "models",
        {
            "marts/t.sql": "select 1 as id",
            "marts/_models.yml": "models:\n  - name: t\n    config: {on_schema_change: ignore}\n",
        },
    )
    with pytest.raises(ConfigError, match=r"_models\.yml, line 2: config 'on_schema_change'"):
        load_project(folder)


def test_a_misspelt_materialization_suggests_the_right_one(tmp_path: Path) -> None:
    typo = "{{ config(materialized='tabel') }}"
    folder = write_models(tmp_path / "models", {"marts/t.sql": typo})
    with pytest.raises(ConfigError, match=r"not 'tabel' \(did you mean 'table'\?\)"):
        load_project(folder)

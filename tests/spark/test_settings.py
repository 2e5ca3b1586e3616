"""The engine settings: MOPS_ENGINE, MOPS_SPARK_REMOTE, MOPS_LAKE (defaults unchanged)."""

from __future__ import annotations

import re

import pytest

from pipeline.settings import PROJECT_ROOT, Settings, SettingsError


def test_defaults_keep_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MOPS_ENGINE", "MOPS_SPARK_REMOTE", "MOPS_LAKE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.engine == "duckdb"
    assert settings.spark_remote is None
    assert settings.lake == str(PROJECT_ROOT / "data" / "lake")


def test_spark_engine_remote_and_lake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOPS_ENGINE", "Spark")
    monkeypatch.setenv("MOPS_SPARK_REMOTE", "sc://127.0.0.1:15002")
    monkeypatch.setenv("MOPS_LAKE", "s3a://bucket/lake/")
    settings = Settings.from_env()
    assert (settings.engine, settings.spark_remote, settings.lake) == (
        "spark",
        "sc://127.0.0.1:15002",
        "s3a://bucket/lake",
    )


def test_relative_lake_resolves_against_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOPS_LAKE", "data/other_lake")
    assert Settings.from_env().lake == str(PROJECT_ROOT / "data" / "other_lake")


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("MOPS_ENGINE", "postgres", "use duckdb (the default) or spark"),
        ("MOPS_SPARK_REMOTE", "http://127.0.0.1:15002", "use sc://host:port"),
    ],
)
def test_bad_values_say_what_to_use(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, hint: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=re.escape(hint)):
        Settings.from_env()

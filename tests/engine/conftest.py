"""Shared helpers of the engine tests: tiny projects written to tmp_path, real DuckDB files."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import connect

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_PROJECT = FIXTURES / "project"

DEFAULT_PROJECT_YML = """\
models:
  staging: {+materialized: view, +schema: staging}
  intermediate: {+materialized: table, +schema: intermediate}
  marts: {+materialized: table, +schema: marts}
"""
DEFAULT_SOURCES_YML = """\
sources:
  - name: src
    schema: raw
    tables: [{name: events, identifier: src__events}, {name: accounts, identifier: src__accounts}]
"""


def write_models(root: Path, files: dict[str, str], *, defaults: bool = True) -> Path:
    """Write `files` (path relative to the models folder -> text) and return the folder."""
    root.mkdir(parents=True, exist_ok=True)
    if defaults:
        (root / "project.yml").write_text(DEFAULT_PROJECT_YML)
        (root / "sources.yml").write_text(DEFAULT_SOURCES_YML)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write warehouse file in tmp_path, with an empty `raw` schema."""
    connection = connect(tmp_path / "warehouse.duckdb")
    connection.execute("create schema raw")
    yield connection
    connection.close()


@pytest.fixture
def fixture_models(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/project/models that a test may edit."""
    target = tmp_path / "fixture_models"
    shutil.copytree(FIXTURE_PROJECT / "models", target)
    return target


def load_fixture_raw(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute((FIXTURE_PROJECT / "raw.sql").read_text())


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return sorted(connection.execute(sql).fetchall(), key=repr)

"""Fixtures of the mart tests over every published table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.marts.published import publish_world


@pytest.fixture(scope="module")
def marts(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The published marts file of the small generated world, read-only."""
    target = publish_world(small_world, tmp_path_factory.mktemp("published"))
    return duckdb.connect(str(target), read_only=True)

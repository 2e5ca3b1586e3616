from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.world import copy_world, session_world


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built warehouse of a small generated world (read it through a copy)."""
    return session_world(tmp_path_factory)


@pytest.fixture
def warehouse_copy(small_world: Path, tmp_path: Path) -> Path:
    return copy_world(small_world, tmp_path / "wh")

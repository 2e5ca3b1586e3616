"""Shared fixtures: real DuckDB files in tmp_path, landing zones written by the test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

# Test files are written a moment before they are read: no settle wait unless a test asks.
os.environ.setdefault("MOPS_SETTLE_SECONDS", "0")

from pipeline.warehouse import connect

# tmp_path (and every tempfile) on a RAM disk where there is one: a build through Dagster commits
# its event log ~3,600 times, 15 ms each on this machine's disk against 0.3 ms in memory.
# Files stay real files; MOPS_TEST_TMPDIR overrides the folder, `-` keeps the system default.
_TEST_TMPDIR = os.environ.get("MOPS_TEST_TMPDIR", "/dev/shm")
if _TEST_TMPDIR != "-" and os.access(_TEST_TMPDIR, os.W_OK):
    tempfile.tempdir = _TEST_TMPDIR

# genuine public export files, shipped with their licences (see its README.md)
REAL_EXPORTS = Path(__file__).resolve().parent / "fixtures" / "real_exports"


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "warehouse.duckdb")
    yield con
    con.close()


LandingWriter = Callable[[str, str | bytes], Path]


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    root.mkdir()
    return root


@pytest.fixture
def deliver(landing: Path) -> LandingWriter:
    """`deliver("salesforce/Lead/Lead_1.csv", text)` writes one file into the landing zone."""

    def write(relative: str, content: str | bytes) -> Path:
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built warehouse of a small generated world, built once per test process (the
    quality-gate and publishing tests read it through a copy)."""
    from tests.checks.world import session_world

    return session_world(tmp_path_factory)


@pytest.fixture
def warehouse_copy(small_world: Path, tmp_path: Path) -> Path:
    from tests.checks.world import copy_world

    return copy_world(small_world, tmp_path / "wh")

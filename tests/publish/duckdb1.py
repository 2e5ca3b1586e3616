"""A DuckDB 1.x client in its own folder, installed by the test setup (`make setup`, which
`make test` runs), never by a test: tests do not reach the package index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FOLDER = Path(sys.prefix) / "duckdb1"


def duckdb1_path() -> Path:
    """The folder holding the DuckDB 1.x package (`.venv/duckdb1`)."""
    if not (FOLDER / "duckdb").is_dir():
        pytest.fail(
            f"no DuckDB 1.x client in {FOLDER}: run `make setup` (it installs the test "
            "dependencies, this one with `pip install --target`)"
        )
    return FOLDER


def run_with_duckdb1(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter whose `import duckdb` is the 1.x client."""
    prelude = f"import sys; sys.path.insert(0, {str(duckdb1_path())!r}); "
    return subprocess.run(
        [sys.executable, "-c", prelude + code, *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

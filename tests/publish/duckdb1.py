"""A DuckDB 1.x client in its own folder (pip --target), cached under .venv/ by version spec."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

SPEC = "duckdb<2"
CACHE = Path(sys.prefix) / "cache"


def duckdb1_path(spec: str = SPEC) -> Path:
    """A folder holding a DuckDB 1.x wheel's package (installed once, then reused)."""
    target = CACHE / f"duckdb-{hashlib.sha256(spec.encode()).hexdigest()[:10]}"
    marker = target / ".complete"
    if not marker.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--target", str(target), "--upgrade", spec],
            check=True, timeout=300,
        )  # fmt: skip
        marker.write_text(spec, encoding="utf-8")
    return target


def run_with_duckdb1(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter whose `import duckdb` is the 1.x client."""
    prelude = f"import sys; sys.path.insert(0, {str(duckdb1_path())!r}); "
    return subprocess.run(
        [sys.executable, "-c", prelude + code, *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

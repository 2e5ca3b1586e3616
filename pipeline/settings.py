"""Where mops reads and writes, with environment overrides.

| variable             | default                         |
|----------------------|---------------------------------|
| `MOPS_LANDING_DIR`   | `seeds/landing` (sample extracts) |
| `MOPS_WAREHOUSE`     | `data/warehouse.duckdb`         |
| `MOPS_MARTS`         | `data/marts.duckdb`             |
| `MOPS_MODELS_DIR`    | `models`                        |
| `MOPS_REPORT_TIMEZONE` | `UTC` (zone of report-style `MM/DD/YY hh:mm AM` timestamps) |
| `MOPS_MEMORY_LIMIT`  | DuckDB's default (80% of RAM)   |
| `MOPS_INGEST_SETTINGS` | `ingest.yml` (date order, decimal separator per object) |
| `DAGSTER_HOME`       | `dagster_home`                  |

Relative paths resolve against the project root (the folder holding `pyproject.toml`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable) or default).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    marts: Path
    models_dir: Path
    dagster_home: Path
    report_timezone: str = "UTC"
    memory_limit: str | None = None
    seeds_dir: Path = field(default=PROJECT_ROOT / "seeds")
    ingest_settings: Path = field(default=PROJECT_ROOT / "ingest.yml")

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_dir=_path("MOPS_LANDING_DIR", "seeds/landing"),
            warehouse=_path("MOPS_WAREHOUSE", "data/warehouse.duckdb"),
            marts=_path("MOPS_MARTS", "data/marts.duckdb"),
            models_dir=_path("MOPS_MODELS_DIR", "models"),
            dagster_home=_path("DAGSTER_HOME", "dagster_home"),
            report_timezone=os.environ.get("MOPS_REPORT_TIMEZONE") or "UTC",
            memory_limit=os.environ.get("MOPS_MEMORY_LIMIT") or None,
            ingest_settings=_path("MOPS_INGEST_SETTINGS", "ingest.yml"),
        )

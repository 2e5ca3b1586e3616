"""Where mops reads and writes, with environment overrides.

| variable             | default                         |
|----------------------|---------------------------------|
| `MOPS_LANDING_DIR`   | `seeds/landing` (sample extracts) |
| `MOPS_WAREHOUSE`     | `data/warehouse.duckdb`         |
| `MOPS_MARTS`         | `data/marts.duckdb`             |
| `MOPS_REPORTS_DIR`   | `reports/` beside `MOPS_MARTS` (`data/reports`): `<grain>/<period>.html` |
| `MOPS_REPORT_PDF`    | on (`0` = no PDF beside the report even when Chromium is installed) |
| `MOPS_MODELS_DIR`    | `models`                        |
| `MOPS_REPORT_TIMEZONE` | `UTC` (zone of report-style `MM/DD/YY hh:mm AM` timestamps) |
| `MOPS_MEMORY_LIMIT`  | DuckDB's default (80% of RAM)   |
| `MOPS_INGEST_SETTINGS` | `ingest.yml` (date order, decimal separator per object) |
| `MOPS_SETTLE_SECONDS` | `5` (a landing file changed more recently is watched that long first) |
| `MOPS_LANDING_FOLLOW_SYMLINKS` | off (links leading out of the landing folder are not followed) |
| `MOPS_FILE_MODE`     | `0600` (warehouse, marts, Parquet, lock and salt files: owner only) |
| `MOPS_PERSON_KEY_SALT` | generated once into `<warehouse dir>/.mops_person_key_salt` |
| `MOPS_ENGINE`        | `duckdb` (or `spark`: the Spark engine, a preview; docs/spark.md) |
| `MOPS_SPARK_REMOTE`  | none: a local Spark session (`sc://host:15002`: a Spark Connect server) |
| `MOPS_LAKE`          | `data/lake` (the Parquet tables of the Spark engine; a folder or URI) |
| `DAGSTER_HOME`       | `dagster_home`                  |

Relative paths resolve against the project root (the folder holding `pyproject.toml`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.errors import MopsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_URI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")


class SettingsError(MopsError):
    """An environment variable holds a value mops cannot use."""


def _file_mode(text: str | None) -> int:
    if not text:
        return 0o600
    try:
        mode = int(text, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777 or not mode & 0o600 == 0o600:
        raise SettingsError(
            f"MOPS_FILE_MODE={text!r} is not an octal file mode the owner can read and write; "
            "use e.g. 0600 (owner only) or 0640 (owner, plus its group reading)"
        )
    return mode


def _seconds(variable: str, default: float) -> float:
    text = os.environ.get(variable)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise SettingsError(f"{variable}={text!r} is not a number of seconds (e.g. 5 or 0.5)")
    return value


def _engine(text: str | None) -> Engine:
    value = (text or "duckdb").strip().lower()
    for engine in ENGINES:
        if value == engine:
            return engine
    raise SettingsError(
        f"MOPS_ENGINE={text!r} is not an engine mops runs on; use duckdb (the default) or spark"
    )


def _spark_remote(text: str | None) -> str | None:
    if not text:
        return None
    if not text.startswith("sc://"):
        raise SettingsError(
            f"MOPS_SPARK_REMOTE={text!r} is not a Spark Connect address; use sc://host:port "
            "(e.g. sc://127.0.0.1:15002), or leave it unset for a local Spark session"
        )
    return text


def _lake(text: str | None) -> str:
    """A folder (resolved like the other paths) or an object-store URI, kept as written."""
    if text and _URI.match(text):
        return text.rstrip("/")
    return str(_path("MOPS_LAKE", "data/lake"))


def _path(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable) or default).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def _reports_dir() -> Path:
    """`MOPS_REPORTS_DIR`, else `reports/` beside the published marts file."""
    if os.environ.get("MOPS_REPORTS_DIR"):
        return _path("MOPS_REPORTS_DIR", "")
    return _path("MOPS_MARTS", "data/marts.duckdb").parent / "reports"


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
    settle_seconds: float = 5.0
    follow_symlinks: bool = False
    file_mode: int = 0o600
    person_key_salt: str | None = None
    reports_dir: Path = field(default=PROJECT_ROOT / "data" / "reports")
    report_pdf: bool = True
    engine: Engine = "duckdb"
    spark_remote: str | None = None
    lake: str = str(PROJECT_ROOT / "data" / "lake")

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
            settle_seconds=_seconds("MOPS_SETTLE_SECONDS", 5.0),
            follow_symlinks=(os.environ.get("MOPS_LANDING_FOLLOW_SYMLINKS") or "").lower() in _TRUE,
            file_mode=_file_mode(os.environ.get("MOPS_FILE_MODE")),
            person_key_salt=os.environ.get("MOPS_PERSON_KEY_SALT") or None,
            reports_dir=_reports_dir(),
            report_pdf=(os.environ.get("MOPS_REPORT_PDF") or "1").lower() not in _FALSE,
            engine=_engine(os.environ.get("MOPS_ENGINE")),
            spark_remote=_spark_remote(os.environ.get("MOPS_SPARK_REMOTE")),
            lake=_lake(os.environ.get("MOPS_LAKE")),
        )

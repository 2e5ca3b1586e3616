"""Reference CSVs in `seeds/` (mappings, rules, thresholds) loaded as tables `seeds.<name>`.

Models read them as the source `seeds` (`{{ source('seeds', 'icp_rules') }}`), declared in
`models/_seeds.yml`. Descriptions, column docs and column types (`column_types`; else DuckDB's
CSV sniffer decides) are in `seeds/_seeds.yml`, the one YAML describing seeds. Only the top level of
`seeds/` holds seeds: `seeds/landing/` is the sample landing zone, not a seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import MopsError
from pipeline.sqltext import literal as quote

if TYPE_CHECKING:
    import duckdb

SEEDS_SCHEMA = "seeds"
SEEDS_YAML = "_seeds.yml"


class SeedError(MopsError):
    """A seed CSV cannot be loaded."""


def seed_files(seeds_dir: Path) -> list[Path]:
    return sorted(p for p in seeds_dir.glob("*.csv") if p.is_file())


def seed_config(seeds_dir: Path) -> dict[str, dict[str, Any]]:
    """`{seed name: {description, columns: [...], column_types: {...}}}` from `_seeds.yml`."""
    import yaml

    path = seeds_dir / SEEDS_YAML
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {entry["name"]: entry for entry in document.get("seeds") or []}


def load_seeds(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> list[str]:
    """(Re)create `seeds.<name>` for every CSV in `seeds_dir`; returns the table names."""
    config = seed_config(seeds_dir)
    con.execute(f"create schema if not exists {SEEDS_SCHEMA}")
    loaded = []
    for path in seed_files(seeds_dir):
        types = config.get(path.stem, {}).get("column_types") or {}
        options = (
            ", types = {" + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in types.items()) + "}"
            if types
            else ""
        )
        table = f"{SEEDS_SCHEMA}.{path.stem}"
        try:
            con.execute(
                f"create or replace table {table} as select * from "
                f"read_csv({quote(str(path))}, header = true{options})"
            )
        except Exception as error:
            raise SeedError(f"{path}: cannot load the seed: {error}") from error
        loaded.append(table)
    return loaded

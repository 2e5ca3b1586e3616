"""Reference CSVs in `seeds/` (mappings, rules, thresholds) loaded as tables `seeds.<name>`.

Models read them as the source `seeds` (`{{ source('seeds', 'icp_rules') }}`), declared in
`models/_seeds.yml`. Descriptions, column docs and column types (`column_types`; else DuckDB's
CSV sniffer decides) are in `seeds/_seeds.yml`, the one YAML describing seeds. Only the top level of
`seeds/` holds seeds: `seeds/landing/` is the sample landing zone, not a seed.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import MopsError
from pipeline.sqltext import literal as quote

if TYPE_CHECKING:
    import duckdb

SEEDS_SCHEMA = "seeds"
SEEDS_YAML = "_seeds.yml"


GRAINS = ("week", "month", "quarter")


class SeedError(MopsError):
    """A seed CSV cannot be loaded."""


class SeedValidationError(SeedError):
    """A seed row breaks a rule its `_seeds.yml` entry declares."""


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
    for path in seed_files(seeds_dir):
        validate_seed(con, path, config.get(path.stem, {}))
    return loaded


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row with trimmed values) of every data row of a seed CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _is_period_start(value: str, grain: str) -> bool:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return False
    if grain == "week":
        return day.weekday() == 0
    if grain == "month":
        return day.day == 1
    return grain == "quarter" and day.day == 1 and day.month in (1, 4, 7, 10)


def _referenced(con: duckdb.DuckDBPyConnection, reference: str) -> set[str]:
    seed, _, column = reference.partition(".")
    found = con.execute(
        f"select distinct cast({column} as varchar) from {SEEDS_SCHEMA}.{seed}"
    ).fetchall()
    return {str(value).strip() for (value,) in found if value is not None}


def _by_other_column(rules: Mapping[str, Any], row: Mapping[str, str]) -> dict[str, Any]:
    """`rules` with the `values_by` entry for this row's value of its other column applied."""
    by = rules.get("values_by")
    if not by:
        return dict(rules)
    other = row.get(str(by["column"]), "")
    applied = dict(rules)
    if other in (by.get("values") or {}):
        applied["accepted_values"] = by["values"][other]
    if other in (by.get("references") or {}):
        applied["references"] = by["references"][other]
    return applied


def _references_of(columns: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Every `<seed>.<column>` the column rules refer to."""
    found = set()
    for rules in columns.values():
        if rules.get("references"):
            found.add(str(rules["references"]))
        by = rules.get("values_by") or {}
        found.update(str(r) for r in (by.get("references") or {}).values())
    return found


def _column_problem(
    name: str,
    value: str,
    rules: Mapping[str, Any],
    row: Mapping[str, str],
    references: Mapping[str, set[str]],
) -> str | None:
    rules = _by_other_column(rules, row)
    if not value:
        return f"{name} is empty; give a value" if rules.get("required") else None
    accepted = rules.get("accepted_values")
    if accepted and value not in [str(v) for v in accepted]:
        return f"{name} {value!r} is not one of {', '.join(map(str, accepted))}"
    reference = rules.get("references")
    if reference and value not in references[reference]:
        seed, _, column = str(reference).partition(".")
        return f"{name} {value!r} is not a {column} of seeds/{seed}.csv; correct it or add it there"
    period = rules.get("period_start_of")
    if period:
        grain = str(period) if period in GRAINS else row.get(str(period), "")
        if grain in GRAINS and not _is_period_start(value, grain):
            return f"{name} {value!r} is not the first day of a {grain} (weeks start on Monday)"
    return None


def validate_seed(con: duckdb.DuckDBPyConnection, path: Path, entry: Mapping[str, Any]) -> None:
    """Check the rules `entry` (the seed's `_seeds.yml` entry) declares, row by row."""
    columns = {c["name"]: c for c in entry.get("columns") or [] if isinstance(c, dict)}
    references = {reference: _referenced(con, reference) for reference in _references_of(columns)}
    unique = list(entry.get("unique") or [])
    seen: dict[tuple[str, ...], int] = {}
    for line, row in _rows(path):
        for name, rules in columns.items():
            problem = _column_problem(name, row.get(name, ""), rules, row, references)
            if problem:
                raise SeedValidationError(f"{path} line {line}: {problem}.")
        if unique:
            key = tuple(row.get(c, "") for c in unique)
            if key in seen:
                raise SeedValidationError(
                    f"{path} line {line}: repeats line {seen[key]} ({', '.join(unique)} "
                    f"{', '.join(key)}); keep one of them."
                )
            seen[key] = line

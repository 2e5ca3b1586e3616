"""Small hand-made worlds for the people and pipeline models (identity, lifecycle, deals).

    con = build(tmp_path, {"salesforce/Lead/l.csv": csv("Id,Email", ["00Q...,a@x.com"])})

Every raw table is created first (empty when the world has no file for it), so a world only
lists the objects its test is about. Only the people/pipeline models and their parents are built.
Salesforce ids in worlds are 18 characters (ingest passes them through unchanged); `sfid()`
makes readable ones.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipeline.engine import build as build_models
from pipeline.engine import load_project, select
from pipeline.ingest.loader import ensure_meta, ensure_table
from pipeline.ingest.objects import OBJECTS
from pipeline.seeds import load_seeds
from pipeline.warehouse import connect
from tests.funnel.harness import MODELS_DIR, SEEDS_DIR, land, rows

__all__ = ["PEOPLE_MODELS", "build", "csv", "rows", "sfid"]

PEOPLE_MODELS = (
    "+dim_person +dim_account +fct_opportunity +int_opportunity__stage_history "
    "+stg_salesforce__campaign +stg_salesforce__campaign_member +stg_marketo__programs"
)
FX_MODEL = Path("intermediate") / "int_fx__daily_rates.sql"

# Used only while helper B's int_fx__daily_rates does not exist yet: the same columns, from the
# ECB euro rates, without carrying weekends forward (fct_opportunity's as-of join covers gaps).
_FX_STAND_IN = """
with rates as (
    select * from {{ source('fx', 'ecb_rates') }}
),
per_eur as (
    select date as rate_date, currency, cast(rate_per_eur as double) as rate_per_eur from rates
    union all
    select distinct date, 'EUR', 1.0 from rates
),
reporting as (
    select rate_date, rate_per_eur as reporting_per_eur
    from per_eur where currency = '{{ var("reporting_currency") }}'
)
select per_eur.rate_date, per_eur.currency,
    reporting.reporting_per_eur / per_eur.rate_per_eur as rate_to_reporting
from per_eur inner join reporting on reporting.rate_date = per_eur.rate_date
"""


def sfid(prefix: str, number: int) -> str:
    """A readable 18-character Salesforce id: `sfid('00Q', 1)` -> `00Q000000000001AAA`."""
    return f"{prefix}{number:012d}AAA"


def csv(header: str, lines: Iterable[str]) -> str:
    return "\n".join([header, *lines]) + "\n"


def _create_raw_tables(tmp_path: Path) -> None:
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_meta(con)
        for obj in OBJECTS:
            ensure_table(con, obj)
    finally:
        con.close()


def empty_warehouse(root: Path) -> duckdb.DuckDBPyConnection:
    """An open warehouse in `root` with every raw table (empty) and the seeds loaded."""
    _create_raw_tables(root)
    con = connect(root / "warehouse.duckdb")
    load_seeds(con, SEEDS_DIR)
    return con


def build(
    tmp_path: Path,
    files: Mapping[str, str],
    vars: Mapping[str, Any] | None = None,
    *,
    strict: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Ingest `files` (plus whatever is already in `tmp_path/landing`), load the seeds and build
    the people/pipeline models. `strict`: the world must load without quarantined rows (as in
    harness.build_world); the generated world has deliberate dirt, so it passes False."""
    _create_raw_tables(tmp_path)
    con = connect(tmp_path / "warehouse.duckdb")
    land(con, tmp_path / "landing", files, strict=strict)
    load_seeds(con, SEEDS_DIR)
    models = MODELS_DIR
    if not (MODELS_DIR / FX_MODEL).exists():  # until helper B's model lands
        models = tmp_path / "models"
        shutil.copytree(MODELS_DIR, models)
        (models / FX_MODEL).write_text(_FX_STAND_IN, encoding="utf-8")
    project = load_project(models, vars=vars)
    results = build_models(con, project, select(project, PEOPLE_MODELS), vars=vars)
    failed = [r for r in results if not r.ok]
    assert not failed, "\n".join(f"{r.name}: {r.status} {r.message}" for r in failed)
    return con

"""Small hand-made worlds for the touch, attribution, ad-spend and FX models.

    con = build(tmp_path, {"fx/ecb_rates/r.csv": csv("Date,USD,GBP", ["2024-01-05,1.1,0.85"])},
                select="+fct_ad_spend_daily")

Every raw table is created first (empty when the world has no file for it), so a world only
lists the objects its test is about; only the selected models and their parents are built.
`sfid()` makes readable 18-character Salesforce ids; `marketo_activity()` writes one line of
the Marketo bulk activity CSV (the attributes JSON quoted with doubled quotes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipeline.engine import build as build_models
from pipeline.engine import load_project, select
from pipeline.seeds import load_seeds
from pipeline.warehouse import connect
from tests.funnel.harness import MODELS_DIR, SEEDS_DIR, land, rows
from tests.funnel.people_world import _create_raw_tables, csv, sfid

__all__ = ["ACTIVITY_HEADER", "build", "csv", "marketo_activity", "rows", "sfid"]

ACTIVITY_HEADER = (
    "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
    "primaryAttributeValue,attributes"
)


def marketo_activity(
    guid: str,
    lead_id: int,
    at: str,
    type_id: int,
    attributes: Mapping[str, Any],
    primary_id: str = "",
    primary_value: str = "",
) -> str:
    """One bulk-extract line; `at` like `2024-03-01T10:00:00Z`."""
    cell = '"' + json.dumps(dict(attributes)).replace('"', '""') + '"'
    return f"{guid},{lead_id},{at},{type_id},,{primary_id},{primary_value},{cell}"


def build(
    tmp_path: Path,
    files: Mapping[str, str],
    select_spec: str,
    vars: Mapping[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Ingest `files`, load the seeds and build the models chosen by `select_spec` (selection
    syntax, e.g. `+fct_touch`). The world must load without quarantined rows."""
    _create_raw_tables(tmp_path)
    con = connect(tmp_path / "warehouse.duckdb")
    land(con, tmp_path / "landing", files)
    load_seeds(con, SEEDS_DIR)
    project = load_project(MODELS_DIR, vars=vars)
    results = build_models(con, project, select(project, select_spec), vars=vars)
    failed = [r for r in results if not r.ok]
    assert not failed, "\n".join(f"{r.name}: {r.status} {r.message}" for r in failed)
    return con

"""The Dagster code location: `dagster dev -m pipeline.definitions`.

Kept light on purpose: no duckdb, pandas or polars import happens while Dagster loads this.
"""

from __future__ import annotations

import dagster as dg

from pipeline.defs.ingest import ingest_assets
from pipeline.defs.resources import WarehouseResource

ingest = ingest_assets()

build_job = dg.define_asset_job(
    name="build",
    selection=dg.AssetSelection.all(),
    description="Ingest new landing files, then build every model. One process: DuckDB allows "
    "one writer per file.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[*ingest],
    jobs=[build_job],
    resources={"warehouse": WarehouseResource()},
    executor=dg.in_process_executor,
)

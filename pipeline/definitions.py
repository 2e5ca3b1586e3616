"""The Dagster code location: `dagster dev -m pipeline.definitions`.

Kept light on purpose: no duckdb, pandas or polars import happens while Dagster loads this
(sqlglot parses the models, which the asset graph needs). Each concern contributes its own
`dg.Definitions`; this module only merges them.
"""

import dagster as dg

from pipeline.defs.ingest import ingest_assets
from pipeline.defs.models import build_model_defs
from pipeline.defs.publish import build_quality_and_publish_defs
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.seeds import seeds_asset
from pipeline.settings import Settings

settings = Settings.from_env()
seeds = seeds_asset(settings.seeds_dir)

build_job = dg.define_asset_job(
    name="build",
    selection=dg.AssetSelection.all(),
    description="Ingest new landing files, load the seeds, then build every model. One process: "
    "DuckDB allows one writer per file.",
    executor_def=dg.in_process_executor,
)


def _core() -> dg.Definitions:
    """Ingest, seeds, the warehouse resource and the `build` job (Dagster allows one module-level
    Definitions object, so the parts are built in functions)."""
    return dg.Definitions(
        assets=[*ingest_assets(), *([seeds] if seeds else [])],
        jobs=[build_job],
        resources={"warehouse": WarehouseResource()},
        executor=dg.in_process_executor,
    )


defs = dg.Definitions.merge(
    _core(),
    build_model_defs(settings.models_dir),
    build_quality_and_publish_defs(settings.models_dir),
)

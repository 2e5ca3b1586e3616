"""The Dagster code location: `dagster dev -m pipeline.definitions`.

Kept light on purpose: no duckdb, pandas or polars import happens while Dagster loads this
(sqlglot parses the models, which the asset graph needs). Each concern contributes its own
`dg.Definitions`; this module only merges them.
"""

import dagster as dg

from pipeline.defs.ingest import ingest_assets, ingest_log_specs
from pipeline.defs.models import build_model_defs
from pipeline.defs.nightly import nightly_defs
from pipeline.defs.publish import build_quality_and_publish_defs
from pipeline.defs.report import report_defs
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.seeds import seeds_asset
from pipeline.engine import load_project
from pipeline.settings import Settings

settings = Settings.from_env()
seeds = seeds_asset(settings.seeds_dir)
project = load_project(settings.models_dir)  # once: models, checks and publish share it


def _core() -> dg.Definitions:
    """Ingest, seeds and the warehouse resource (Dagster allows one module-level Definitions
    object, so the parts are built in functions; the jobs are in `pipeline.defs.nightly`)."""
    return dg.Definitions(
        assets=[*ingest_assets(), *ingest_log_specs(), *([seeds] if seeds else [])],
        resources={"warehouse": WarehouseResource()},
        executor=dg.in_process_executor,
    )


defs = dg.Definitions.merge(
    _core(),
    build_model_defs(project),
    build_quality_and_publish_defs(project),
    report_defs(),
    nightly_defs(),
)

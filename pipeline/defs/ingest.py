"""One Dagster asset per landing object: `raw/<system>/<object>`, group `ingest`."""

import warnings
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.ingest.objects import OBJECTS, SourceObject
from pipeline.ingest.parsing import SQL_TYPES

warnings.filterwarnings("ignore", category=dg.BetaWarning)

INGEST_GROUP = "ingest"
# Extracts land daily: a raw table not refreshed for 26 hours warns, for 50 hours fails (a stale
# extract is the most common silent failure). Needs `freshness: enabled: true` in dagster.yaml.
RAW_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=50), warn_window=timedelta(hours=26)
)
_LOADER_SOURCE = Path(__file__).resolve().parent.parent / "ingest" / "loader.py"
_LOAD_LOG_SOURCE = _LOADER_SOURCE.with_name("load_log.py")


def _column_schema(obj: SourceObject) -> dg.TableSchema:
    columns = [
        dg.TableColumn(c.name, _spelled(SQL_TYPES[c.type]), c.description) for c in obj.columns
    ]
    if obj.unpivot:
        key, value, kind = obj.unpivot
        columns += [
            dg.TableColumn(key, "VARCHAR", "the wide file's column header (e.g. the currency)"),
            dg.TableColumn(value, _spelled(SQL_TYPES[kind]), "the value under that header"),
        ]
    columns += [
        dg.TableColumn("_file", "VARCHAR", description="landing file, relative to the landing dir"),
        dg.TableColumn("_line", "BIGINT", description="line of the record in that file"),
        dg.TableColumn("_load_id", "VARCHAR", description="meta.load_log.load_id"),
    ]
    if not obj.unpivot:
        columns.append(
            dg.TableColumn(
                "_extra", "JSON", description="columns the contract does not know, as JSON"
            )
        )
    return dg.TableSchema(columns=columns)


def _spelled(sql_type: str) -> str:
    """Types as DuckDB reports them (DECIMAL(18,6)), the spelling the model assets show too."""
    return sql_type.upper().replace(", ", ",")


def _ingest_asset(obj: SourceObject) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(list(obj.asset_path)),
        group_name=INGEST_GROUP,
        kinds={"duckdb"},
        description=f"{obj.description} Landing folder `{obj.system}/{obj.name}/`; "
        f"table `{obj.qualified_table}`.",
        owners=["team:data-engineering"],
        freshness_policy=RAW_FRESHNESS,
        metadata={
            "dagster/table_name": obj.qualified_table,
            "dagster/column_schema": _column_schema(obj),
            "dagster/code_references": dg.CodeReferencesMetadataValue(
                code_references=[dg.LocalFileCodeReference(file_path=str(_LOADER_SOURCE))]
            ),
        },
    )
    def _load(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:  # type: ignore[type-arg]
        return load_object(context, warehouse, obj)

    return _load


def load_object(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, obj: SourceObject
) -> dg.MaterializeResult:  # type: ignore[type-arg]
    from pipeline.ingest.loader import ingest_landing

    settings = warehouse.settings()
    landing = Path(warehouse.landing_dir) if warehouse.landing_dir else settings.landing_dir
    with warehouse.connect() as con:
        results = ingest_landing(con, landing, settings, objects=[obj])
        counted = con.execute(f"select count(*) from {obj.qualified_table}").fetchone()
    for result in results:
        if result.status in ("rejected", "deferred"):
            context.log.warning(f"{result.status} {result.path}: {result.error}")
        elif result.status == "duplicate":
            context.log.info(f"duplicate {result.path}: {result.error}")
        elif result.rows_quarantined:
            context.log.warning(
                f"{result.path}: {result.rows_quarantined} row(s) quarantined (meta.quarantine)"
            )
    metadata: dict[str, Any] = {
        "files_loaded": sum(r.status == "loaded" for r in results),
        "files_rejected": sum(r.status == "rejected" for r in results),
        "files_skipped": sum(r.status == "skipped" for r in results),
        "files_duplicate": sum(r.status == "duplicate" for r in results),
        "files_deferred": sum(r.status == "deferred" for r in results),
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_quarantined": sum(r.rows_quarantined for r in results),
        "dagster/row_count": int(counted[0]) if counted else 0,
        "dagster/table_name": obj.qualified_table,
        "dagster/column_schema": _column_schema(obj),
    }
    rejected = [f"{r.path}: {r.error}" for r in results if r.status == "rejected"]
    if rejected:
        metadata["rejected_files"] = dg.MetadataValue.md("\n".join(f"- {r}" for r in rejected))
    return dg.MaterializeResult(metadata=metadata)


def ingest_assets(objects: Sequence[SourceObject] = OBJECTS) -> list[dg.AssetsDefinition]:
    return [_ingest_asset(obj) for obj in objects]


LOG_TABLES = {
    "load_log": "One row per landing file loaded, skipped or rejected, with rows read, loaded "
    "and quarantined (rows in = rows loaded + rows quarantined).",
    "quarantine": "One row per landing row (and failing column) that could not be typed, with "
    "its file, line, raw value and reason.",
}


def ingest_log_specs() -> list[dg.AssetSpec]:
    """`raw/meta/*`: the ingest log tables. Every `raw/*` asset appends to them as it loads, so
    they are declared (for lineage to `mart_data_quality`), not materialized on their own."""
    return [
        dg.AssetSpec(
            key=dg.AssetKey(["raw", "meta", name]),
            group_name=INGEST_GROUP,
            kinds={"duckdb"},
            description=f"{description} Table `meta.{name}`, written by every `raw/*` asset.",
            owners=["team:data-engineering"],
            metadata={
                "dagster/table_name": f"meta.{name}",
                "dagster/code_references": dg.CodeReferencesMetadataValue(
                    code_references=[dg.LocalFileCodeReference(file_path=str(_LOAD_LOG_SOURCE))]
                ),
            },
        )
        for name, description in LOG_TABLES.items()
    ]

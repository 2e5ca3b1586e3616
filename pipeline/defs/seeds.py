"""The reference CSVs in `seeds/` as one Dagster multi-asset: `seeds/<name>`, group `ingest`."""

import hashlib
import warnings
from pathlib import Path

import dagster as dg

from pipeline.defs.resources import WarehouseResource
from pipeline.seeds import SEEDS_SCHEMA, seed_config, seed_files

warnings.filterwarnings("ignore", category=dg.BetaWarning)

SEEDS_GROUP = "ingest"


def seed_key(path: Path) -> dg.AssetKey:
    return dg.AssetKey(["seeds", path.stem])


def seeds_asset(seeds_dir: Path) -> dg.AssetsDefinition | None:
    """One subsettable multi-asset over every seed CSV, or None when there is none."""
    files = seed_files(seeds_dir)
    if not files:
        return None
    config = seed_config(seeds_dir)
    specs = [
        dg.AssetSpec(
            key=seed_key(path),
            group_name=SEEDS_GROUP,
            kinds={"duckdb", "csv"},
            description=config.get(path.stem, {}).get("description")
            or f"Reference data from seeds/{path.name}.",
            owners=["team:marketing-ops"],
            code_version=hashlib.sha256(path.read_bytes()).hexdigest()[:16],
            metadata={
                "dagster/table_name": f"{SEEDS_SCHEMA}.{path.stem}",
                "dagster/code_references": dg.CodeReferencesMetadataValue(
                    code_references=[dg.LocalFileCodeReference(file_path=str(path))]
                ),
            },
        )
        for path in files
    ]

    @dg.multi_asset(specs=specs, name="seeds", can_subset=True)
    def _seeds(context: dg.AssetExecutionContext, warehouse: WarehouseResource):  # type: ignore[no-untyped-def]
        from pipeline.seeds import load_seeds

        with warehouse.connect() as con:
            load_seeds(con, seeds_dir)
            for path in files:
                key = seed_key(path)
                if key not in context.selected_asset_keys:
                    continue
                counted = con.execute(f"select count(*) from {SEEDS_SCHEMA}.{path.stem}").fetchone()
                yield dg.MaterializeResult(
                    asset_key=key,
                    metadata={"dagster/row_count": int(counted[0]) if counted else 0},
                )

    return _seeds

"""The ingest assets as Dagster runs them: keys, group, kinds and materialization metadata."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipeline.defs.ingest import INGEST_GROUP, ingest_assets
from pipeline.defs.resources import WarehouseResource
from pipeline.ingest.objects import OBJECTS, find_object
from tests.conftest import LandingWriter


def test_one_asset_per_landing_object() -> None:
    keys = {key for asset in ingest_assets() for key in asset.keys}
    assert keys == {dg.AssetKey(["raw", o.system, o.name]) for o in OBJECTS}
    lead = next(a for a in ingest_assets() if dg.AssetKey(["raw", "salesforce", "Lead"]) in a.keys)
    spec = next(iter(lead.specs))
    assert spec.group_name == INGEST_GROUP
    assert spec.kinds == {"duckdb"}
    assert spec.description and "raw.salesforce__lead" in spec.description


def test_materializing_reports_files_rows_and_schema(
    tmp_path: Path, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/a.csv", "Id,Email\n00Q000000000001AAA,a@x.com\n")
    deliver("salesforce/Lead/b.csv", "Id,NumberOfEmployees\n00Q000000000002AAA,many\n")
    lead = find_object("salesforce", "Lead")
    assert lead is not None
    result = dg.materialize(
        ingest_assets([lead]),
        resources={
            "warehouse": WarehouseResource(
                path=str(tmp_path / "w.duckdb"), landing_dir=str(landing)
            )
        },
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("raw__salesforce__Lead")
    metadata = {k: v.value for k, v in materialization.metadata.items()}
    assert metadata["files_loaded"] == 2
    assert metadata["rows_loaded"] == 1
    assert metadata["rows_quarantined"] == 1
    assert metadata["dagster/row_count"] == 1
    assert metadata["dagster/table_name"] == "raw.salesforce__lead"

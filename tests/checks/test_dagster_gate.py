"""Acceptance: in Dagster, a dirty world fails the blocking checks with the failing keys in the
check metadata, `publish/marts` does not run, and the published file stays byte-for-byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg

from checks.config import load_config
from pipeline.defs.models import build_model_defs
from pipeline.defs.publish import PUBLISH_KEY, build_quality_and_publish_defs, publish_asset
from pipeline.defs.quality import load_checks
from pipeline.defs.resources import WarehouseResource
from pipeline.publish import read_published
from pipeline.settings import Settings
from tests.checks.dirt import make_dirty


def gate_and_publish(warehouse: Path, target: Path) -> dg.ExecuteInProcessResult:
    """Run every asset check (the models' tests on the tables as they are, the load gate) and
    `publish/marts`, not the models, on `warehouse`."""
    models_dir = Settings.from_env().models_dir
    models = build_model_defs(models_dir)
    quality = build_quality_and_publish_defs(models_dir)
    gate_keys = [
        key
        for definition in [*(models.assets or []), *(quality.asset_checks or [])]
        for key in definition.check_keys  # type: ignore[union-attr]
    ]
    defs = dg.Definitions.merge(
        models,
        quality,
        dg.Definitions(
            jobs=[
                dg.define_asset_job(
                    "gate_and_publish",
                    selection=dg.AssetSelection.assets(PUBLISH_KEY)
                    | dg.AssetSelection.checks(*gate_keys),
                    executor_def=dg.in_process_executor,
                )
            ],
            resources={"warehouse": WarehouseResource(path=str(warehouse))},
        ),
    )
    job = defs.resolve_job_def("gate_and_publish")
    config = {"ops": {"publish__marts": {"config": {"target": str(target)}}}}
    return job.execute_in_process(
        run_config=config, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )


def evaluations(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    found = {}
    for event in result.get_asset_check_evaluations():
        found[f"{event.asset_key.to_user_string()}:{event.check_name}"] = event
    return found


def test_dirty_world_is_not_published(warehouse_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "bi" / "marts.duckdb"
    clean = gate_and_publish(warehouse_copy, target)
    assert clean.success
    assert all(e.passed or e.severity == dg.AssetCheckSeverity.WARN
               for e in evaluations(clean).values())  # fmt: skip
    assert read_published(target) is not None
    published = target.read_bytes()
    parquet = sorted(p.name for p in (tmp_path / "bi" / "marts_parquet").iterdir())

    keys = make_dirty(warehouse_copy)
    dirty = gate_and_publish(warehouse_copy, target)

    assert not dirty.success
    materialized = [e.asset_key for e in dirty.get_asset_materialization_events()]
    assert PUBLISH_KEY not in materialized
    found = evaluations(dirty)
    failed = {k for k, e in found.items() if not e.passed}
    assert {
        "marts/dim_person:one_person_per_email",
        "marts/fct_opportunity:one_row_per_opportunity_id",
        "marts/fct_ad_spend_daily:values_valid",
    } <= failed
    person = found["marts/dim_person:one_person_per_email"]
    assert person.severity == dg.AssetCheckSeverity.ERROR
    sample = json.dumps(person.metadata["failing_sample"].value)
    assert keys["email"].lower() in sample
    assert person.metadata["failing_rows"].value == 1
    opportunity = found["marts/fct_opportunity:one_row_per_opportunity_id"]
    assert keys["opportunity_id"] in json.dumps(opportunity.metadata["failing_sample"].value)
    spend = found["marts/fct_ad_spend_daily:values_valid"]
    assert "-12.5" in json.dumps(spend.metadata["failing_sample"].value)
    assert target.read_bytes() == published
    assert sorted(p.name for p in (tmp_path / "bi" / "marts_parquet").iterdir()) == parquet


def test_publish_alone_runs_the_gate_itself(warehouse_copy: Path, tmp_path: Path) -> None:
    """Selecting only `publish/marts` (no checks in the run) still refuses dirty data."""
    target = tmp_path / "marts.duckdb"
    make_dirty(warehouse_copy)
    models_dir = Settings.from_env().models_dir
    config = load_config()
    asset = publish_asset(models_dir, load_checks(config), config)
    publish_only = dg.materialize(
        [asset],
        selection=[PUBLISH_KEY],
        resources={"warehouse": WarehouseResource(path=str(warehouse_copy))},
        run_config={"ops": {"publish__marts": {"config": {"target": str(target)}}}},
        raise_on_error=False,
    )
    assert not publish_only.success
    assert not target.exists()
    failure = publish_only.get_step_failure_events()[0]
    assert "one_person_per_email" in str(failure.step_failure_data.error)

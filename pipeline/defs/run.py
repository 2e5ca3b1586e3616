"""Running the Dagster `build` job in this process, as `mops build` does."""

from __future__ import annotations

import os
from dataclasses import dataclass

import dagster as dg

from pipeline.settings import Settings


@dataclass(frozen=True)
class AssetOutcome:
    key: str
    row_count: int | None


def use_project_dagster_home(settings: Settings) -> None:
    """Point Dagster at `dagster_home/` unless DAGSTER_HOME is set, so CLI runs show in the UI."""
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    settings.dagster_home.mkdir(parents=True, exist_ok=True)


def run_build(settings: Settings) -> tuple[bool, list[AssetOutcome]]:
    from pipeline.definitions import defs

    use_project_dagster_home(settings)
    job = defs.resolve_job_def("build")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    outcomes = []
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        rows = materialization.metadata.get("dagster/row_count")
        outcomes.append(
            AssetOutcome(
                materialization.asset_key.to_user_string(),
                int(rows.value) if rows is not None and rows.value is not None else None,  # type: ignore[arg-type]
            )
        )
    return result.success, outcomes

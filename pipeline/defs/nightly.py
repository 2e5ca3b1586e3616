"""Nightly operation: the `nightly` and `full_refresh` jobs, the 02:00 schedule, the sensor.

`nightly` selects every asset (ingest, seeds, models, checks and, once it exists, publish) and runs
in one process (DuckDB allows one writer per file). Ingest loads only files whose content hash is
new; incremental models rebuild only what changed. `full_refresh` is the same selection with
`ModelsConfig(full_refresh=True)`: every model is rebuilt from scratch (use it after changing an
incremental model's SQL).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from pipeline.defs.models import ASSET_NAME, ModelsConfig
from pipeline.defs.resources import WarehouseResource

NIGHTLY_JOB = "nightly"
FULL_REFRESH_JOB = "full_refresh"
NIGHTLY_CRON = "0 2 * * *"
TIMEZONE_ENV = "MOPS_SCHEDULE_TIMEZONE"
EVERYTHING = dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks()


def _job_metadata(cli: str) -> dict[str, str]:
    """What a reader of the job's page needs: how to start it outside the UI, what it reads and
    writes, and where it is documented."""
    return {
        "command line": cli,
        "reads": "MOPS_LANDING_DIR (default seeds/landing)",
        "builds": "MOPS_WAREHOUSE (default data/warehouse.duckdb), under its build lock",
        "publishes": "MOPS_MARTS (default data/marts.duckdb) when every blocking check passes",
        "documentation": "docs/operations.md",
    }


nightly_job = dg.define_asset_job(
    name=NIGHTLY_JOB,
    selection=EVERYTHING,
    description="Load new landing files, load the seeds, build the models (incremental ones "
    "only where data changed), run the checks, publish. One process: DuckDB allows one writer.",
    executor_def=dg.in_process_executor,
    tags={"mops/run": "nightly"},
    metadata=_job_metadata("mops build"),
)

full_refresh_job = dg.define_asset_job(
    name=FULL_REFRESH_JOB,
    selection=EVERYTHING,
    description="As `nightly`, but every model (incremental ones included) is rebuilt from "
    "scratch on all loaded data. Use after changing a model or for late data.",
    executor_def=dg.in_process_executor,
    config=dg.RunConfig(ops={ASSET_NAME: ModelsConfig(full_refresh=True)}),
    tags={"mops/run": "full_refresh"},
    metadata=_job_metadata("mops build --full-refresh"),
)


def schedule_timezone() -> str:
    """The zone of the 02:00 schedule: `MOPS_SCHEDULE_TIMEZONE`, default UTC."""
    return os.environ.get(TIMEZONE_ENV) or "UTC"


nightly_schedule = dg.ScheduleDefinition(
    name="nightly_at_0200",
    job=nightly_job,
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=schedule_timezone(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=f"Runs `nightly` every day at 02:00 ({TIMEZONE_ENV}, default UTC).",
)


def landing_files(landing: Path, follow_symlinks: bool = False) -> list[tuple[str, int]]:
    """(path relative to the landing dir, bytes) of every entry ingest would log: the loader's
    own discovery, less files with a temporary name (they are not loaded until renamed)."""
    from pipeline.ingest.landing import discover, is_temporary

    if not landing.is_dir():
        return []
    return [
        (entry.relative_path, entry.size)
        for entry in discover(landing, follow_symlinks=follow_symlinks)
        if not is_temporary(entry.path.name)
    ]


def batch_key(files: Iterable[tuple[str, int]]) -> str:
    """The run key of a batch: a hash of its sorted paths and sizes."""
    payload = "\n".join(f"{path}\t{size}" for path, size in sorted(files))
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def loaded_files(warehouse: Path) -> set[tuple[str, int]] | None:
    """(path, bytes) of every file in meta.load_log; None while a run holds the file."""
    import duckdb

    if not warehouse.exists():
        return set()
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None  # a run is writing: look again at the next tick
    try:
        rows = con.execute("select path, bytes from meta.load_log").fetchall()
    except duckdb.Error:
        return set()
    finally:
        con.close()
    return {(str(path), int(size)) for path, size in rows}


@dg.sensor(
    name="new_landing_files",
    job=nightly_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts `nightly` when files not yet in meta.load_log land (off by default; "
    "switch it on in the UI). One run per batch: the run key hashes the new paths and sizes.",
)
def new_landing_files(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.RunRequest | dg.SkipReason:
    from pipeline.lock import busy

    settings = warehouse.settings()
    landing = Path(warehouse.landing_dir) if warehouse.landing_dir else settings.landing_dir
    holder = busy(warehouse.warehouse_path())
    if holder is not None:
        return dg.SkipReason(f"the warehouse is being built by {holder}; looking again later")
    loaded = loaded_files(Path(warehouse.warehouse_path()))
    if loaded is None:
        return dg.SkipReason("the warehouse is being written; looking again at the next tick")
    new = [item for item in landing_files(landing, settings.follow_symlinks) if item not in loaded]
    if not new:
        return dg.SkipReason(f"no new files in {landing}")
    key = batch_key(new)
    context.log.info(f"{len(new)} new file(s), batch {key}")
    return dg.RunRequest(run_key=key, tags={"mops/new_files": str(len(new))})


def nightly_defs() -> dg.Definitions:
    """The nightly jobs, schedule and sensor (assets and the `warehouse` resource come from the
    other Definitions merged in `pipeline.definitions`)."""
    return dg.Definitions(
        jobs=[nightly_job, full_refresh_job],
        schedules=[nightly_schedule],
        sensors=[new_landing_files],
    )


__all__ = ["batch_key", "landing_files", "nightly_defs", "schedule_timezone"]

"""Running the `nightly` (or `full_refresh`) Dagster job in this process, as `mops build` does:
the CLI and the schedule share one code path."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from pipeline.defs.nightly import FULL_REFRESH_JOB, NIGHTLY_JOB
from pipeline.settings import Settings


@dataclass(frozen=True)
class AssetOutcome:
    key: str
    row_count: int | None
    rows_loaded: int | None = None  # ingest: rows this run loaded
    rows_quarantined: int | None = None  # ingest: rows this run quarantined
    path: str | None = None  # the file it wrote (publish, reports)


@dataclass(frozen=True)
class CheckOutcome:
    key: str  # <asset>:<check>
    passed: bool
    blocking: bool
    offending_files: str = ""  # the load gate's files and top reasons, one per line


@dataclass(frozen=True)
class BuildOutcome:
    success: bool
    assets: list[AssetOutcome] = field(default_factory=list)
    checks: list[CheckOutcome] = field(default_factory=list)
    run_id: str = ""

    @property
    def published(self) -> bool:
        return any(a.key == "publish/marts" for a in self.assets)

    @property
    def reports(self) -> list[str]:
        return [a.path for a in self.assets if a.key.startswith("report/") and a.path]

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed]


def use_project_dagster_home(settings: Settings) -> None:
    """Point Dagster at `dagster_home/` unless DAGSTER_HOME is set, so CLI runs show in the UI."""
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    settings.dagster_home.mkdir(parents=True, exist_ok=True)


EventHandler = Callable[[dg.DagsterEvent], None]


def run_build(
    settings: Settings, full_refresh: bool = False, on_event: EventHandler | None = None
) -> BuildOutcome:
    """Run `nightly` (or `full_refresh`) here as a run of the code location's own job, so the UI
    lists it under the job; `on_event` sees every event as it happens."""
    from pipeline.jobrun import execute_job_run

    use_project_dagster_home(settings)
    job_name = FULL_REFRESH_JOB if full_refresh else NIGHTLY_JOB
    events: list[dg.DagsterEvent] = []

    def collect(event: dg.DagsterEvent) -> None:
        events.append(event)
        if on_event is not None:
            on_event(event)

    with dg.DagsterInstance.get() as instance:
        run = execute_job_run(instance, job_name, collect, tags={"mops/launched_by": "mops build"})
        success = _succeeded(instance, run.run_id)
    return BuildOutcome(success, _assets(events), _checks(events), run.run_id)


def _succeeded(instance: dg.DagsterInstance, run_id: str) -> bool:
    run = instance.get_run_by_id(run_id)
    return run is not None and run.status == dg.DagsterRunStatus.SUCCESS


def _assets(events: list[dg.DagsterEvent]) -> list[AssetOutcome]:
    outcomes = []
    for event in events:
        if not event.is_step_materialization:
            continue
        materialization = event.step_materialization_data.materialization
        metadata = materialization.metadata
        outcomes.append(
            AssetOutcome(
                materialization.asset_key.to_user_string(),
                _count(metadata.get("dagster/row_count")),
                _count(metadata.get("rows_loaded")),
                _count(metadata.get("rows_quarantined")),
                _text(metadata.get("path")) or None,
            )
        )
    return outcomes


def _count(value: object) -> int | None:
    number = getattr(value, "value", None)
    return int(number) if isinstance(number, int | float) else None


def model_count() -> int:
    """The models `nightly` builds (ephemeral ones are inlined, not built)."""
    from pipeline.definitions import project

    return sum(not model.is_ephemeral for model in project.models.values())


def _checks(events: list[dg.DagsterEvent]) -> list[CheckOutcome]:
    evaluations = [
        event.asset_check_evaluation_data
        for event in events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    return [
        CheckOutcome(
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
            evaluation.passed,
            evaluation.severity == dg.AssetCheckSeverity.ERROR,
            _text(evaluation.metadata.get("offending_files")),
        )
        for evaluation in evaluations
    ]


def _text(value: object) -> str:
    text = getattr(value, "value", None)
    return text if isinstance(text, str) else ""

"""Running the `nightly` (or `full_refresh`) Dagster job in this process, as `mops build` does:
the CLI and the schedule share one code path."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import dagster as dg

from pipeline.defs.nightly import FULL_REFRESH_JOB, NIGHTLY_JOB
from pipeline.settings import Settings


@dataclass(frozen=True)
class AssetOutcome:
    key: str
    row_count: int | None


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

    @property
    def published(self) -> bool:
        return any(a.key == "publish/marts" for a in self.assets)

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed]


def use_project_dagster_home(settings: Settings) -> None:
    """Point Dagster at `dagster_home/` unless DAGSTER_HOME is set, so CLI runs show in the UI."""
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    settings.dagster_home.mkdir(parents=True, exist_ok=True)


def run_build(settings: Settings, full_refresh: bool = False) -> BuildOutcome:
    from pipeline.definitions import defs

    use_project_dagster_home(settings)
    job = defs.resolve_job_def(FULL_REFRESH_JOB if full_refresh else NIGHTLY_JOB)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    return BuildOutcome(result.success, _assets(result), _checks(result))


def _assets(result: dg.ExecuteInProcessResult) -> list[AssetOutcome]:
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
    return outcomes


def _checks(result: dg.ExecuteInProcessResult) -> list[CheckOutcome]:
    return [
        CheckOutcome(
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
            evaluation.passed,
            evaluation.severity == dg.AssetCheckSeverity.ERROR,
            _text(evaluation.metadata.get("offending_files")),
        )
        for evaluation in result.get_asset_check_evaluations()
    ]


def _text(value: object) -> str:
    text = getattr(value, "value", None)
    return text if isinstance(text, str) else ""

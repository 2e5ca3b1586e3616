"""`mops build` is a run of the code location's `nightly` job: the UI (Dagster GraphQL, as the
job's Runs tab asks it) lists it under the job, with the job's own snapshot."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget, ModuleTarget
from dagster_graphql.cli import execute_query
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.jobrun import LOCATION, MODULE, REPOSITORY, location_origin
from pipeline.settings import PROJECT_ROOT

REPORT_ZONE = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce_report"

JOB_RUNS = """
query JobRuns($selector: PipelineSelector!) {
  pipelineOrError(params: $selector) {
    __typename
    ... on Pipeline {
      pipelineSnapshotId
      runs { runId status pipelineSnapshotId }
    }
  }
}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A Dagster home after one `mops build` of the Salesforce report exports."""
    root = tmp_path_factory.mktemp("cli_run")
    shutil.copytree(REPORT_ZONE, root / "landing")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MOPS_LANDING_DIR", str(root / "landing"))
        env.setenv("MOPS_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("MOPS_MARTS", str(root / "marts.duckdb"))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        result = CliRunner().invoke(app, ["build"])
        assert result.exit_code == 0, result.output
        yield root / "dagster_home"


def job_runs(dagster_home: Path, job: str) -> dict[str, Any]:
    with (
        dg.DagsterInstance.from_config(str(dagster_home)) as instance,
        WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(location_origin())) as ws,
    ):
        selector = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY,
                    "pipelineName": job}  # fmt: skip
        result = execute_query(ws, JOB_RUNS, {"selector": selector})
    assert "errors" not in result, result
    return result["data"]["pipelineOrError"]  # type: ignore[no-any-return]


def test_the_location_is_named_as_make_dev_names_it() -> None:
    origin = ModuleTarget(MODULE, None, str(PROJECT_ROOT), None).create_origins()[0]
    assert origin.location_name == LOCATION


def test_a_cli_build_is_listed_under_the_nightly_job_with_its_snapshot(built: Path) -> None:
    job = job_runs(built, "nightly")
    assert job["__typename"] == "Pipeline"
    assert [(r["status"], r["pipelineSnapshotId"]) for r in job["runs"]] == [
        ("SUCCESS", job["pipelineSnapshotId"])
    ]


def test_a_cli_build_is_not_a_run_of_full_refresh(built: Path) -> None:
    assert job_runs(built, "full_refresh")["runs"] == []


RULE = {"outcome", "severity", "max_failing_rows", "max_failing_rate", "failing_rows",
        "checked_rows", "failing_rate", "failing_sample", "validates_run"}  # fmt: skip


def test_gate_results_state_their_rule_and_follow_what_they_validate(built: Path) -> None:
    with dg.DagsterInstance.from_config(str(built)) as instance:
        [run] = instance.get_runs()
        entries = instance.all_logs(run.run_id)
    materialized: dict[dg.AssetKey, int] = {}
    gate_results = 0
    for position, entry in enumerate(entries):
        event = entry.dagster_event
        if event is None:
            continue
        if event.is_step_materialization:
            materialized[event.asset_key] = position  # type: ignore[index]
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            result = event.asset_check_evaluation_data
            if "checked_rows" not in result.metadata:
                continue  # a YAML test, judged with its model
            gate_results += 1
            assert set(result.metadata) >= RULE, result.check_name
            assert materialized[result.asset_key] < position, result.check_name
            assert result.metadata["validates_run"].value == run.run_id
            verdict = str(result.metadata["outcome"].value)
            assert verdict.startswith("passed" if result.passed else "failed"), verdict
    assert gate_results > 0

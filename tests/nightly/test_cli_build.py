"""`mops build` as the UI and the console tell it: a run of the code location's `nightly` job
(Dagster GraphQL, as the job's Runs tab asks it, lists it under the job with the job's own
snapshot), check results that state their rule, progress lines and a summary in pipeline order."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Build:
    dagster_home: Path
    output: str


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    """One `mops build` of the Salesforce report exports: its Dagster home and its output."""
    root = tmp_path_factory.mktemp("cli_run")
    shutil.copytree(REPORT_ZONE, root / "landing")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MOPS_LANDING_DIR", str(root / "landing"))
        env.setenv("MOPS_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("MOPS_MARTS", str(root / "marts.duckdb"))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        result = CliRunner().invoke(app, ["build"])
        assert result.exit_code == 0, result.output
        yield Build(root / "dagster_home", result.output)


@pytest.fixture(scope="module")
def built(build: Build) -> Path:
    return build.dagster_home


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
            if result.asset_key.path[0] == "raw":
                continue  # the load gate: files, not rows
            gate_results += 1
            assert set(result.metadata) >= RULE, result.check_name
            assert materialized[result.asset_key] < position, result.check_name
            assert result.metadata["validates_run"].value == run.run_id
            verdict = str(result.metadata["outcome"].value)
            assert verdict.startswith("passed" if result.passed else "failed"), verdict
    assert gate_results > 0


def test_each_stage_prints_a_progress_line_as_it_starts(build: Build) -> None:
    stages = re.findall(r"^\[ *\d+s\] (\w+(?: gate)?)", build.output, flags=re.MULTILINE)
    first = {stage: stages.index(stage) for stage in reversed(stages)}
    assert set(first) == {"ingest", "load gate", "seeds", "models", "publish", "report"}
    assert stages[0] == "ingest" and stages[-1] == "report" and first["publish"] < first["report"]
    assert first["load gate"] < first["models"] and first["seeds"] < first["models"]
    counts = re.findall(r"^\[ *\d+s\] models (\d+)/(\d+)", build.output, flags=re.MULTILINE)
    assert counts[0][0] == "0"
    assert counts[-1][0] == counts[-1][1]


def test_model_lines_count_the_checks_run_so_far(build: Build) -> None:
    checks = re.findall(r"^\[ *\d+s\] models \d+/\d+ \(.+\), checks (\d+) passed, (\d+) failed$",
                        build.output, flags=re.MULTILINE)  # fmt: skip
    passed = [int(p) for p, _ in checks]
    assert passed == sorted(passed) and passed[-1] > 0
    assert {failed for _, failed in checks} == {"0"}


def test_the_summary_lists_assets_in_the_order_the_run_built_them(build: Build) -> None:
    rows = re.findall(r"^│ (\S+) +│ +([\d,]*) │ +([\d,]*) │ +([\d,]*) │$", build.output,
                      flags=re.MULTILINE)  # fmt: skip
    with dg.DagsterInstance.from_config(str(build.dagster_home)) as instance:
        [run] = instance.get_runs()
        built = [
            entry.dagster_event.asset_key.to_user_string()
            for entry in instance.all_logs(run.run_id)
            if entry.dagster_event and entry.dagster_event.is_step_materialization
            and entry.dagster_event.asset_key
        ]  # fmt: skip
    assert [key for key, *_ in rows] == built
    assert rows[0][0].startswith("raw/") and rows[-4][0] == "publish/marts"
    assert sorted(key for key, *_ in rows[-3:]) == ["report/month", "report/quarter", "report/week"]
    lead = next(r for r in rows if r[0] == "raw/salesforce/Lead")
    assert lead[2] != "" and lead[3] == "0"  # loaded, none quarantined


def test_outside_a_terminal_long_lines_stay_whole_and_the_query_hint_works(build: Build) -> None:
    [hint] = [line for line in build.output.splitlines() if line.startswith("query:")]
    assert len(hint) > 80
    command = hint.removeprefix("query:").strip()
    done = subprocess.run(command, shell=True, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "mart_kpis" in done.stdout

"""A run of a job of the code location `dagster dev -m pipeline.definitions` serves, executed in
this process: the same location name, repository, job snapshot and origin as a run launched
from the UI, so the UI lists it under the job (Runs tab, status, timeline, re-execution)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._core.execution.api import execute_run_iterator
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.remote_representation.code_location import CodeLocation
from dagster._core.remote_representation.external import RemoteJob, RemoteRepository
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._utils.hosted_user_process import recon_job_from_origin

from pipeline.settings import PROJECT_ROOT

MODULE = "pipeline.definitions"
LOCATION = MODULE  # the name Dagster gives `-m pipeline.definitions` (`make dev`)
REPOSITORY = "__repository__"  # the one repository of a Definitions object
QUIET_LOGS: Mapping[str, Any] = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def location_origin() -> InProcessCodeLocationOrigin:
    return InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable,
            module_name=MODULE,
            working_directory=str(PROJECT_ROOT),
        ),
        location_name=LOCATION,
    )


@contextmanager
def code_location(instance: dg.DagsterInstance) -> Iterator[CodeLocation]:
    with location_origin().create_location(instance) as location:
        yield location


def create_job_run(
    instance: dg.DagsterInstance,
    location: CodeLocation,
    job_name: str,
    tags: Mapping[str, str] | None = None,
) -> dg.DagsterRun:
    """A not-yet-started run of `job_name` with the job's own snapshot and remote origin (what
    the UI's Launch run creates)."""
    repository: RemoteRepository = location.get_repository(REPOSITORY)
    job: RemoteJob = repository.get_full_job(job_name)
    run_config = dict(QUIET_LOGS)  # merged with the job's own config (`full_refresh`)
    plan = location.get_execution_plan(
        job, run_config, step_keys_to_execute=None, known_state=None, instance=instance
    ).execution_plan_snapshot
    return instance.create_run(
        job_name=job_name,
        run_id=None,
        run_config=run_config,
        resolved_op_selection=None,
        step_keys_to_execute=plan.step_keys_to_execute,
        op_selection=None,
        status=None,
        root_run_id=None,
        parent_run_id=None,
        tags={**job.tags, **(tags or {})},
        job_snapshot=job.job_snapshot,
        execution_plan_snapshot=plan,
        parent_job_snapshot=job.parent_job_snapshot,
        remote_job_origin=job.get_remote_origin(),
        job_code_origin=job.get_python_origin(),
        asset_selection=None,
        asset_check_selection=None,
        asset_graph=repository.asset_graph,
    )


def execute_job_run(
    instance: dg.DagsterInstance,
    job_name: str,
    on_event: Callable[[dg.DagsterEvent], None],
    tags: Mapping[str, str] | None = None,
) -> dg.DagsterRun:
    """Create the run and execute it here, handing every event to `on_event` as it happens."""
    with code_location(instance) as location:
        run = create_job_run(instance, location, job_name, tags)
    assert run.job_code_origin is not None
    recon = recon_job_from_origin(run.job_code_origin)
    for event in execute_run_iterator(recon, run, instance):
        on_event(event)
    return run

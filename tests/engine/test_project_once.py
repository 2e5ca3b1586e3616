"""The Dagster definitions share one loaded project: what they publish and guard comes from it."""

from __future__ import annotations

import dagster as dg

from pipeline.defs.models import build_model_defs
from pipeline.defs.publish import PUBLISH_KEY, build_publish_defs
from pipeline.defs.quality import LOAD_GATE_OP, build_quality_defs
from pipeline.defs.resources import WarehouseResource
from pipeline.engine import load_project
from pipeline.settings import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"


def test_the_tag_publish_marks_the_mart_tables_and_the_kpi_definitions() -> None:
    project = load_project(MODELS)
    marts = {n for n, m in project.models.items() if m.schema == "marts" and n.startswith("mart_")}
    assert set(project.published) == marts | {"kpi_definitions"}


def test_every_data_test_is_a_check_of_the_model_it_guards() -> None:
    project = load_project(MODELS)
    [models] = build_model_defs(project).assets or []
    specs = {
        f"{s.asset_key.to_user_string()}:{s.name}": s
        for s in models.check_specs  # type: ignore[union-attr]
    }
    tests = [t for name in project.models for t in project.tests_of(name)]
    assert len(specs) == len(tests)
    assert specs["marts/dim_person:one_person_per_email"].blocking
    assert not specs["marts/dim_person:email_syntax"].blocking  # severity: warn
    person = specs["marts/dim_person:email_syntax"].metadata
    assert (person["kind"], person["max_failing_rate"]) == ("pandera", 0.02)
    [load_gate] = build_quality_defs().asset_checks or []
    assert load_gate.node_def.name == LOAD_GATE_OP  # type: ignore[union-attr]
    assert {key.asset_key.path[0] for key in load_gate.check_keys} == {"raw"}  # type: ignore[union-attr]


def test_publish_depends_on_the_marts_of_the_given_project_not_on_the_files() -> None:
    project = load_project(MODELS)
    del project.models["mart_retention"]
    resources = dg.Definitions(resources={"warehouse": WarehouseResource(path="unused.duckdb")})
    defs = dg.Definitions.merge(build_publish_defs(project), resources)
    graph = defs.resolve_asset_graph()
    deps = {key.to_user_string() for key in graph.get(PUBLISH_KEY).parent_keys}
    assert "marts/mart_kpis" in deps and "marts/mart_retention" not in deps

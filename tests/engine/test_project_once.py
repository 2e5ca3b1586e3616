"""The Dagster definitions share one loaded project: what they publish and guard comes from it."""

from __future__ import annotations

import dagster as dg

from pipeline.defs.publish import PUBLISH_KEY, build_publish_defs
from pipeline.defs.quality import model_relations
from pipeline.defs.resources import WarehouseResource
from pipeline.engine import load_project
from pipeline.settings import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"


def test_the_tag_publish_marks_the_mart_tables_and_the_kpi_definitions() -> None:
    project = load_project(MODELS)
    marts = {n for n, m in project.models.items() if m.schema == "marts" and n.startswith("mart_")}
    assert set(project.published) == marts | {"kpi_definitions"}


def test_model_relations_are_the_built_models_of_the_given_project() -> None:
    project = load_project(MODELS)
    del project.models["mart_retention"]
    relations = model_relations(project)
    assert "marts.mart_retention" not in relations
    assert relations["marts.mart_kpis"] == dg.AssetKey(["marts", "mart_kpis"])
    assert len(relations) == len([m for m in project.models.values() if not m.is_ephemeral])


def test_publish_depends_on_the_marts_of_the_given_project_not_on_the_files() -> None:
    project = load_project(MODELS)
    del project.models["mart_retention"]
    resources = dg.Definitions(resources={"warehouse": WarehouseResource(path="unused.duckdb")})
    defs = dg.Definitions.merge(build_publish_defs(project), resources)
    graph = defs.resolve_asset_graph()
    deps = {key.to_user_string() for key in graph.get(PUBLISH_KEY).parent_keys}
    assert "marts/mart_kpis" in deps and "marts/mart_retention" not in deps

"""mops' SQL model engine: dbt-style models on sqlglot + DuckDB.

project = load_project(models_dir)                 # checks everything, runs nothing
names = select(project, "+fct_funnel", exclude=None)
results = build(con, project, names, vars={...}, full_refresh=False)
sql = compile_model(project, project.models["stg_x"])
"""

from pipeline.engine.compile import compile_model
from pipeline.engine.errors import EngineError
from pipeline.engine.project import Project, load_project
from pipeline.engine.runner import ModelResult, build, iter_build
from pipeline.engine.selection import select

__all__ = [
    "EngineError",
    "ModelResult",
    "Project",
    "build",
    "compile_model",
    "iter_build",
    "load_project",
    "select",
]

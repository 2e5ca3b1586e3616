"""mops' SQL model engine: dbt-style models on sqlglot + DuckDB.

project = load_project(models_dir)                 # checks everything, runs nothing
names = select(project, "+fct_funnel", exclude=None)
results = build(con, project, names, vars={...}, full_refresh=False)
sql = compile_model(project, project.models["stg_x"])
builds = last_builds(con)                          # incremental models' builds and increments
rebuilt = rebuilt_relation(con, "marts.fct_touch") # the rows its last night's rebuild() listed
"""

from pipeline.engine.builds import Build, last_builds
from pipeline.engine.changes import rebuilt_relation
from pipeline.engine.compile import compile_model
from pipeline.engine.errors import EngineError
from pipeline.engine.project import Project, load_project
from pipeline.engine.runner import ModelResult, build, iter_build
from pipeline.engine.selection import select

__all__ = [
    "Build",
    "EngineError",
    "ModelResult",
    "Project",
    "build",
    "compile_model",
    "iter_build",
    "last_builds",
    "load_project",
    "rebuilt_relation",
    "select",
]

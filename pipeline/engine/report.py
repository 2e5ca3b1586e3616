"""What the `mops compile/ls/models` commands print, kept out of the CLI module."""

from __future__ import annotations

from pathlib import Path

from pipeline.engine.compile import compile_model
from pipeline.engine.errors import ConfigError, SelectionError, nearest
from pipeline.engine.project import Project, load_project
from pipeline.engine.runner import ModelResult
from pipeline.engine.yamlio import parse_yaml_text

_COLOURS = {"success": "green", "error": "red", "skipped": "yellow", "tests_failed": "red"}


def load_for_cli(models_dir: Path, vars_text: str | None = None) -> Project:
    """Load the project with `--vars` (YAML/JSON mapping text) applied."""
    vars = parse_yaml_text(vars_text, what="--vars") if vars_text else None
    if vars is not None and not isinstance(vars, dict):
        raise ConfigError("--vars must be a mapping, e.g. '{name: value}'.")
    return load_project(models_dir, vars)


def compile_one(project: Project, name: str) -> str:
    """The final SQL of model `name` (unknown names suggest the nearest ones)."""
    if name not in project.models:
        hint = nearest(name, project.models)
        raise SelectionError(
            f"no model named {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else ".")
        )
    return compile_model(project, project.models[name])


class ResultsTable:
    """A rich table of model results: status, rows, seconds, tests, message."""

    def __init__(self) -> None:
        from rich.table import Table

        self.table = Table("model", "materialized", "status", "rows", "seconds", "tests", "message")
        self.failed = False

    def add(self, result: ModelResult) -> None:
        self.failed |= result.status != "success"
        bad = " ".join(f"{t.test.name}:{t.label}" for t in result.tests if not t.passed)
        passed = sum(t.passed for t in result.tests)
        self.table.add_row(
            result.name,
            result.materialized,
            f"[{_COLOURS[result.status]}]{result.status}[/]",
            "" if result.rows is None else f"{result.rows:,}",
            f"{result.seconds:.2f}",
            f"{passed}/{len(result.tests)} {bad}".strip() if result.tests else "",
            result.message[:160],
        )

    def print(self) -> None:
        from rich.console import Console

        Console().print(self.table)

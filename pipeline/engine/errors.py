"""Typed errors of the model engine. Each names the file (and line when known) and what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import MopsError


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to `name` (difflib ratio), best first."""
    return difflib.get_close_matches(name, list(candidates), n=n, cutoff=0.5)


def _where(path: Path | str | None, line: int | None) -> str:
    if path is None:
        return ""
    return f"{path}, line {line}: " if line else f"{path}: "


class EngineError(MopsError):
    """An error of the model engine, optionally located in a file."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.detail = message
        super().__init__(f"{_where(path, line)}{message}")


class ConfigError(EngineError):
    """A project, model or test configuration is invalid."""


class ModelSyntaxError(EngineError):
    """A model's template or its rendered SQL does not parse."""


class RenderError(EngineError):
    """A template failed while rendering (unknown variable, failing macro, ...)."""


class UnknownRefError(EngineError):
    """`ref()` names a model that does not exist."""

    def __init__(self, name: str, candidates: Iterable[str], *, path: Path | str, line: int | None):
        self.name = name
        self.suggestions = nearest(name, candidates)
        hint = (
            f"did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else "check the model's file name (the model name is the file stem)."
        )
        super().__init__(f"ref({name!r}) names no model; {hint}", path=path, line=line)


class UnknownSourceError(EngineError):
    """`source()` names a table not declared in `models/sources.yml`."""

    def __init__(
        self,
        source: str,
        table: str,
        candidates: Iterable[str],
        *,
        path: Path | str,
        line: int | None,
    ):
        self.suggestions = nearest(f"{source}.{table}", candidates)
        hint = (
            f"did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else "declare it in models/sources.yml."
        )
        super().__init__(
            f"source({source!r}, {table!r}) is not declared; {hint}", path=path, line=line
        )


class CycleError(EngineError):
    """The models' refs form a cycle."""

    def __init__(
        self, cycle: list[str], *, path: Path | str | None = None, line: int | None = None
    ):
        self.cycle = cycle
        super().__init__(
            f"models form a cycle: {' -> '.join(cycle)}; remove one of these refs.",
            path=path,
            line=line,
        )


class DuplicateModelError(EngineError):
    """Two model files have the same stem."""

    def __init__(self, name: str, paths: list[Path]):
        self.name = name
        self.paths = paths
        files = " and ".join(str(p) for p in paths)
        super().__init__(
            f"model name {name!r} is defined twice ({files}); model names are file stems and "
            "must be unique across folders: rename one file.",
            path=paths[-1],
        )


class SelectionError(EngineError):
    """A `--select`/`--exclude` expression matches nothing or is malformed."""


class BuildError(EngineError):
    """A model failed to build; its previous version is left in place."""


class SchemaChangeError(BuildError):
    """An incremental model's columns changed and `on_schema_change` refuses it."""

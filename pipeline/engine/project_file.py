"""The project file: dbt's `dbt_project.yml`, or mops' own `project.yml` inside a models folder.

A folder holding `dbt_project.yml` is a dbt project: models, seeds, macros and singular tests
live in the folders it names (`model-paths`, `seed-paths`, `macro-paths`, `test-paths`) and its
`models:`/`seeds:` trees are keyed by the project name first, as in dbt. A folder holding
`project.yml` (or nothing) is a mops models folder: the folder itself holds the models, with
`macros/` and `tests/` inside it. Keys that change what dbt builds but that mops does not
implement are refused with their line, never ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.engine.errors import ConfigError
from pipeline.engine.yamlio import read_yaml

DBT_PROJECT_FILE = "dbt_project.yml"
MOPS_PROJECT_FILE = "project.yml"

# Keys that only steer dbt's own tooling (profiles, artifacts, package installs): no effect on
# the tables built, so reading them changes nothing.
_INERT_KEYS = frozenset(
    {
        "name",
        "version",
        "config-version",
        "profile",
        "target-path",
        "clean-targets",
        "require-dbt-version",
        "log-path",
        "packages-install-path",
        "analysis-paths",
        "docs-paths",
        "asset-paths",
        "snapshot-paths",
        "flags",
    }
)
_DBT_KEYS = frozenset(
    {"model-paths", "seed-paths", "macro-paths", "test-paths", "models", "seeds", "vars"}
)
_MOPS_KEYS = frozenset(
    {"name", "models", "vars", "version", "config-version", "seed-paths", "test-schemas"}
)


@dataclass(frozen=True)
class ProjectFile:
    """Where a project's files are and its configuration trees."""

    root: Path
    name: str
    is_dbt: bool
    model_paths: tuple[Path, ...]
    seed_paths: tuple[Path, ...] = ()
    macro_paths: tuple[Path, ...] = ()
    test_paths: tuple[Path, ...] = ()
    models: dict[str, Any] = field(default_factory=dict)
    seeds: dict[str, Any] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    test_schemas: str | None = None  # the module of the `pandera` tests' DataFrameModels

    def config_path(self, folder: tuple[str, ...]) -> tuple[str, ...]:
        """The keys leading to a folder's node in the `models:`/`seeds:` tree: dbt projects
        key the tree by project name first."""
        return (self.name, *folder) if self.is_dbt else folder

    @property
    def special_dirs(self) -> frozenset[Path]:
        """Folders under a model path that hold no models (mops' `macros/` and `tests/`)."""
        return frozenset({*self.macro_paths, *self.test_paths})


def read_project_file(root: Path) -> ProjectFile:
    """The project file of `root` (`dbt_project.yml` first), checked."""
    dbt_file = root / DBT_PROJECT_FILE
    if dbt_file.exists():
        return _dbt_project(root, dbt_file)
    return _mops_project(root, root / MOPS_PROJECT_FILE)


def _mapping(path: Path) -> dict[str, Any]:
    settings = read_yaml(path) or {}
    if not isinstance(settings, dict):
        raise ConfigError("expected a mapping of project settings.", path=path)
    return settings


def _dbt_project(root: Path, path: Path) -> ProjectFile:
    settings = _mapping(path)
    _refuse_unknown(settings, _DBT_KEYS | _INERT_KEYS, path)
    if not settings.get("name"):
        raise ConfigError("dbt_project.yml needs a `name`.", path=path)

    def paths(key: str, default: str) -> tuple[Path, ...]:
        values = settings.get(key, [default])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(
                f"`{key}` must be a list of folders.", path=path, line=key_line(path, key)
            )
        return tuple((root / value).resolve() for value in values)

    return ProjectFile(
        root=root,
        name=str(settings["name"]),
        is_dbt=True,
        model_paths=paths("model-paths", "models"),
        seed_paths=paths("seed-paths", "seeds"),
        macro_paths=paths("macro-paths", "macros"),
        test_paths=paths("test-paths", "tests"),
        models=settings.get("models") or {},
        seeds=settings.get("seeds") or {},
        vars=_dbt_vars(settings.get("vars") or {}, str(settings["name"])),
        path=path,
    )


def _dbt_vars(raw: dict[str, Any], name: str) -> dict[str, Any]:
    """Project vars: global ones plus those scoped to this project (`vars: {<name>: {...}}`)."""
    scoped = raw.get(name)
    flat = {k: v for k, v in raw.items() if k != name}
    return {**flat, **scoped} if isinstance(scoped, dict) else flat


def _mops_project(root: Path, path: Path) -> ProjectFile:
    settings = _mapping(path) if path.exists() else {}
    _refuse_unknown(settings, _MOPS_KEYS, path)
    seed_paths = tuple((root / value).resolve() for value in settings.get("seed-paths") or [])
    return ProjectFile(
        root=root,
        name=str(settings.get("name") or root.name),
        is_dbt=False,
        model_paths=(root,),
        seed_paths=seed_paths,
        macro_paths=(root / "macros",),
        test_paths=(root / "tests",),
        models=settings.get("models") or {},
        vars=settings.get("vars") or {},
        path=path if path.exists() else None,
        test_schemas=_module_name(settings.get("test-schemas"), path),
    )


def _module_name(value: Any, path: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][\w.]*", value):
        raise ConfigError(
            f"`test-schemas` must name a Python module (such as `checks.schemas`), got {value!r}.",
            path=path,
            line=key_line(path, "test-schemas"),
        )
    return value


def _refuse_unknown(settings: dict[str, Any], known: frozenset[str], path: Path) -> None:
    for key in settings:
        if key not in known:
            raise ConfigError(
                f"`{key}` is not supported by mops; remove it (supported: "
                f"{', '.join(sorted(known & (_DBT_KEYS | _MOPS_KEYS)))}; see README 'SQL "
                "models').",
                path=path,
                line=key_line(path, key),
            )


def key_line(path: Path, key: str) -> int | None:
    """The line of a top-level `key:` in a YAML file."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:", re.MULTILINE)
    text = path.read_text(encoding="utf-8")
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None

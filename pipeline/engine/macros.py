"""Built-in macros (plain functions returning SQL) and loading of `models/macros/*.py`.

A project macro is any public function defined in a `.py` file under the macro folders
(`models/macros/`); it is exposed to every template under its own name and may shadow a
built-in. `{% macro %}` files (`.sql`) are compiled by the renderer.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline.engine.errors import ConfigError


def generate_surrogate_key(columns: Sequence[str]) -> str:
    """An md5 hash of the columns (nulls as a marker), like dbt_utils.generate_surrogate_key."""
    parts = ", ".join(f"coalesce(cast({c} as varchar), '_mops_null_')" for c in columns)
    return f"md5(concat_ws('-', {parts}))"


BUILTINS: dict[str, Callable[..., Any]] = {"generate_surrogate_key": generate_surrogate_key}


def load_macros(macro_dirs: Path | Sequence[Path]) -> dict[str, Callable[..., Any]]:
    """Built-ins plus the public functions of every `*.py` in `macro_dirs`, loaded by path."""
    macros = dict(BUILTINS)
    if isinstance(macro_dirs, Path):
        macro_dirs = [macro_dirs]
    files = [p for folder in macro_dirs if folder.is_dir() for p in sorted(folder.glob("*.py"))]
    for path in files:
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"mops_macros.{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ConfigError("cannot load this macro file.", path=path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise ConfigError(
                f"macro file failed to import: {type(error).__name__}: {error}", path=path
            ) from error
        for name, value in vars(module).items():
            if (
                not name.startswith("_")
                and inspect.isfunction(value)
                and value.__module__ == module.__name__
            ):
                macros[name] = value
    return macros

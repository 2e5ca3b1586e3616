"""YAML reading that remembers the line of every mapping, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.engine.errors import ConfigError

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[str, Any]):
    """A YAML mapping that knows its 1-based line in the file."""

    line: int = 0


class _LineLoader(_Base):  # type: ignore[valid-type,misc]
    pass


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_yaml(path: Path) -> Any:
    """Parse `path`; a syntax error becomes a `ConfigError` with the file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"invalid YAML: {error.problem}; fix the syntax.", path=path, line=line
        ) from None


def parse_yaml_text(text: str, *, what: str) -> Any:
    """Parse YAML/JSON given on the command line (e.g. `--vars`)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{what} is not valid YAML/JSON: {error}") from error


def line_of(value: Any) -> int | None:
    """The line of a mapping read by `read_yaml`, if known."""
    return value.line if isinstance(value, LineDict) and value.line else None

"""dbt-style node selection over a project's models.

`model`, `+model` (and ancestors), `model+` (and descendants), `2+model` / `model+1` (depth),
`+model+`, `tag:x`, `path:staging` (folder or file, relative to the models folder),
`config.materialized:table`, `source:salesforce[.Opportunity]` (models reading it), globs
(`stg_*`). Space-separated selectors are a union, comma-joined ones an intersection;
`exclude` removes its matches. The result is in dependency order.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from pipeline.engine.errors import SelectionError, nearest
from pipeline.engine.project import Project

_GRAPH_OPS = re.compile(r"^(?:(?P<up>\d*)\+)?(?P<body>.+?)(?:\+(?P<down>\d*))?$")


def select(
    project: Project,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
) -> list[str]:
    """Model names matching `select` (all models when empty) minus `exclude`, in order."""
    chosen = _expression(project, select) if _tokens(select) else set(project.models)
    if _tokens(exclude):
        chosen -= _expression(project, exclude)
    return [name for name in project.order if name in chosen]


def _tokens(spec: str | Sequence[str] | None) -> list[str]:
    if not spec:
        return []
    parts = [spec] if isinstance(spec, str) else list(spec)
    return [token for part in parts for token in part.split()]


def _expression(project: Project, spec: str | Sequence[str] | None) -> set[str]:
    union: set[str] = set()
    for token in _tokens(spec):
        terms = [_selector(project, term) for term in token.split(",") if term]
        union |= set.intersection(*terms) if terms else set()
    return union


def _selector(project: Project, term: str) -> set[str]:
    match = _GRAPH_OPS.match(term)
    if match is None:
        raise SelectionError(f"cannot read selector {term!r}.")
    body = match.group("body")
    matched = _method(project, body)
    result = set(matched)
    if match.group("up") is not None:
        depth = int(match.group("up")) if match.group("up") else None
        for name in matched:
            result |= project.graph.ancestors(name, depth)
    if match.group("down") is not None:
        depth = int(match.group("down")) if match.group("down") else None
        for name in matched:
            result |= project.graph.descendants(name, depth)
    return result


def _method(project: Project, body: str) -> set[str]:
    method, _, value = body.partition(":") if ":" in body else ("", "", body)
    models = project.models
    if method == "tag":
        found = {n for n, m in models.items() if value in m.config.tags}
    elif method == "path" or (not method and ("/" in value or value.endswith(".sql"))):
        found = _by_path(project, value)
    elif method == "config.materialized":
        found = {n for n, m in models.items() if m.materialized == value}
    elif method == "source":
        source, _, table = value.partition(".")
        found = {
            n
            for n, m in models.items()
            if any(s == source and (not table or t == table) for s, t in m.sources)
        }
    elif method:
        raise SelectionError(
            f"unknown selector method {method!r} in {body!r}; use tag:, path:, source: or "
            "config.materialized:."
        )
    elif any(ch in value for ch in "*?["):
        found = set(fnmatch.filter(models, value))
    else:
        found = {value} if value in models else set()
        if not found:
            hint = nearest(value, models)
            raise SelectionError(
                f"no model named {value!r}"
                + (f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ".")
            )
    if not found:
        raise SelectionError(f"selector {body!r} matches no model.")
    return found


def _by_path(project: Project, value: str) -> set[str]:
    wanted = PurePosixPath(value.strip("/"))
    if wanted.parts and wanted.parts[0] == project.root.name and len(wanted.parts) > 1:
        wanted = PurePosixPath(*wanted.parts[1:])
    found = set()
    for name, model in project.models.items():
        path = PurePosixPath(model.rel_path)
        if path == wanted or wanted in path.parents or path.with_suffix("") == wanted:
            found.add(name)
    return found

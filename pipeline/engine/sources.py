"""Generating `models/sources.yml` from the landing-zone contract (`pipeline.ingest.objects`).

    .venv/bin/python -m pipeline.engine.sources > models/sources.yml

Each system is a source in schema `raw`; each object a table whose identifier defaults to
`<system>__<snake_case(object)>` and whose Dagster asset is `raw/<system>/<object>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from pipeline.ingest.objects import OBJECTS, SourceObject

HEADER = (
    "# Sources: the raw tables written by `mops ingest` (schema raw, one table per object).\n"
    "# Generated from pipeline/ingest/objects.py by `python -m pipeline.engine.sources`;\n"
    "# tests/engine/test_sources.py checks it matches OBJECTS. Descriptions may be edited.\n"
    "# Every raw table also has the provenance columns _file, _line, _load_id and _extra.\n"
)


def sources_document(objects: Iterable[SourceObject]) -> dict[str, Any]:
    """The `sources:` document for `objects`, one source per system, in contract order."""
    systems: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        columns = [{"name": c.name, "data_type": c.type} for c in obj.columns]
        if obj.unpivot:
            key, value, kind = obj.unpivot
            columns += [{"name": key, "data_type": "text"}, {"name": value, "data_type": kind}]
        systems.setdefault(obj.system, []).append(
            {"name": obj.name, "description": obj.description, "columns": columns}
        )
    return {
        "version": 2,
        "sources": [
            {"name": system, "schema": "raw", "loader": "mops ingest", "tables": tables}
            for system, tables in systems.items()
        ],
    }


def sources_yaml(objects: Iterable[SourceObject] = OBJECTS) -> str:
    body = yaml.safe_dump(sources_document(objects), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


if __name__ == "__main__":
    print(sources_yaml(), end="")

"""Writing the landing-zone contract (`pipeline.ingest.objects`) as a dbt `sources.yml`.

    .venv/bin/python -m pipeline.ingest.sources_yml > models/sources.yml

Each system is a source in schema `raw`; each object a table with its raw table name as
`identifier` and its Dagster asset `raw/<system>/<object>`. The model engine reads the file like
any dbt sources file: it never imports ingest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from pipeline.ingest.objects import OBJECTS, SourceObject

HEADER = (
    "# Sources: the raw tables written by `mops ingest` (schema raw, one table per object).\n"
    "# Generated from pipeline/ingest/objects.py by `python -m pipeline.ingest.sources_yml`;\n"
    "# tests/engine/test_sources.py checks it matches OBJECTS.\n"
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
            {
                "name": obj.name,
                "identifier": obj.table,
                "description": obj.description,
                "meta": {"dagster": {"asset_key": list(obj.asset_path)}},
                "columns": columns,
            }
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

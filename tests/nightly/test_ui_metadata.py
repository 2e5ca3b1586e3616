"""What the Dagster UI shows without a run: every raw column described from the ingest contract
with its type spelled as DuckDB reports it (as on the model assets), and jobs that say how to
start them and what they read and write."""

from __future__ import annotations

import re

import dagster as dg

from pipeline.ingest.objects import OBJECTS

DUCKDB_SPELLING = re.compile(r"^[A-Z]+(\(\d+,\d+\))?$")


def _raw_schemas() -> dict[str, dg.TableSchema]:
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    schemas = {}
    for obj in OBJECTS:
        node = graph.get(dg.AssetKey(list(obj.asset_path)))
        schemas[obj.table] = node.metadata["dagster/column_schema"]
    return schemas


def test_every_raw_column_is_described() -> None:
    undescribed = [
        f"{table}.{column.name}"
        for table, schema in _raw_schemas().items()
        for column in schema.columns
        if not (column.description or "").strip()
    ]
    assert undescribed == []


def test_a_raw_column_description_says_its_type_and_header_and_whether_required() -> None:
    lead = {c.name: c.description for c in _raw_schemas()["salesforce__lead"].columns}
    assert lead["id"] == (
        "record id (15-character Salesforce ids widened to 18); read from the header whose "
        "snake_case is id; required: a row without it is quarantined"
    )
    assert lead["converted_date"] == (
        "calendar date, never shifted by a time zone; read from the header whose snake_case is "
        "converted_date"
    )


def test_raw_column_types_are_spelled_as_duckdb_reports_them() -> None:
    types = {c.type for schema in _raw_schemas().values() for c in schema.columns}
    assert "DECIMAL(18,6)" in types
    assert [t for t in types if not DUCKDB_SPELLING.match(t)] == []


def test_jobs_say_how_to_start_them_and_what_they_read_and_write() -> None:
    from pipeline.definitions import defs

    for name, command in (("nightly", "mops build"), ("full_refresh", "mops build --full-refresh")):
        job = defs.resolve_job_def(name)
        assert job.description
        metadata = {key: value.value for key, value in job.metadata.items()}
        assert metadata["command line"] == command
        assert {"reads", "builds", "publishes", "documentation"} <= set(metadata)

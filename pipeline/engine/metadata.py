"""What a build tells about its model: rows, columns and column lineage, read on the connection
that built it (DuckDB allows one writer, so an orchestrator cannot open a second one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.engine.lineage import Upstream, column_lineage

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.model import Model
    from pipeline.engine.project import Project


@dataclass(frozen=True)
class ModelMetadata:
    """`table_name` is `database.schema.name`; `lineage` maps each output column to the
    upstream `(schema, table, column)`s it is computed from (best effort, may be empty)."""

    table_name: str
    rows: int
    columns: tuple[tuple[str, str], ...]
    lineage: dict[str, list[Upstream]] = field(default_factory=dict)


def describe(
    cur: duckdb.DuckDBPyConnection, project: Project, model: Model, rows: int | None, sql: str
) -> ModelMetadata:
    """The metadata of `model` as just built by `sql` (`rows`: None for a view, counted)."""
    from pipeline.engine.materialize.relations import columns
    from pipeline.sqltext import qualified

    if rows is None:
        row = cur.execute(f"select count(*) from {qualified(model.schema, model.name)}").fetchone()
        rows = int(row[0]) if row else 0
    database_row = cur.execute("select current_database()").fetchone()
    database = str(database_row[0]) if database_row else ""
    return ModelMetadata(
        table_name=f"{database}.{model.relation}",
        rows=rows,
        columns=tuple(columns(cur, model.schema, model.name)),
        lineage=column_lineage(sql, upstream_schema(cur, project, model)),
    )


def upstream_schema(
    cur: duckdb.DuckDBPyConnection, project: Project, model: Model
) -> dict[str, dict[str, dict[str, str]]]:
    """schema -> table -> column -> type of every relation `model` reads (through its
    ephemeral parents too), as built now."""
    from pipeline.engine.compile import ephemeral_parents
    from pipeline.engine.materialize.relations import columns

    readers = [model, *(project.models[n] for n in ephemeral_parents(project, model))]
    relations: set[tuple[str, str]] = set()
    for reader in readers:
        relations |= {
            (project.sources[s].schema, project.sources[s].identifier) for s in reader.sources
        }
        relations |= {
            (project.models[r].schema, r) for r in reader.refs if not project.models[r].is_ephemeral
        }
    schema: dict[str, dict[str, dict[str, str]]] = {}
    for schema_name, table in sorted(relations):
        schema.setdefault(schema_name, {})[table] = dict(columns(cur, schema_name, table))
    return schema

"""Building models on Spark: each model's compiled DuckDB SQL, transpiled by `MopsSpark`.

`view`: `create or replace view`. `table` (and, for now, `incremental`, rebuilt in full): the
query written as Parquet to a new lake folder, then swapped into the catalog (`lake.swap_in`).
Ephemeral models are inlined by the compiler as on DuckDB; `union by name` and `* replace` are
expanded from the catalog's columns (`expand.py`). Seeds, sources and models outside
the selection are read as tables already in the catalog (`inputs_of`, `lake.copy_from_duckdb`).
The lint runs first: a model Spark cannot run as DuckDB does fails before anything is built.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pipeline.engine.spark import lake as lakes
from pipeline.engine.spark.expand import Columns

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from pipeline.engine.model import Model
    from pipeline.engine.project import Project

Status = Literal["success", "error", "skipped"]


@dataclass
class SparkModelResult:
    """What happened to one model on Spark: status, rows (None for views), seconds, SQL."""

    name: str
    relation: str
    materialized: str
    status: Status
    rows: int | None = None
    seconds: float = 0.0
    message: str = ""
    sql: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "success"


def spark_sql(
    project: Project,
    model: Model,
    vars: Mapping[str, Any] | None = None,
    columns: Columns | None = None,
) -> str:
    """The Spark SQL of `model`: its compiled DuckDB SQL transpiled by `MopsSpark`; `union by
    name` and `* replace` need the input tables' `columns` (`expand.py`)."""
    from pipeline.engine.compile import compile_model, parse
    from pipeline.engine.spark.dialect import to_spark
    from pipeline.engine.spark.expand import expand, needs_schema

    query = parse(compile_model(project, model, vars=vars))
    if columns is not None and needs_schema(query):
        query = expand(query, columns)
    return to_spark(query)


def catalog_columns(spark: SparkSession) -> Columns:
    """The columns and Spark types of a catalog table, for `expand.py`."""

    def columns(schema: str, name: str) -> dict[str, str]:
        fields = spark.table(f"{lakes.table_name(schema, name)}").schema.fields
        return {field.name: field.dataType.simpleString() for field in fields}

    return columns


def inputs_of(project: Project, selected: Iterable[str]) -> list[tuple[str, str]]:
    """The relations the selected models read that the selection does not build."""
    from pipeline.engine.runner import build_order

    chosen = set(build_order(project, selected, test_deps=False))
    needed: set[tuple[str, str]] = set()
    for name in chosen:
        for parent in _reads(project, name):
            model = project.models[parent]
            if parent not in chosen:
                needed.add((model.schema, model.name))
        for source, table in _sources(project, name):
            relation = project.source_relation(source, table)
            needed.add((relation.schema, relation.name))
    return sorted(needed)


def _reads(project: Project, name: str) -> Iterator[str]:
    """Non-ephemeral models `name` reads, through its ephemeral parents."""
    for parent in project.models[name].refs:
        if project.models[parent].is_ephemeral:
            yield from _reads(project, parent)
        else:
            yield parent


def _sources(project: Project, name: str) -> Iterator[tuple[str, str]]:
    model = project.models[name]
    yield from model.sources
    for parent in model.refs:
        if project.models[parent].is_ephemeral:
            yield from _sources(project, parent)


def iter_build(
    spark: SparkSession,
    project: Project,
    selected: Iterable[str],
    lake: str,
    *,
    vars: Mapping[str, Any] | None = None,
    lint: bool = True,
) -> Iterator[SparkModelResult]:
    """Build the selected models on Spark in dependency order, one result per model."""
    from pipeline.engine.runner import build_order
    from pipeline.engine.spark.lint import check_project

    waits = build_order(project, selected, test_deps=False)
    if lint:
        check_project(project, waits)
    failed: dict[str, str] = {}
    for name in waits:
        model = project.models[name]
        upstream = sorted(waits[name] & failed.keys())
        if upstream:
            failed[name] = "was skipped"
            yield SparkModelResult(
                name,
                model.relation,
                model.materialized,
                "skipped",
                message=f"upstream {upstream[0]} {failed[upstream[0]]}",
            )
            continue
        result = build_one(spark, project, model, lake, vars=vars)
        if not result.ok:
            failed[name] = "failed"
        yield result


def build(
    spark: SparkSession,
    project: Project,
    selected: Iterable[str],
    lake: str,
    *,
    vars: Mapping[str, Any] | None = None,
) -> list[SparkModelResult]:
    """Build the selected models on Spark; one result per non-ephemeral model."""
    return list(iter_build(spark, project, selected, lake, vars=vars))


def build_one(
    spark: SparkSession,
    project: Project,
    model: Model,
    lake: str,
    *,
    vars: Mapping[str, Any] | None = None,
) -> SparkModelResult:
    """Materialize one model; a Spark error becomes an `error` result naming the model."""
    started = time.perf_counter()
    sql = ""
    try:
        sql = spark_sql(project, model, vars, catalog_columns(spark))
        rows = materialize(spark, model, sql, lake)
    except Exception as error:  # pyspark's errors share no base class across Connect/classic
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return SparkModelResult(
            model.name,
            model.relation,
            model.materialized,
            "error",
            seconds=time.perf_counter() - started,
            message=f"{type(error).__name__}: {first}",
            sql=sql,
        )
    return SparkModelResult(
        model.name,
        model.relation,
        model.materialized,
        "success",
        rows,
        time.perf_counter() - started,
        sql=sql,
    )


def materialize(spark: SparkSession, model: Model, sql: str, lake: str) -> int | None:
    """Create the view, or write the table's Parquet and swap it in; the table's row count."""
    spark.sql(f"create database if not exists {lakes.quoted(model.schema)}")
    if model.materialized == "view":
        if lakes.current_location(spark, model.schema, model.name) is not None:
            spark.sql(f"drop table {lakes.table_name(model.schema, model.name)}")
        spark.sql(f"create or replace view {lakes.table_name(model.schema, model.name)} as\n{sql}")
        return None
    location = lakes.new_location(lake, model.schema, model.name)
    spark.sql(sql).write.mode("error").parquet(location)
    lakes.swap_in(spark, model.schema, model.name, location)
    return int(spark.table(f"{model.schema}.{model.name}").count())

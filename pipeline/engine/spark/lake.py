"""Parquet tables in `MOPS_LAKE`, registered in the Spark session's catalog.

A table build writes a new folder `<lake>/<schema>/<name>/build=<id>/` and only then points the
catalog at it (`alter table ... set location`, one catalog operation), so a failed build leaves
the previous version readable; the previous folder is removed after the swap (local lakes).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import MopsError

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import SparkSession


class LakeError(MopsError):
    """A lake location mops cannot use for what was asked."""


def new_location(lake: str, schema: str, name: str) -> str:
    """A fresh folder for one build of `schema.name`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{lake}/{schema}/{name}/build={stamp}-{uuid.uuid4().hex[:8]}"


def quoted(name: str) -> str:
    return f"`{name.replace('`', '``')}`"


def table_name(schema: str, name: str) -> str:
    return f"{quoted(schema)}.{quoted(name)}"


def current_location(spark: SparkSession, schema: str, name: str) -> str | None:
    """Where the catalog's table `schema.name` points, or None if it is not a table."""
    if not spark.catalog.tableExists(f"{schema}.{name}"):
        return None
    rows = spark.sql(f"describe table extended {table_name(schema, name)}").collect()
    for row in rows:
        if row[0] == "Location":
            return str(row[1])
    return None


def _columns(spark: SparkSession, target: str) -> list[tuple[str, str]]:
    return [(f.name, f.dataType.simpleString()) for f in spark.table(target).schema.fields]


def swap_in(spark: SparkSession, schema: str, name: str, location: str) -> None:
    """Point the catalog's `schema.name` at the Parquet folder `location`."""
    spark.sql(f"create database if not exists {quoted(schema)}")
    target = table_name(schema, name)
    previous = current_location(spark, schema, name)
    if previous is not None:
        fresh = _columns_of_files(spark, location)
        if fresh == _columns(spark, target):
            spark.sql(f"alter table {target} set location '{location}'")
            spark.sql(f"refresh table {target}")
            _remove(previous)
            return
    _drop_relation(spark, schema, name)
    spark.sql(f"create table {target} using parquet location '{location}'")
    if previous is not None:
        _remove(previous)


def _columns_of_files(spark: SparkSession, location: str) -> list[tuple[str, str]]:
    return [(f.name, f.dataType.simpleString()) for f in spark.read.parquet(location).schema]


def _drop_relation(spark: SparkSession, schema: str, name: str) -> None:
    """Drop the view or (external: its files stay) table `schema.name`, if any."""
    if not spark.catalog.tableExists(f"{schema}.{name}"):
        return
    kind = spark.catalog.getTable(f"{schema}.{name}").tableType
    if kind == "VIEW":
        spark.sql(f"drop view {table_name(schema, name)}")
    else:
        spark.sql(f"drop table {table_name(schema, name)}")


def _remove(location: str) -> None:
    path = Path(location.removeprefix("file:"))
    if path.is_absolute() and path.name.startswith("build=") and path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def copy_from_duckdb(
    con: duckdb.DuckDBPyConnection,
    spark: SparkSession,
    lake: str,
    relations: Iterable[tuple[str, str]],
) -> dict[tuple[str, str], int]:
    """Copy DuckDB tables (raw, seeds, meta) into the lake as Parquet tables; rows per table.

    DuckDB writes the files, so the lake must be a local folder the Spark session reads too.
    """
    if "://" in lake and not lake.startswith("file://"):
        raise LakeError(
            f"MOPS_LAKE={lake} is not a local folder; copying DuckDB tables into the lake writes "
            "local files: use a folder, then copy it to the object store"
        )
    copied: dict[tuple[str, str], int] = {}
    for schema, name in relations:
        location = new_location(lake.removeprefix("file://"), schema, name)
        Path(location).mkdir(parents=True)
        source = f'"{schema}"."{name}"'
        con.execute(
            f"copy (select * from {source}) to '{location}/part-0.parquet' (format parquet)"
        )
        row = con.execute(f"select count(*) from {source}").fetchone()
        swap_in(spark, schema, name, location)
        copied[(schema, name)] = int(row[0]) if row else 0
    return copied

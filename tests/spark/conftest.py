"""A Spark session shared by the whole test run: Spark Connect at MOPS_SPARK_REMOTE when set
(`make spark-up`), else a local[2] session (Java 17). Tests here need the `spark` extra."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    pytest.importorskip("pyspark", reason="the spark extra is not installed")
    from pipeline.engine.spark.session import connect
    from pipeline.settings import Settings

    session = connect(Settings.from_env(), warehouse_dir=tmp_path_factory.mktemp("spark-wh"))
    yield session
    session.stop()


def on_duckdb(sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def on_spark(spark: SparkSession, sql: str) -> list[tuple[Any, ...]]:
    from pipeline.engine.spark.dialect import transpile

    return [tuple(row) for row in spark.sql(transpile(sql)).collect()]


def lake(tmp_path: Path) -> Path:
    return tmp_path / "lake"

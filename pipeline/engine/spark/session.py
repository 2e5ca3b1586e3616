"""A Spark session for the Spark engine: Spark Connect at `MOPS_SPARK_REMOTE`, else local.

Every session runs in UTC and reads `timestamp` as `timestamp_ntz` (DuckDB's `timestamp` has no
time zone), so that the same model gives the same values on both engines.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import MopsError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from pipeline.settings import Settings

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
}
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
}
LOCAL_MASTER = "local[2]"


class SparkUnavailableError(MopsError):
    """The Spark engine is configured but pyspark (the `spark` extra) is not installed."""


def connect(settings: Settings, *, warehouse_dir: Path | None = None) -> SparkSession:
    """A session on `settings.spark_remote`, or a local one (needs Java 17)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkUnavailableError(
            "MOPS_ENGINE=spark needs pyspark: install the extra with "
            "`.venv/bin/pip install -e '.[spark]'`"
        ) from error
    builder = SparkSession.builder.appName("mops")
    if settings.spark_remote:
        session = builder.remote(settings.spark_remote).getOrCreate()
    else:
        builder = builder.master(LOCAL_MASTER)
        conf = {**LOCAL_CONF, **SESSION_CONF}
        if warehouse_dir is not None:
            conf["spark.sql.warehouse.dir"] = str(warehouse_dir)
        for key, value in conf.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
    for key, value in SESSION_CONF.items():
        session.conf.set(key, value)
    return session

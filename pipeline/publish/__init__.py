"""Publishing the marts for BI tools: a new DuckDB file (storage readable by DuckDB 1.x) with
column comments and a `_published` table, swapped atomically over `MOPS_MARTS`, one rollback
generation, and a Parquet copy of every published table."""

from pipeline.publish.publisher import (
    STORAGE_VERSION,
    PublishedFile,
    PublishError,
    PublishResult,
    TableDoc,
    paths_for,
    publish,
    published_tables,
    read_published,
    rollback,
)

__all__ = [
    "STORAGE_VERSION",
    "PublishError",
    "PublishResult",
    "PublishedFile",
    "TableDoc",
    "paths_for",
    "publish",
    "published_tables",
    "read_published",
    "rollback",
]

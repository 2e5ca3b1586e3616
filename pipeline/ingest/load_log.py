"""`meta.load_log` and `meta.quarantine`: what every landing file became, and the log's own
reads (contents and fingerprints seen before, the latest load of a growing file)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.ingest import parsing
from pipeline.ingest.appends import Logged
from pipeline.ingest.formats import file_format
from pipeline.ingest.landing import LandingFile
from pipeline.sqltext import literal as quote

if TYPE_CHECKING:
    import duckdb

META_DDL = """
create schema if not exists raw;
create schema if not exists meta;
create table if not exists meta.load_log (
    load_id varchar primary key,
    system varchar not null,
    object varchar not null,
    path varchar not null,
    sha256 varchar not null,
    bytes bigint not null,
    format varchar,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    lines_skipped bigint not null,
    extra_columns varchar[],
    status varchar not null,
    error varchar,
    seconds double,
    loaded_at timestamp not null,
    modified_ns bigint,
    encoding varchar,
    formats json
);
create table if not exists meta.quarantine (
    load_id varchar not null,
    system varchar not null,
    object varchar not null,
    path varchar not null,
    line bigint,
    column_name varchar,
    reason varchar not null,
    value varchar,
    raw varchar,
    quarantined_at timestamp not null
);
"""


@dataclass(frozen=True)
class FileResult:
    system: str
    object: str
    path: str
    status: (
        str  # loaded | rejected | duplicate | skipped | deferred (log: `partial` if quarantined)
    )
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    seconds: float = 0.0


def ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(META_DDL)
    # Warehouses made before the quick check kept no modification time.
    con.execute("alter table meta.load_log add column if not exists modified_ns bigint")
    # ... and before the detected encoding and the spellings of dates and amounts.
    con.execute("alter table meta.load_log add column if not exists encoding varchar")
    con.execute("alter table meta.load_log add column if not exists formats json")
    con.execute(parsing.SFID18_MACRO)


def seen_hashes(
    con: duckdb.DuckDBPyConnection, statuses: tuple[str, ...]
) -> dict[tuple[str, str, str], str]:
    """(system, object, sha256) -> the first path logged with that content."""
    found = con.execute(
        "select system, object, sha256, arg_min(path, loaded_at) from meta.load_log "
        "where list_contains(?, status) and sha256 <> '' group by all",
        [list(statuses)],
    ).fetchall()
    return {(str(a), str(b), str(c)): str(d) for a, b, c, d in found}


def seen_fingerprints(
    con: duckdb.DuckDBPyConnection, statuses: tuple[str, ...]
) -> set[tuple[str, int, int]]:
    found = con.execute(
        "select path, bytes, modified_ns from meta.load_log "
        "where modified_ns is not null and list_contains(?, status)",
        [list(statuses)],
    ).fetchall()
    return {(str(a), int(b), int(c)) for a, b, c in found}


def latest_loads(con: duckdb.DuckDBPyConnection) -> dict[str, Logged]:
    """path -> its latest load (bytes, sha256): a file that grew from it loads its tail only."""
    found = con.execute(
        "select path, arg_max(bytes, loaded_at), arg_max(sha256, loaded_at) from meta.load_log "
        "where status in ('loaded', 'partial') group by path"
    ).fetchall()
    return {str(path): Logged(int(size), str(digest)) for path, size, digest in found}


def log_rejection(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, reason: str
) -> FileResult:
    _log(con, item, digest, "rejected", reason)
    return FileResult(item.system, item.object, item.relative_path, "rejected", error=reason)


def log_duplicate(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, earlier: str
) -> FileResult:
    reason = f"same content as {earlier}: not loaded again"
    _log(con, item, digest, "duplicate", reason)
    return FileResult(item.system, item.object, item.relative_path, "duplicate", error=reason)


def _log(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, status: str, reason: str
) -> None:
    con.execute(
        f"insert into meta.load_log {LOG_COLUMNS} values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, [], "
        "?, ?, 0, now()::timestamp, ?, null, null)",
        [
            uuid.uuid4().hex,
            item.system,
            item.object,
            item.relative_path,
            digest,
            item.size,
            file_format(item.path) if item.path.is_file() else None,
            status,
            reason,
            item.modified_ns,
        ],
    )


# By name: a warehouse that gained a column later has it last, not where META_DDL puts it.
LOG_COLUMNS = (
    "(load_id, system, object, path, sha256, bytes, format, rows_read, rows_loaded, "
    "rows_quarantined, lines_skipped, extra_columns, status, error, seconds, loaded_at, "
    "modified_ns, encoding, formats)"
)


def sql_text(text: str | None) -> str:
    return "null::varchar" if text is None else quote(text)

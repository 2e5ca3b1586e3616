"""Write the published marts file next to `MOPS_MARTS` and swap it in atomically.

    <dir>/marts.duckdb             what BI tools open (read-only)
    <dir>/marts.previous.duckdb    the rollback generation (`mops rollback` swaps the two)
    <dir>/.marts.duckdb.publishing the file being written (removed if a run died mid-way)
    <dir>/marts_parquet            a symlink to .marts_parquet/<generation>/, one file per table

A reader holding the published file keeps its snapshot (the inode it opened); a new reader
sees the new file. Nothing is ever written into the published file in place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import MopsError
from pipeline.filemodes import apply_umask, protect
from pipeline.publish import keys
from pipeline.settings import Settings
from pipeline.sqltext import identifier as _quote
from pipeline.sqltext import literal as _literal

if TYPE_CHECKING:
    import duckdb

STORAGE_VERSION = "v1.0.0"
"""DuckDB storage format of the published file: readable by every DuckDB 1.x client (Superset's
`duckdb<2`, the Metabase and Evidence drivers on 1.4) and by DuckDB 2."""

MARTS_SCHEMA = "marts"
PUBLISHED_TABLE = "_published"
_ALIAS = "__mops_publish"
_PERSONAL = re.compile(
    r"(^|_)(e_?mail|email_address|first_?name|last_?name|full_?name|given_?name|surname|"
    r"phone|mobile_?phone|mobile|street|address)(_|$)"
)
_TEXT_TYPES = ("VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "JSON", "BLOB", "[]", "STRUCT")


class PublishError(MopsError):
    """The marts cannot be published; the published file is unchanged."""


@dataclass(frozen=True)
class TableDoc:
    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedFile:
    """Where one published generation lives."""

    target: Path

    @property
    def staging(self) -> Path:
        return self.target.with_name(f".{self.target.name}.publishing")

    @property
    def previous(self) -> Path:
        return self.target.with_name(f"{self.target.stem}.previous{self.target.suffix}")

    @property
    def parquet(self) -> Path:
        """The symlink BI tools read Parquet through: `<dir>/<stem>_parquet/<table>.parquet`."""
        return self.target.with_name(f"{self.target.stem}_parquet")

    @property
    def parquet_previous(self) -> Path:
        return self.target.with_name(f"{self.target.stem}_parquet.previous")

    @property
    def generations(self) -> Path:
        return self.target.with_name(f".{self.target.stem}_parquet")


def paths_for(target: Path | str) -> PublishedFile:
    return PublishedFile(Path(target).resolve())


@dataclass(frozen=True)
class PublishResult:
    target: Path
    run_id: str
    as_of: dt.date | None
    published_at: dt.datetime
    row_counts: dict[str, int]
    parquet_dir: Path
    seconds: float


def published_tables(con: duckdb.DuckDBPyConnection, names: Collection[str]) -> list[str]:
    """Tables and views of schema `marts` among `names` (the models the project marks for
    publishing: `Project.published`), if present."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] in names]


def personal_columns(
    con: duckdb.DuckDBPyConnection, tables: Sequence[str], allow: Sequence[str] = ()
) -> list[str]:
    """`table.column` of every text column named like personal data (email, names, phone)."""
    if not tables:
        return []
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? "
        "and list_contains(?, table_name) order by table_name, ordinal_position",
        [MARTS_SCHEMA, list(tables)],
    ).fetchall()
    found = []
    for table, column, kind in rows:
        qualified = f"{table}.{column}"
        textual = any(t in str(kind).upper() for t in _TEXT_TYPES)
        if textual and _PERSONAL.search(str(column).lower()) and qualified not in allow:
            found.append(qualified)
    return found


_AS_OF_FALLBACK = (("fct_touch", "touched_at"), ("fct_ad_spend_daily", "date"),
                   ("fct_opportunity", "created_date"))  # fmt: skip


_REPORTING_AS_OF = "intermediate.int_reporting__as_of"


def resolve_as_of(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> dt.date | None:
    """The latest `as_of` of the published marts, else the KPI marts' reporting date
    (int_reporting__as_of), else the latest date in the facts."""
    present = {
        (str(schema), str(table), str(column))
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database()"
        ).fetchall()
    }
    relations = [
        f"{MARTS_SCHEMA}.{_quote(t)}" for t in tables if (MARTS_SCHEMA, t, "as_of") in present
    ]
    if relations:
        return _latest(con, [(r, "as_of") for r in relations])
    if (*_REPORTING_AS_OF.split("."), "as_of") in present:
        return _latest(con, [(_REPORTING_AS_OF, "as_of")])
    facts = [
        (f"{MARTS_SCHEMA}.{_quote(t)}", c)
        for t, c in _AS_OF_FALLBACK
        if (MARTS_SCHEMA, t, c) in present
    ]
    return _latest(con, facts) if facts else None


def _latest(con: duckdb.DuckDBPyConnection, columns: Sequence[tuple[str, str]]) -> dt.date | None:
    union = " union all ".join(
        f"select max({_quote(c)})::date as d from {relation}" for relation, c in columns
    )
    row = con.execute(f"select max(d) from ({union})").fetchone()
    value = row[0] if row else None
    return value if isinstance(value, dt.date) else None


def loaded_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """`system/object` of every landing object with loaded rows (meta.load_log), sorted."""
    logged = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'meta' and table_name = 'load_log'"
    ).fetchone()
    if not (logged and logged[0]):
        return []
    rows = con.execute(
        "select system || '/' || object from meta.load_log group by system, object "
        "having sum(rows_loaded) > 0 order by 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_symlink(link: Path, destination: str) -> None:
    temporary = link.with_name(f".{link.name}.tmp")
    _remove(temporary)
    os.symlink(destination, temporary)
    os.replace(temporary, link)


def publish(
    con: duckdb.DuckDBPyConnection,
    target: Path | str,
    *,
    run_id: str,
    names: Collection[str],
    as_of: dt.date | None = None,
    docs: Mapping[str, TableDoc] | None = None,
    allow_columns: Sequence[str] = (),
) -> PublishResult:
    """Publish the marts `names` of warehouse `con` to `target` (see the module doc for the
    files); `names` are the models the project marks for publishing (`Project.published`).

    Raises `PublishError` (nothing replaced) when a mart carries personal data.
    """
    import time

    started = time.perf_counter()
    settings = Settings.from_env()
    apply_umask(settings.file_mode)
    paths = paths_for(target)
    paths.target.parent.mkdir(parents=True, exist_ok=True)
    tables = published_tables(con, names)
    personal = personal_columns(con, tables, allow_columns)
    if personal:
        raise PublishError(
            "published marts must carry no personal data (emails, names, phones); drop or "
            f"aggregate these columns, or allow them in checks/config.yml: {', '.join(personal)}"
        )
    as_of = as_of or resolve_as_of(con, tables)
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    generation = f"{published_at:%Y%m%dT%H%M%S}-{run_id[:12]}-{uuid.uuid4().hex[:6]}"
    parquet_dir = paths.generations / generation
    for stale in (paths.staging, paths.staging.with_name(paths.staging.name + ".wal"), parquet_dir):
        _remove(stale)
    parquet_dir.mkdir(parents=True)
    docs = docs or {}
    con.execute(
        f"attach {_literal(str(paths.staging))} as {_ALIAS} "
        f"(storage_version {_literal(STORAGE_VERSION)})"
    )
    folder = keys.warehouse_folder(con) or paths.target.parent
    salt = keys.salt(folder, settings.person_key_salt)
    try:
        counts = _write_tables(con, tables, docs, salt)
        _write_published(con, run_id, as_of, published_at, counts, loaded_sources(con))
        for table in [*tables, PUBLISHED_TABLE]:
            out = parquet_dir / f"{table}.parquet"
            con.execute(
                f"copy {_ALIAS}.main.{_quote(table)} to {_literal(str(out))} "
                "(format parquet, compression zstd)"
            )
        con.execute(f"checkpoint {_ALIAS}")
    finally:
        con.execute(f"detach {_ALIAS}")
    _remove(paths.staging.with_name(paths.staging.name + ".wal"))
    protect(paths.staging, paths.generations, mode=settings.file_mode)
    _fsync(paths.staging)
    _swap_in(paths, parquet_dir)
    return PublishResult(
        paths.target, run_id, as_of, published_at, counts, paths.parquet,
        time.perf_counter() - started,
    )  # fmt: skip


def _write_tables(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    docs: Mapping[str, TableDoc],
    salt: str,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    person_keys = keys.key_columns(con, MARTS_SCHEMA, tables)
    for table in tables:
        name = _quote(table)
        salted = ", ".join(
            f"{keys.salted(c, salt)} as {_quote(c)}" for c in person_keys.get(table, [])
        )
        columns = f"* replace ({salted})" if salted else "*"
        con.execute(
            f"create table {_ALIAS}.main.{name} as select {columns} from {MARTS_SCHEMA}.{name}"
        )
        row = con.execute(f"select count(*) from {_ALIAS}.main.{name}").fetchone()
        counts[table] = int(row[0]) if row else 0
        doc = docs.get(table)
        if doc is None:
            continue
        if doc.description:
            con.execute(f"comment on table {_ALIAS}.main.{name} is {_literal(doc.description)}")
        present = {
            str(r[0])
            for r in con.execute(
                "select column_name from duckdb_columns() where database_name = ? "
                "and table_name = ?",
                [_ALIAS, table],
            ).fetchall()
        }
        for column, text in doc.columns.items():
            if text and column in present:
                con.execute(
                    f"comment on column {_ALIAS}.main.{name}.{_quote(column)} is {_literal(text)}"
                )
    return counts


_PUBLISHED_DOCS = {
    "run_id": "The Dagster run (or caller) that published this file.",
    "as_of": "The reporting date of the marts.",
    "published_at": "When the file was published (UTC).",
    "table_name": "A published table.",
    "row_count": "Its number of rows.",
    "source_systems": "The source systems with loaded rows (salesforce, marketo, ...).",
    "source_objects": "The landing objects with loaded rows, as system/object: a KPI that "
    "needs an absent one (ad spend for cost KPIs, Marketo for email KPIs) is NULL, not 0.",
}


def _write_published(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    as_of: dt.date | None,
    published_at: dt.datetime,
    counts: Mapping[str, int],
    sources: Sequence[str],
) -> None:
    table = f"{_ALIAS}.main.{PUBLISHED_TABLE}"
    con.execute(
        f"create table {table} (run_id varchar not null, as_of date, "
        "published_at timestamp not null, table_name varchar not null, row_count bigint not null, "
        "source_systems varchar[] not null, source_objects varchar[] not null)"
    )
    systems = sorted({source.split("/", 1)[0] for source in sources})
    objects = list(sources)
    rows = [
        (run_id, as_of, published_at, name, count, systems, objects)
        for name, count in counts.items()
    ]
    if not rows:
        rows = [(run_id, as_of, published_at, PUBLISHED_TABLE, 0, systems, objects)]
    con.executemany(f"insert into {table} values (?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        f"comment on table {table} is "
        + _literal(
            "One row per published table: the run, as_of and row count of this file, and the "
            "sources that had data."
        )
    )
    for column, text in _PUBLISHED_DOCS.items():
        con.execute(f"comment on column {table}.{column} is {_literal(text)}")


def _swap_in(paths: PublishedFile, parquet_dir: Path) -> None:
    """Keep the current file as the rollback generation, then move the new one in (atomic)."""
    _remove(paths.target.with_name(paths.target.name + ".wal"))
    if paths.target.exists():
        keep = paths.previous.with_name(f".{paths.previous.name}.tmp")
        _remove(keep)
        os.link(paths.target, keep)
        os.replace(keep, paths.previous)
    os.replace(paths.staging, paths.target)
    _fsync(paths.target.parent)
    if paths.parquet.is_symlink():
        _replace_symlink(paths.parquet_previous, os.readlink(paths.parquet))
    _replace_symlink(paths.parquet, os.path.relpath(parquet_dir, paths.parquet.parent))
    _prune_generations(paths)


def _prune_generations(paths: PublishedFile) -> None:
    keep = {
        (paths.parquet.parent / os.readlink(link)).resolve()
        for link in (paths.parquet, paths.parquet_previous)
        if link.is_symlink()
    }
    if not paths.generations.is_dir():
        return
    for child in paths.generations.iterdir():
        if child.resolve() not in keep:
            _remove(child)


def rollback(target: Path | str) -> tuple[str | None, str | None]:
    """Swap the published file with the previous generation (and the Parquet copies).

    Returns (run id now published, run id now kept as previous). Rolling back twice restores.
    """
    paths = paths_for(target)
    if not paths.previous.exists():
        raise PublishError(
            f"no previous generation to roll back to ({paths.previous} does not exist): "
            "publish at least twice first."
        )
    _remove(paths.target.with_name(paths.target.name + ".wal"))
    keep = paths.target.with_name(f".{paths.target.name}.rollback")
    _remove(keep)
    if paths.target.exists():
        os.link(paths.target, keep)
    os.replace(paths.previous, paths.target)
    if keep.exists():
        os.replace(keep, paths.previous)
    _fsync(paths.target.parent)
    if paths.parquet_previous.is_symlink():
        current = os.readlink(paths.parquet) if paths.parquet.is_symlink() else None
        _replace_symlink(paths.parquet, os.readlink(paths.parquet_previous))
        if current:
            _replace_symlink(paths.parquet_previous, current)
    now = read_published(paths.target)
    before = read_published(paths.previous) if paths.previous.exists() else None
    return (now[0] if now else None, before[0] if before else None)


def read_published(path: Path | str) -> tuple[str, dict[str, int]] | None:
    """(run id, row counts) of a published file, read in a separate read-only connection."""
    import duckdb

    if not Path(path).exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"select run_id, table_name, row_count from {PUBLISHED_TABLE}"
        ).fetchall()
    if not rows:
        return None
    return str(rows[0][0]), {str(r[1]): int(r[2]) for r in rows}

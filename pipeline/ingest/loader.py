"""Loading landing files into `raw.<system>__<object>`, one atomic transaction per file.

Per file: hash it (a content hash loaded before is skipped), read it with DuckDB's own reader
(`formats.py`), type every column in SQL (`parsing.py`), insert the good rows with their
provenance, quarantine the others with file, line, column and reason, and log the file in
`meta.load_log` with rows_read = rows_loaded + rows_quarantined. All of that commits together
or not at all, so a crash mid-file leaves no trace and the next run loads the file again.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ingest import parsing
from pipeline.ingest.errors import FileRejected, IngestError
from pipeline.ingest.formats import (
    SourceRead,
    file_format,
    finish_read,
    line_of,
    read_source,
)
from pipeline.ingest.objects import OBJECTS, SourceObject, find_object, snake_case
from pipeline.ingest.parsing import SQL_TYPES, quote
from pipeline.settings import Settings

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
    loaded_at timestamp not null
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
class LandingFile:
    system: str
    object: str
    path: Path
    relative_path: str


@dataclass(frozen=True)
class FileResult:
    system: str
    object: str
    path: str
    status: str  # loaded | rejected | skipped
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    seconds: float = 0.0


def ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(META_DDL)
    con.execute(parsing.SFID18_MACRO)


def discover(landing: Path, objects: Iterable[SourceObject] | None = None) -> list[LandingFile]:
    """Every file under `<landing>/<system>/<object>/`, in delivery order (sorted names)."""
    if not landing.is_dir():
        raise IngestError(
            f"landing folder {landing} does not exist: set MOPS_LANDING_DIR or pass --landing"
        )
    wanted = {(o.system, o.name) for o in objects} if objects is not None else None
    files = []
    for path in sorted(landing.glob("*/*/*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        system, name = path.parent.parent.name, path.parent.name
        if wanted is not None and (system, name) not in wanted:
            continue
        files.append(LandingFile(system, name, path, path.relative_to(landing).as_posix()))
    return files


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    settings: Settings | None = None,
    objects: Iterable[SourceObject] | None = None,
    retry_rejected: bool = False,
) -> list[FileResult]:
    """Load every new file of `objects` (default: all) found under `landing`."""
    settings = settings or Settings.from_env()
    ensure_meta(con)
    return [
        load_file(con, item, settings.report_timezone, retry_rejected)
        for item in discover(landing, objects)
    ]


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def load_file(
    con: duckdb.DuckDBPyConnection,
    item: LandingFile,
    report_timezone: str = "UTC",
    retry_rejected: bool = False,
) -> FileResult:
    started = time.perf_counter()
    digest = sha256_of(item.path)
    statuses = ("loaded",) if retry_rejected else ("loaded", "rejected")
    seen = con.execute(
        "select status from meta.load_log where sha256 = ? and system = ? and object = ? "
        f"and status in ({', '.join(quote(s) for s in statuses)}) limit 1",
        [digest, item.system, item.object],
    ).fetchone()
    if seen:
        return FileResult(item.system, item.object, item.relative_path, "skipped")
    load_id = uuid.uuid4().hex
    obj = find_object(item.system, item.object)
    con.execute("begin transaction")
    try:
        if obj is None:
            known = ", ".join(f"{o.system}/{o.name}" for o in OBJECTS)
            raise FileRejected(item.path, f"unknown landing object; expected one of: {known}")
        if file_format(item.path) is None:
            raise FileRejected(item.path, "unsupported file type (csv, tsv, json, jsonl, parquet)")
        read = read_source(con, item.path, obj)
        result = _load_rows(con, item, obj, read, load_id, digest, report_timezone, started)
        con.execute("commit")
        return result
    except FileRejected as rejection:
        con.execute("rollback")
        return _log_rejection(con, item, load_id, digest, rejection.reason, started)
    except BaseException:
        con.execute("rollback")
        raise


def _log_rejection(
    con: duckdb.DuckDBPyConnection,
    item: LandingFile,
    load_id: str,
    digest: str,
    reason: str,
    started: float,
) -> FileResult:
    seconds = time.perf_counter() - started
    con.execute(
        "insert into meta.load_log values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, [], 'rejected', ?, ?, "
        "now()::timestamp)",
        [
            load_id,
            item.system,
            item.object,
            item.relative_path,
            digest,
            item.path.stat().st_size,
            file_format(item.path),
            reason,
            seconds,
        ],
    )
    return FileResult(
        item.system, item.object, item.relative_path, "rejected", error=reason, seconds=seconds
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_table(con: duckdb.DuckDBPyConnection, obj: SourceObject) -> None:
    columns = [(c.name, SQL_TYPES[c.type]) for c in obj.columns]
    if obj.unpivot:
        name, value, kind = obj.unpivot
        columns += [(name, "varchar"), (value, SQL_TYPES[kind])]
    columns += [("_file", "varchar"), ("_line", "bigint"), ("_load_id", "varchar")]
    if not obj.unpivot:
        columns.append(("_extra", "json"))
    body = ", ".join(f"{_ident(n)} {t}" for n, t in columns)
    con.execute(f"create table if not exists {obj.qualified_table} ({body})")
    present = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw' and table_name = ?",
            [obj.table],
        ).fetchall()
    }
    for name, sql_type in columns:
        if name not in present:  # the contract grew a column since this table was made
            con.execute(f"alter table {obj.qualified_table} add column {_ident(name)} {sql_type}")


@dataclass(frozen=True)
class _Mapping:
    columns: dict[str, int]  # object column -> source field index
    extras: list[tuple[str, int]]  # unknown header -> source field index


def _map_headers(obj: SourceObject, headers: list[str]) -> _Mapping:
    by_name = {c.name: c.name for c in obj.columns}
    for column in obj.columns:
        for alias in column.aliases:
            by_name[alias] = column.name
    columns: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    for index, header in enumerate(headers):
        name = by_name.get(snake_case(header))
        if name is not None and name not in columns:
            columns[name] = index
        elif header.strip():
            extras.append((header, index))
    return _Mapping(columns, extras)


def _typed_select(obj: SourceObject, mapping: _Mapping, headers: list[str], tz: str) -> str:
    """One pass over `_src`: typed columns, the list of errors per row, raw text of bad rows."""
    nulled = [f"{parsing.null_if_empty(f'f{i}')} as r{i}" for i in range(len(headers))]
    typed = []
    checks = []
    for column in obj.columns:
        index = mapping.columns.get(column.name)
        if index is None:
            typed.append(f"null::{SQL_TYPES[column.type]} as {_ident(column.name)}")
            continue
        raw = f"r{index}"
        typed.append(f"{parsing.typed(raw, column.type, tz)} as {_ident(column.name)}")
        if column.type != "text":
            checks.append(
                f"case when {raw} is not null and {_ident(column.name)} is null then "
                f"{{'column': {quote(column.name)}, "
                f"'reason': {quote(f'cannot read as {column.type}')}, 'value': {raw}}} end"
            )
        if column.required:
            checks.append(
                f"case when {raw} is null then {{'column': {quote(column.name)}, "
                f"'reason': 'required value is missing', 'value': null::varchar}} end"
            )
    values = []
    if obj.unpivot:
        _, _, kind = obj.unpivot
        for header, index in mapping.extras:
            raw = f"r{index}"
            values.append(
                f"{{'key': {quote(header.strip())}, 'value': {parsing.typed(raw, kind, tz)}}}"
            )
            checks.append(
                f"case when {raw} is not null and {parsing.typed(raw, kind, tz)} is null then "
                f"{{'column': {quote(header.strip())}, "
                f"'reason': {quote(f'cannot read as {kind}')}, 'value': {raw}}} end"
            )
    raw_pairs = ", ".join(f"{quote(h)}, r{i}" for i, h in enumerate(headers))
    extra_pairs = ", ".join(f"{quote(h)}, r{i}" for h, i in mapping.extras)
    errors = f"list_filter([{', '.join(checks)}], lambda e: e is not null)" if checks else "[]"
    unpivoted = (
        f", list_filter([{', '.join(values)}], lambda v: v.value is not null) as _values"
        if obj.unpivot
        else ""
    )
    return f"""
        with nulled as (select {", ".join(nulled)} from _src),
        typed as (select *, {", ".join(typed)} from nulled),
        checked as (select *, {errors} as _errors from typed)
        select {", ".join(_ident(c.name) for c in obj.columns)}, _errors,
               case when len(_errors) > 0 then json_object({raw_pairs})::varchar end as _raw,
               {f"json_object({extra_pairs})" if extra_pairs else "null::json"} as _extra
               {unpivoted}
        from checked
    """


def _load_rows(
    con: duckdb.DuckDBPyConnection,
    item: LandingFile,
    obj: SourceObject,
    read: SourceRead,
    load_id: str,
    digest: str,
    tz: str,
    started: float,
) -> FileResult:
    mapping = _map_headers(obj, read.headers)
    ensure_table(con, obj)
    con.execute(
        f"create or replace temp table _typed as {_typed_select(obj, mapping, read.headers, tz)}"
    )
    counts = con.execute(
        "select count(*), count(*) filter (where len(_errors) = 0), coalesce(min(rowid), 0) "
        "from _typed"
    ).fetchone()
    total, good, first_rowid = (int(c) for c in counts) if counts else (0, 0, 0)
    finish_read(con, read, total)
    line = line_of(read, "_ord")
    # Rows inserted in this transaction have row ids from a large offset, in insertion order.
    typed_rows = f"(select *, rowid - {first_rowid} + 1 as _ord from _typed)"
    names = [c.name for c in obj.columns]
    target = ", ".join(_ident(n) for n in names)
    file_literal, load_literal = quote(item.relative_path), quote(load_id)
    if obj.unpivot:
        key, value, _ = obj.unpivot
        con.execute(
            f"""
            insert into {obj.qualified_table} ({target}, {_ident(key)}, {_ident(value)},
                                               _file, _line, _load_id)
            select {target}, v.key, v.value, {file_literal}, {line}, {load_literal}
            from (select *, unnest(_values) as v from {typed_rows} where len(_errors) = 0)
            """
        )
    else:
        con.execute(
            f"""
            insert into {obj.qualified_table} ({target}, _file, _line, _load_id, _extra)
            select {target}, {file_literal}, {line}, {load_literal}, _extra
            from {typed_rows} where len(_errors) = 0
            """
        )
    meta = f"{load_literal}, {quote(item.system)}, {quote(item.object)}, {file_literal}"
    con.execute(
        f"""
        insert into meta.quarantine
        select {meta}, {line}, _errors[1].column,
               array_to_string(list_transform(_errors, lambda e: e.column || ': ' || e.reason),
                               '; '),
               _errors[1].value, _raw, now()::timestamp
        from {typed_rows} where len(_errors) > 0
        """
    )
    if read.structural_rejects:
        con.execute(
            f"""
            insert into meta.quarantine
            select {meta}, line, column_name, error_type || ': ' || error_message, null,
                   csv_line, now()::timestamp
            from _reject_lines
            """
        )
    rejected = read.structural_rejects
    rows_read, quarantined = total + rejected, total - good + rejected
    seconds = time.perf_counter() - started
    con.execute(
        "insert into meta.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', null, ?, "
        "now()::timestamp)",
        [
            load_id,
            item.system,
            item.object,
            item.relative_path,
            digest,
            item.path.stat().st_size,
            file_format(item.path),
            rows_read,
            good,
            quarantined,
            read.skipped_lines,
            [h for h, _ in mapping.extras],
            seconds,
        ],
    )
    con.execute("drop table _typed")
    return FileResult(
        item.system,
        item.object,
        item.relative_path,
        "loaded",
        rows_read,
        good,
        quarantined,
        None,
        seconds,
    )

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ingest import parsing
from pipeline.ingest.errors import FileRejected, IngestError
from pipeline.ingest.formats import (
    Layout,
    SourceRead,
    file_format,
    finish_read,
    first_line,
    line_of,
    register_source,
    sniff,
)
from pipeline.ingest.objects import OBJECTS, SourceObject, find_object, snake_case
from pipeline.ingest.parsing import SQL_TYPES
from pipeline.settings import Settings
from pipeline.sqltext import identifier as _ident
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
    modified_ns bigint
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
    size: int
    modified_ns: int

    @property
    def fingerprint(self) -> tuple[str, int, int]:
        """rsync's quick check: a file with the same path, size and mtime as a logged one is
        that file, so it is skipped without reading (hashing 12 GB took 14 s every night)."""
        return (self.relative_path, self.size, self.modified_ns)


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
    # Warehouses made before the quick check kept no modification time.
    con.execute("alter table meta.load_log add column if not exists modified_ns bigint")
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
        stat = path.stat()
        relative = path.relative_to(landing).as_posix()
        files.append(LandingFile(system, name, path, relative, stat.st_size, stat.st_mtime_ns))
    return files


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    settings: Settings | None = None,
    objects: Iterable[SourceObject] | None = None,
    retry_rejected: bool = False,
) -> list[FileResult]:
    """Load every new file of `objects` (default: all) found under `landing`.

    Files of one object with the same layout load together in one scan and one transaction
    (a crash leaves none of them loaded); if that scan fails, each file loads on its own so
    only the unreadable one is rejected.
    """
    settings = settings or Settings.from_env()
    chosen = OBJECTS if objects is None else tuple(objects)
    ensure_meta(con)
    tz = settings.report_timezone
    seen = _seen_hashes(con, retry_rejected)
    logged = _seen_fingerprints(con, retry_rejected)
    results: dict[Path, FileResult] = {}
    pending: dict[tuple[str, str], list[_Pending]] = {}
    files = discover(landing, None if objects is None else chosen)
    for item in files:
        if item.fingerprint in logged:
            results[item.path] = FileResult(item.system, item.object, item.relative_path, "skipped")
            continue
        digest = sha256_of(item.path)
        if (item.system, item.object, digest) in seen:
            results[item.path] = FileResult(item.system, item.object, item.relative_path, "skipped")
            continue
        seen.add((item.system, item.object, digest))
        try:
            obj = find_object(item.system, item.object)
            if obj is None:
                known = ", ".join(f"{o.system}/{o.name}" for o in OBJECTS)
                raise FileRejected(item.path, f"unknown landing object; expected one of: {known}")
            layout = sniff(item.path, obj)
        except FileRejected as rejection:
            results[item.path] = _log_rejection(con, item, digest, rejection.reason)
            continue
        pending.setdefault((item.system, item.object), []).append(_Pending(item, digest, layout))
    for (system, name), items in pending.items():
        obj = find_object(system, name)
        assert obj is not None
        for batch in _batches(items):
            for result in _load_batch_or_each(con, obj, batch, tz):
                results[Path(result.path_on_disk)] = result.result
    for obj in chosen:
        ensure_table(con, obj)  # an object with no delivery yet is an empty table, not a gap
    return [results[item.path] for item in files]


@dataclass(frozen=True)
class _Pending:
    item: LandingFile
    digest: str
    layout: Layout


@dataclass(frozen=True)
class _Outcome:
    path_on_disk: str
    result: FileResult


_BATCH_BYTES = 1 << 30
_BATCH_FILES = 1000


def _batches(items: list[_Pending]) -> Iterator[list[_Pending]]:
    """Files of one layout (in delivery order), up to 1 GiB or 1,000 files per batch."""
    by_layout: dict[Layout, list[_Pending]] = {}
    for pending in items:
        by_layout.setdefault(pending.layout, []).append(pending)
    for group in by_layout.values():
        batch: list[_Pending] = []
        size = 0
        for pending in group:
            length = pending.item.size
            if batch and (size + length > _BATCH_BYTES or len(batch) >= _BATCH_FILES):
                yield batch
                batch, size = [], 0
            batch.append(pending)
            size += length
        if batch:
            yield batch


def _statuses(retry_rejected: bool) -> str:
    return "('loaded')" if retry_rejected else "('loaded', 'rejected')"


def _seen_hashes(con: duckdb.DuckDBPyConnection, retry_rejected: bool) -> set[tuple[str, str, str]]:
    found = con.execute(
        "select system, object, sha256 from meta.load_log "
        f"where status in {_statuses(retry_rejected)}"
    ).fetchall()
    return {(str(a), str(b), str(c)) for a, b, c in found}


def _seen_fingerprints(
    con: duckdb.DuckDBPyConnection, retry_rejected: bool
) -> set[tuple[str, int, int]]:
    found = con.execute(
        "select path, bytes, modified_ns from meta.load_log "
        f"where modified_ns is not null and status in {_statuses(retry_rejected)}"
    ).fetchall()
    return {(str(a), int(b), int(c)) for a, b, c in found}


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _load_batch_or_each(
    con: duckdb.DuckDBPyConnection, obj: SourceObject, batch: list[_Pending], tz: str
) -> list[_Outcome]:
    try:
        return _load_batch(con, obj, batch, tz)
    except Exception as error:
        if len(batch) > 1:
            return [o for one in batch for o in _load_batch_or_each(con, obj, [one], tz)]
        item, digest = batch[0].item, batch[0].digest
        reason = f"cannot be read: {first_line(error)}"
        return [_Outcome(str(item.path), _log_rejection(con, item, digest, reason))]


def _load_batch(
    con: duckdb.DuckDBPyConnection, obj: SourceObject, batch: list[_Pending], tz: str
) -> list[_Outcome]:
    started = time.perf_counter()
    con.execute("begin transaction")
    try:
        read = register_source(con, [p.item.path for p in batch], batch[0].layout)
        ensure_table(con, obj)
        outcomes = _load_rows(con, obj, batch, read, tz, started)
        con.execute("commit")
        return outcomes
    except BaseException:
        con.execute("rollback")
        raise


def _log_rejection(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, reason: str
) -> FileResult:
    con.execute(
        "insert into meta.load_log values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, [], 'rejected', ?, 0, "
        "now()::timestamp, ?)",
        [
            uuid.uuid4().hex,
            item.system,
            item.object,
            item.relative_path,
            digest,
            item.size,
            file_format(item.path),
            reason,
            item.modified_ns,
        ],
    )
    return FileResult(item.system, item.object, item.relative_path, "rejected", error=reason)


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


def _typed_select(obj: SourceObject, mapping: _Mapping, read: SourceRead, tz: str) -> str:
    """One pass over `_src`: typed columns, the list of errors per row, raw text of bad rows."""
    headers = read.headers
    nulled = [
        f"f{i} as r{i}" if read.reader_reads_nulls else f"{parsing.null_if_empty(f'f{i}')} as r{i}"
        for i in range(len(headers))
    ]
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
        with nulled as (select _path, {", ".join(nulled)} from _src),
        typed as (select *, {", ".join(typed)} from nulled),
        checked as (select *, {errors} as _errors from typed)
        select _path, {", ".join(_ident(c.name) for c in obj.columns)}, _errors,
               case when len(_errors) > 0 then json_object({raw_pairs})::varchar end as _raw,
               {f"json_object({extra_pairs})" if extra_pairs else "null::json"} as _extra
               {unpivoted}
        from checked
    """


@contextmanager
def _lazy_fallbacks(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's common-subexpression pass hoists a sub-expression a fallback reading repeats
    (`trim(x)`) into a projection computed for every row, ahead of the `coalesce` that needed
    it for a few rows (`parsing._fast_then`): off while typing (2.8M activities: 1.8 -> 1.0 s)."""
    con.execute("set disabled_optimizers = 'common_subexpressions'")
    try:
        yield
    finally:
        con.execute("reset disabled_optimizers")


def _load_rows(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[_Pending],
    read: SourceRead,
    tz: str,
    started: float,
) -> list[_Outcome]:
    mapping = _map_headers(obj, read.headers)
    with _lazy_fallbacks(con):
        con.execute(
            f"create or replace temp table _typed as {_typed_select(obj, mapping, read, tz)}"
        )
    skipped = finish_read(con, read)
    # One VALUES list, not one statement per file: a batch may hold a thousand daily files.
    values = ", ".join(
        f"({quote(str(p.item.path))}, {quote(p.item.relative_path)}, {quote(uuid.uuid4().hex)}, "
        f"{quote(p.digest)}, {p.item.size}, {p.item.modified_ns}, "
        f"{p.layout.header_index + skipped.get(str(p.item.path), 0)})"
        for p in batch
    )
    con.execute(
        "create or replace temp table _batch as select * from (values "
        f"{values}) t(path, relative, load_id, sha256, bytes, modified_ns, lines_skipped)"
    )
    # Rows inserted in this transaction have row ids from a large offset, in insertion order,
    # so a record's ordinal in its file is its row id minus the first row id of that file.
    con.execute(
        """
        create or replace temp table _files as
        select _path, min(rowid) as first_rowid, count(*) as total,
               count(*) filter (where len(_errors) = 0) as good
        from _typed group by _path
        """
    )
    line = line_of(read, "_ord", "_path")
    typed_rows = (
        "(select t.*, t.rowid - f.first_rowid + 1 as _ord, b.relative as _relative, "
        "b.load_id as _load from _typed t join _files f using (_path) "
        "join _batch b on b.path = t._path)"
    )
    target = ", ".join(_ident(c.name) for c in obj.columns)
    if obj.unpivot:
        key, value, _ = obj.unpivot
        con.execute(
            f"""
            insert into {obj.qualified_table} ({target}, {_ident(key)}, {_ident(value)},
                                               _file, _line, _load_id)
            select {target}, v.key, v.value, _relative, {line}, _load
            from (select *, unnest(_values) as v from {typed_rows} where len(_errors) = 0)
            """
        )
    else:
        con.execute(
            f"""
            insert into {obj.qualified_table} ({target}, _file, _line, _load_id, _extra)
            select {target}, _relative, {line}, _load, _extra
            from {typed_rows} where len(_errors) = 0
            """
        )
    where = f"{quote(obj.system)}, {quote(obj.name)}"
    con.execute(
        f"""
        insert into meta.quarantine
        select _load, {where}, _relative, {line}, _errors[1].column,
               array_to_string(list_transform(_errors, lambda e: e.column || ': ' || e.reason),
                               '; '),
               _errors[1].value, _raw, now()::timestamp
        from {typed_rows} where len(_errors) > 0
        """
    )
    rejects = "(select null::varchar as _path, 0 as n)"
    if read.structural_rejects:
        con.execute(
            f"""
            insert into meta.quarantine
            select b.load_id, {where}, b.relative, r.line, r.column_name,
                   r.error_type || ': ' || r.error_message, null, r.csv_line, now()::timestamp
            from _reject_lines r join _batch b on b.path = r._path
            """
        )
        rejects = "(select _path, count(*) as n from _reject_lines group by _path)"
    seconds = (time.perf_counter() - started) / len(batch)
    extras = "[" + ", ".join(quote(h) for h, _ in mapping.extras) + "]::varchar[]"
    logged = con.execute(
        f"""
        insert into meta.load_log
        select b.load_id, {where}, b.relative, b.sha256, b.bytes, {quote(read.layout.kind)},
               coalesce(f.total, 0) + coalesce(r.n, 0), coalesce(f.good, 0),
               coalesce(f.total - f.good, 0) + coalesce(r.n, 0), b.lines_skipped, {extras},
               'loaded', null, {seconds}, now()::timestamp, b.modified_ns
        from _batch b
        left join _files f on f._path = b.path
        left join {rejects} r on r._path = b.path
        returning path, rows_read, rows_loaded, rows_quarantined
        """
    ).fetchall()
    counts = {str(path): (int(a), int(b), int(c)) for path, a, b, c in logged}
    outcomes = []
    for pending in batch:
        item = pending.item
        read_rows, loaded, quarantined = counts[item.relative_path]
        result = FileResult(
            item.system, item.object, item.relative_path, "loaded",
            read_rows, loaded, quarantined, None, seconds,
        )  # fmt: skip
        outcomes.append(_Outcome(str(item.path), result))
    con.execute("drop table _typed")
    return outcomes

"""Loading landing files into `raw.<system>__<object>`, one atomic transaction per file.

Per file: hash it (a content hash loaded before is skipped), read it with DuckDB's own reader
(`formats.py`), type every column in SQL (`parsing.py`), insert the good rows with their
provenance, quarantine the others with file, line, column and reason, and log the file in
`meta.load_log` with rows_read = rows_loaded + rows_quarantined. All of that commits together
or not at all, so a crash mid-file leaves no trace and the next run loads the file again.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ingest import landing as landing_zone
from pipeline.ingest import parsing, spellings
from pipeline.ingest.appends import APPENDABLE, Logged, appendable, hash_file, write_tail
from pipeline.ingest.census import Census, take_census
from pipeline.ingest.conventions import ConventionBook, Conventions, load_conventions
from pipeline.ingest.errors import FileRejected
from pipeline.ingest.formats import (
    JsonGroup,
    Layout,
    NeedsRepair,
    SourceRead,
    file_format,
    finish_read,
    line_of,
    register_source,
    select_json_group,
    sniff,
    unreadable,
)
from pipeline.ingest.landing import LandingFile, has_changed
from pipeline.ingest.objects import OBJECTS, SourceObject, find_object, snake_case
from pipeline.ingest.parsing import SQL_TYPES
from pipeline.ingest.repair import WIDE_FACTOR, Repaired, printable, repair
from pipeline.ingest.spellings import Spelled
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


def discover(
    landing: Path, objects: Iterable[SourceObject] | None = None, follow_symlinks: bool = False
) -> list[LandingFile]:
    """The deliveries under `<landing>/<system>/<object>/`, in delivery order (sorted names)."""
    wanted = None if objects is None else [(o.system, o.name) for o in objects]
    found = landing_zone.discover(landing, wanted, _KNOWN, follow_symlinks)
    return [entry for entry in found if entry.is_delivery]


_KNOWN = [(o.system, o.name) for o in OBJECTS]
_DONE = ("loaded", "partial", "duplicate")


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    settings: Settings | None = None,
    objects: Iterable[SourceObject] | None = None,
    retry_rejected: bool = False,
) -> list[FileResult]:
    """Account for every entry of `objects` (default: all) found under `landing` (and for
    every entry of no known object): load new files, log the others with why.

    Files of one object with the same layout load together in one scan and one transaction
    (a crash leaves none of them loaded); if that scan fails, each file loads on its own so
    only the unreadable one is rejected. A file that changed while it was read is rolled
    back and deferred to a later run.
    """
    settings = settings or Settings.from_env()
    chosen = OBJECTS if objects is None else tuple(objects)
    ensure_meta(con)
    rules = load_conventions(settings.ingest_settings, settings.report_timezone)
    wanted = None if objects is None else [(o.system, o.name) for o in chosen]
    entries = landing_zone.discover(landing, wanted, _KNOWN, settings.follow_symlinks)
    entries = landing_zone.settle(entries, settings.settle_seconds)
    statuses = _DONE if retry_rejected else (*_DONE, "rejected")
    logged = _seen_fingerprints(con, statuses)
    seen = _seen_hashes(con, statuses)
    grown = _latest_loads(con)
    results: dict[Path, FileResult] = {}
    pending: dict[tuple[str, str], list[_Pending]] = {}
    with tempfile.TemporaryDirectory(prefix="mops-tails-") as tails:
        for index, item in enumerate(entries):
            if item.fingerprint in logged:
                results[item.path] = _result(item, "skipped")
            elif item.in_flight is not None:
                results[item.path] = _result(item, "deferred", item.in_flight)
            elif item.rejection is not None:
                results[item.path] = _log_rejection(con, item, "", item.rejection)
            else:
                found = _consider(con, item, seen, grown.get(item.relative_path))
                if isinstance(found, FileResult):
                    results[item.path] = found
                    continue
                found = _tail_of(found, Path(tails) / f"{index}{_suffix(item.path)}")
                pending.setdefault((item.system, item.object), []).append(found)
        for (system, name), items in pending.items():
            obj = find_object(system, name)
            assert obj is not None
            for batch in _batches(items):
                for result in _load_batch_or_each(con, obj, batch, rules):
                    results[Path(result.path_on_disk)] = result.result
    for obj in chosen:
        ensure_table(con, obj)  # an object with no delivery yet is an empty table, not a gap
    return [results[item.path] for item in entries]


def _result(item: LandingFile, status: str, error: str | None = None) -> FileResult:
    return FileResult(item.system, item.object, item.relative_path, status, error=error)


def _consider(
    con: duckdb.DuckDBPyConnection,
    item: LandingFile,
    seen: dict[tuple[str, str, str], str],
    before: Logged | None,
) -> _Pending | FileResult:
    """A file to load (whole, or its tail when it grew), or the result of one not loaded."""
    prefix = before if before and before.bytes < item.size and appendable(item.path) else None
    try:
        digest = hash_file(item.path, prefix)
    except OSError as error:
        return _log_rejection(con, item, "", f"cannot be read: {error.strerror or error}")
    key = (item.system, item.object, digest.sha256)
    earlier = seen.get(key)
    if earlier == item.relative_path:
        return _result(item, "skipped")  # touched, not changed: its first row accounts for it
    if earlier is not None:
        return _log_duplicate(con, item, digest.sha256, earlier)
    seen[key] = item.relative_path
    try:
        obj = find_object(item.system, item.object)
        if obj is None:
            known = ", ".join(f"{o.system}/{o.name}" for o in OBJECTS)
            raise FileRejected(
                item.path,
                f"unknown landing object; move the file under one of: {known}",
            )
        layout = sniff(item.path, obj)
    except FileRejected as rejection:
        return _log_rejection(con, item, digest.sha256, rejection.reason)
    if prefix is None or not digest.prefix_matches:
        return _Pending(item, digest.sha256, layout)
    header_lines = layout.header_index + 1 if layout.kind == "csv" else 0
    return _Pending(
        item, digest.sha256, layout, tail_from=prefix.bytes, header_lines=header_lines,
        line_offset=digest.prefix_lines - header_lines,
    )  # fmt: skip


def _tail_of(pending: _Pending, target: Path) -> _Pending:
    if pending.tail_from is None:
        return pending
    item = pending.item
    write_tail(item.path, pending.tail_from, item.size, pending.header_lines, target)
    return replace(pending, read_path=target)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return next((s for s in APPENDABLE if name.endswith(s)), path.suffix)


@dataclass(frozen=True)
class _Pending:
    item: LandingFile
    digest: str
    layout: Layout
    tail_from: int | None = None  # the file grew: only bytes from here on are read
    header_lines: int = 0
    line_offset: int = 0  # lines of the file before the first line read
    read_path: Path | None = None  # what is read, when not `item.path` (a tail)

    @property
    def source(self) -> Path:
        return self.read_path or self.item.path


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


def _seen_hashes(
    con: duckdb.DuckDBPyConnection, statuses: tuple[str, ...]
) -> dict[tuple[str, str, str], str]:
    """(system, object, sha256) -> the first path logged with that content."""
    found = con.execute(
        "select system, object, sha256, arg_min(path, loaded_at) from meta.load_log "
        "where list_contains(?, status) and sha256 <> '' group by all",
        [list(statuses)],
    ).fetchall()
    return {(str(a), str(b), str(c)): str(d) for a, b, c, d in found}


def _seen_fingerprints(
    con: duckdb.DuckDBPyConnection, statuses: tuple[str, ...]
) -> set[tuple[str, int, int]]:
    found = con.execute(
        "select path, bytes, modified_ns from meta.load_log "
        "where modified_ns is not null and list_contains(?, status)",
        [list(statuses)],
    ).fetchall()
    return {(str(a), int(b), int(c)) for a, b, c in found}


def _latest_loads(con: duckdb.DuckDBPyConnection) -> dict[str, Logged]:
    """path -> its latest load (bytes, sha256): a file that grew from it loads its tail only."""
    found = con.execute(
        "select path, arg_max(bytes, loaded_at), arg_max(sha256, loaded_at) from meta.load_log "
        "where status in ('loaded', 'partial') group by path"
    ).fetchall()
    return {str(path): Logged(int(size), str(digest)) for path, size, digest in found}


class _Changed(Exception):
    """Files of a batch changed while they were read: the batch was rolled back."""

    def __init__(self, changed: list[_Pending]) -> None:
        self.changed = changed
        super().__init__(", ".join(p.item.relative_path for p in changed))


_CHANGED = "changed while it was read (still being written?): rolled back, it loads once settled"


def _load_batch_or_each(
    con: duckdb.DuckDBPyConnection, obj: SourceObject, batch: list[_Pending], rules: ConventionBook
) -> list[_Outcome]:
    """CSV files whose census or reading shows records the reader would lose or misnumber go
    through the quote-aware scan (`repair.py`), one at a time; the others load in one scan."""
    if batch[0].layout.kind != "csv":
        return _load_or_split(con, obj, batch, rules, {})
    outcomes: list[_Outcome] = []
    censuses: dict[Path, Census] = {}
    for pending in batch:
        try:
            layout = pending.layout
            limit = WIDE_FACTOR * len(layout.headers)
            censuses[pending.source] = take_census(pending.source, layout.delimiter, limit)
        except (OSError, EOFError, ValueError) as error:
            reason = unreadable(pending.item.path, error)
            outcomes.append(_Outcome(str(pending.item.path), _reject(con, pending, reason)))
    fast = [p for p in batch if p.source in censuses and not censuses[p.source].needs_repair]
    slow = [p for p in batch if p.source in censuses and censuses[p.source].needs_repair]
    while fast:
        try:
            outcomes += _load_or_split(con, obj, fast, rules, censuses, slow=slow)
            break
        except NeedsRepair as wrong:
            slow += [p for p in fast if str(p.source) in wrong.paths]
            fast = [p for p in fast if str(p.source) not in wrong.paths]
    with tempfile.TemporaryDirectory(prefix="mops-repair-") as work:
        for index, pending in enumerate(slow):
            target = Path(work) / f"{index}.csv"
            outcomes += _load_repaired(con, obj, pending, rules, censuses, target)
    return outcomes


def _load_repaired(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    pending: _Pending,
    rules: ConventionBook,
    censuses: dict[Path, Census],
    target: Path,
) -> list[_Outcome]:
    layout, path, source = pending.layout, pending.item.path, pending.source
    try:
        repaired = repair(
            source, target, censuses[source], layout.header_index, layout.delimiter,
            len(layout.headers),
        )  # fmt: skip
    except (OSError, EOFError, ValueError) as error:
        return [_Outcome(str(path), _reject(con, pending, unreadable(path, error)))]
    return _load_or_split(con, obj, [pending], rules, censuses, {source: repaired})


def _load_or_split(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[_Pending],
    rules: ConventionBook,
    censuses: dict[Path, Census],
    repaired: dict[Path, Repaired] | None = None,
    slow: list[_Pending] | None = None,
) -> list[_Outcome]:
    """One scan for the batch; if it fails, each file on its own so only the bad one is
    rejected. A single file the reader cannot account for joins `slow`; a batch with such files
    raises `NeedsRepair` (nothing of it is committed)."""
    try:
        return _load_batch(con, obj, batch, rules, censuses, repaired)
    except _Changed as changed:
        moved = {id(p) for p in changed.changed}
        rest = [p for p in batch if id(p) not in moved]
        deferred = [
            _Outcome(str(p.item.path), _result(p.item, "deferred", _CHANGED))
            for p in changed.changed
        ]
        more = _load_or_split(con, obj, rest, rules, censuses, repaired, slow) if rest else []
        return deferred + more
    except NeedsRepair:
        if slow is None or len(batch) > 1:
            raise
        slow.append(batch[0])
        return []
    except Exception as error:
        if len(batch) > 1:
            return [
                o
                for one in batch
                for o in _load_or_split(con, obj, [one], rules, censuses, slow=slow)
            ]
        path = batch[0].item.path
        reason = error.reason if isinstance(error, FileRejected) else unreadable(path, error)
        return [_Outcome(str(path), _reject(con, batch[0], reason))]


def _reject(con: duckdb.DuckDBPyConnection, pending: _Pending, reason: str) -> FileResult:
    return _log_rejection(con, pending.item, pending.digest, reason)


def _load_batch(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[_Pending],
    rules: ConventionBook,
    censuses: dict[Path, Census] | None = None,
    repaired: dict[Path, Repaired] | None = None,
) -> list[_Outcome]:
    started = time.perf_counter()
    con.execute("begin transaction")
    try:
        paths = [p.source for p in batch]
        chosen = {p: c for p, c in (censuses or {}).items() if p in paths}
        read = register_source(con, paths, batch[0].layout, chosen, repaired)
        ensure_table(con, obj)
        if batch[0].layout.kind == "json":
            outcomes = _load_json_groups(con, obj, batch, read, rules, started)
        else:
            outcomes = _load_rows(con, obj, batch, read, rules, started)
        changed = [p for p in batch if has_changed(p.item)]
        if changed:  # what was read may not be what was hashed: log nothing of it
            raise _Changed(changed)
        con.execute("commit")
        return outcomes
    except BaseException:
        con.execute("rollback")
        raise


def _load_json_groups(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[_Pending],
    read: SourceRead,
    rules: ConventionBook,
    started: float,
) -> list[_Outcome]:
    """JSON files are typed per group of files with the same keys; a group without a
    required column is rejected as a CSV header without it would be."""
    grouped = {path for group in read.groups for path in group.paths}
    empty = tuple(str(p.source) for p in batch if str(p.source) not in grouped)
    groups = read.groups + ([JsonGroup(empty, ())] if empty else [])
    outcomes: list[_Outcome] = []
    for group in groups:
        members = [p for p in batch if str(p.source) in group.paths]
        missing = group.missing_required(obj) if group.leaves else []
        if missing:
            reason = (
                f"missing required column(s) {', '.join(missing)} in the JSON rows (keys seen: "
                f"{printable(', '.join(group.headers[:12]))}); deliver rows that have them"
            )
            outcomes += [_Outcome(str(p.item.path), _reject(con, p, reason)) for p in members]
            continue
        group_read = select_json_group(con, read, group)
        outcomes += _load_rows(con, obj, members, group_read, rules, started)
    return outcomes


def _log_rejection(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, reason: str
) -> FileResult:
    _log(con, item, digest, "rejected", reason)
    return FileResult(item.system, item.object, item.relative_path, "rejected", error=reason)


def _log_duplicate(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, earlier: str
) -> FileResult:
    reason = f"same content as {earlier}: not loaded again"
    _log(con, item, digest, "duplicate", reason)
    return FileResult(item.system, item.object, item.relative_path, "duplicate", error=reason)


def _log(
    con: duckdb.DuckDBPyConnection, item: LandingFile, digest: str, status: str, reason: str
) -> None:
    con.execute(
        f"insert into meta.load_log {_LOG_COLUMNS} values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, [], "
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
_LOG_COLUMNS = (
    "(load_id, system, object, path, sha256, bytes, format, rows_read, rows_loaded, "
    "rows_quarantined, lines_skipped, extra_columns, status, error, seconds, loaded_at, "
    "modified_ns, encoding, formats)"
)


def _sql_text(text: str | None) -> str:
    return "null::varchar" if text is None else quote(text)


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
        str(row[0]): str(row[1])
        for row in con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = ?",
            [obj.table],
        ).fetchall()
    }
    for name, sql_type in columns:
        if name not in present:  # the contract grew a column since this table was made
            con.execute(f"alter table {obj.qualified_table} add column {_ident(name)} {sql_type}")
        elif sql_type.startswith("decimal") and present[name] == "DECIMAL(18,4)":
            # Tables made before decimals kept six places: widen, never round on insert.
            con.execute(
                f"alter table {obj.qualified_table} alter column {_ident(name)} "
                f"set data type {sql_type}"
            )


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
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = by_name.get(snake_case(header))
        if name is not None and name not in columns:
            columns[name] = index
        elif header.strip():
            seen[header] = seen.get(header, 0) + 1  # a repeated extra column keeps every value
            extras.append((header if seen[header] == 1 else f"{header}_{seen[header]}", index))
    return _Mapping(columns, extras)


def _typed_select(
    obj: SourceObject, mapping: _Mapping, read: SourceRead, conventions: Conventions
) -> tuple[str, list[Spelled]]:
    """One pass over `_src`: typed columns, the list of errors per row, raw text of bad rows,
    and the text of values whose reading waits for their file's spelling (`spellings.settle`)."""
    headers = read.headers
    tz = conventions.report_timezone
    nulled = [
        f"f{i} as r{i}" if read.reader_reads_nulls else f"{parsing.null_if_empty(f'f{i}')} as r{i}"
        for i in range(len(headers))
    ]
    typed = []
    checks = []
    spelled: list[Spelled] = []
    for column in obj.columns:
        name = _ident(column.name)
        index = mapping.columns.get(column.name)
        if index is None:
            typed.append(f"null::{SQL_TYPES[column.type]} as {name}")
            continue
        raw = f"r{index}"
        if column.type in parsing.SPELLED_KINDS:
            typed.append(f"{parsing.plain_reading(raw, column.type)} as {name}")
            text = f"_v{len(spelled)}"
            spelled.append(Spelled(name, column.name, column.type, text))
            if column.type in spellings.DATE_KINDS:
                checks.append(
                    spellings.window_error(name, column.name, column.type, conventions, raw)
                )
        else:
            typed.append(f"{parsing.typed(raw, column.type, tz)} as {name}")
            if column.type != "text":
                checks.append(
                    f"case when {raw} is not null and {name} is null then "
                    f"{{'column': {quote(column.name)}, "
                    f"'reason': {quote(f'cannot read as {column.type}')}, 'value': {raw}}} end"
                )
        if column.type in ("text", "id"):
            checks.append(parsing.nul_error(raw, column.name))
        if column.required:
            checks.append(
                f"case when {parsing.blank(raw)} then "
                f"{{'column': {quote(column.name)}, "
                f"'reason': 'required value is missing', 'value': {raw}}} end"
            )
    waiting = [
        f"case when {s.name} is null then nullif(trim(r{mapping.columns[s.label]}), '') end "
        f"as {s.text}"
        for s in spelled
    ]
    values = []
    if obj.unpivot:
        _, _, kind = obj.unpivot
        separator = conventions.decimal_separator
        for header, index in mapping.extras:
            raw, value = f"r{index}", f"u{index}"
            typed.append(f"{parsing.read_plain_number(raw, separator, kind)} as {value}")
            values.append(f"{{'key': {quote(header.strip())}, 'value': {value}}}")
            checks.append(
                f"case when {raw} is not null and {value} is null then "
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
    keep_raw = " or ".join(["len(_errors) > 0"] + [f"{s.text} is not null" for s in spelled])
    return (
        f"""
        with nulled as (select _path, {", ".join(nulled)} from _src),
        typed as (select *, {", ".join(typed)} from nulled),
        checked as (select *, {", ".join([f"{errors} as _errors", *waiting])} from typed)
        select _path, {", ".join(_ident(c.name) for c in obj.columns)}, _errors,
               case when {keep_raw} then json_object({raw_pairs})::varchar end as _raw,
               {f"json_object({extra_pairs})" if extra_pairs else "null::json"} as _extra
               {unpivoted}{"".join(f", {s.text}" for s in spelled)}
        from checked
    """,
        spelled,
    )


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
    rules: ConventionBook,
    started: float,
) -> list[_Outcome]:
    mapping = _map_headers(obj, read.headers)
    conventions = rules.for_object(obj.system, obj.name)
    select, spelled = _typed_select(obj, mapping, read, conventions)
    with _lazy_fallbacks(con):
        con.execute(f"create or replace temp table _typed as {select}")
    formats = spellings.settle(con, spelled, conventions)
    skipped = finish_read(con, read)
    # One VALUES list, not one statement per file: a batch may hold a thousand daily files.
    values = ", ".join(
        f"({quote(read.reader_path(p.source))}, {quote(p.item.relative_path)}, "
        f"{quote(uuid.uuid4().hex)}, {quote(p.digest)}, {p.item.size}, {p.item.modified_ns}, "
        f"{p.layout.header_index + skipped.get(read.reader_path(p.source), 0)}, "
        f"{_sql_text(read.encoding(p.source))}, "
        f"{_sql_text(spellings.formats_json(formats, read.reader_path(p.source)))}, "
        f"{p.line_offset})"
        for p in batch
    )
    con.execute(
        "create or replace temp table _batch as select * from (values "
        f"{values}) t(path, relative, load_id, sha256, bytes, modified_ns, lines_skipped, "
        "encoding, formats, line_offset)"
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
    line = f"{line_of(read, 't._ord', 't._path')} + t._offset"
    typed_rows = (
        "(select t.*, t.rowid - f.first_rowid + 1 as _ord, b.relative as _relative, "
        "b.load_id as _load, b.line_offset as _offset from _typed t join _files f using (_path) "
        "join _batch b on b.path = t._path) t"
    )
    target = ", ".join(_ident(c.name) for c in obj.columns)
    if obj.unpivot:
        key, value, _ = obj.unpivot
        con.execute(
            f"""
            insert into {obj.qualified_table} ({target}, {_ident(key)}, {_ident(value)},
                                               _file, _line, _load_id)
            select {target}, v.key, v.value, _relative, {line}, _load
            from (select *, unnest(_values) as v from {typed_rows} where len(_errors) = 0) t
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
            select b.load_id, {where}, b.relative, r.line + b.line_offset, r.column_name,
                   r.reason, null, r.csv_line, now()::timestamp
            from _reject_lines r join _batch b on b.path = r._path
            """
        )
        rejects = "(select _path, count(*) as n from _reject_lines group by _path)"
    seconds = (time.perf_counter() - started) / len(batch)
    extras = "[" + ", ".join(quote(h) for h, _ in mapping.extras) + "]::varchar[]"
    logged = con.execute(
        f"""
        insert into meta.load_log {_LOG_COLUMNS}
        select b.load_id, {where}, b.relative, b.sha256, b.bytes, {quote(read.layout.kind)},
               coalesce(f.total, 0) + coalesce(r.n, 0), coalesce(f.good, 0),
               coalesce(f.total - f.good, 0) + coalesce(r.n, 0), b.lines_skipped, {extras},
               case when coalesce(f.total - f.good, 0) + coalesce(r.n, 0) > 0
                   then 'partial' else 'loaded' end,
               null, {seconds}, now()::timestamp, b.modified_ns, b.encoding, b.formats::json
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

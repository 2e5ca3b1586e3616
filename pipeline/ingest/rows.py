"""Typing a read in SQL and storing it: the good rows into `raw.<system>__<object>` with their
provenance, the others into `meta.quarantine` with line, column and reason, and one
`meta.load_log` row per file (rows_read = rows_loaded + rows_quarantined)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.ingest import parsing, spellings
from pipeline.ingest.conventions import ConventionBook, Conventions
from pipeline.ingest.formats import SourceRead, finish_read, line_of
from pipeline.ingest.load_log import LOG_COLUMNS, FileResult, sql_text
from pipeline.ingest.objects import SourceObject, snake_case
from pipeline.ingest.parsing import SQL_TYPES
from pipeline.ingest.pending import Outcome, Pending
from pipeline.ingest.spellings import Spelled
from pipeline.sqltext import identifier as _ident
from pipeline.sqltext import literal as quote

if TYPE_CHECKING:
    import duckdb


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
    columns: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = obj.column_for_header.get(snake_case(header))
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


def load_rows(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[Pending],
    read: SourceRead,
    rules: ConventionBook,
    started: float,
) -> list[Outcome]:
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
        f"{sql_text(read.encoding(p.source))}, "
        f"{sql_text(spellings.formats_json(formats, read.reader_path(p.source)))}, "
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
        insert into meta.load_log {LOG_COLUMNS}
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
        outcomes.append(Outcome(str(item.path), result))
    con.execute("drop table _typed")
    return outcomes

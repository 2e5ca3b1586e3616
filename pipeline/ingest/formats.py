"""Reading landing files as a relation of VARCHAR columns, whatever their format.

`sniff` looks at the first bytes of one file (Python, no full read) and returns its `Layout`:
format, delimiter, where the header is, what the header says. Files of one object with the same
layout are read together in one DuckDB scan (`register_source`), which registers a temporary
view `_src` with a `_path` column and one VARCHAR column per source field, named `f0`, `f1`, ...
in source order. The view yields records in file order; the loader numbers them by the `rowid`
of the temporary table it materialises them into (a window over a parallel scan would be 2-3x
slower), per file.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.ingest.errors import FileRejected
from pipeline.ingest.objects import SourceObject, snake_case
from pipeline.ingest.parsing import NULL_TOKENS
from pipeline.sqltext import identifier as _ident
from pipeline.sqltext import literal as quote

if TYPE_CHECKING:
    import duckdb

SUFFIXES = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".tsv": "csv",
    ".tsv.gz": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json.gz": "json",
    ".jsonl.gz": "json",
    ".parquet": "parquet",
}
_PEEK_BYTES = 256 * 1024
_MAX_PREAMBLE_LINES = 60
_DELIMITERS = (",", ";", "\t", "|")
_JSON_WRAPPERS = ("results", "elements", "data")
_FOOTER_MARKERS = ("©", "(c)", "all rights reserved")


@dataclass(frozen=True)
class Layout:
    """How one file is laid out; files with equal layouts are read in one scan."""

    kind: str  # csv | json | parquet
    delimiter: str = ","
    header_index: int = 0  # 0-based line of the CSV header (preamble lines before it)
    headers: tuple[str, ...] = ()
    json_format: str = "auto"  # array | auto (one object, or one object per line)


@dataclass
class SourceRead:
    """What a scan found: headers in source order, rejected lines, skipped lines per file."""

    layout: Layout
    headers: list[str]
    structural_rejects: int = 0

    @property
    def reader_reads_nulls(self) -> bool:
        """CSV's reader turns the null tokens into NULL itself (3x cheaper than SQL after it)."""
        return self.layout.kind == "csv"


def file_format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in sorted(SUFFIXES.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            return kind
    return None


def sniff(path: Path, obj: SourceObject) -> Layout:
    """The file's layout; `FileRejected` if it cannot be read at all."""
    if path.stat().st_size == 0:
        raise FileRejected(path, "the file is empty (0 bytes)")
    kind = file_format(path)
    if kind == "csv":
        index, delimiter, headers = _find_header(path, obj, _peek_lines(path))
        return Layout("csv", delimiter, index, tuple(headers))
    if kind == "json":
        first = _peek_text(path, 4096).lstrip()[:1]
        if first not in ("[", "{"):
            raise FileRejected(
                path, "not JSON: expected an array, an object or one object per line"
            )
        return Layout("json", json_format="array" if first == "[" else "auto")
    if kind == "parquet":
        return Layout("parquet")
    raise FileRejected(path, f"unsupported file type; use one of {', '.join(SUFFIXES)}")


def register_source(
    con: duckdb.DuckDBPyConnection, paths: Sequence[Path], layout: Layout
) -> SourceRead:
    """Register `_src` over `paths` (all of `layout`). Raises DuckDB's error if a file is bad."""
    files = "[" + ", ".join(quote(str(p)) for p in paths) + "]"
    if layout.kind == "csv":
        return _register_csv(con, files, layout)
    if layout.kind == "json":
        return _register_json(con, files, layout)
    return _register_parquet(con, files, layout)


# --- CSV ---------------------------------------------------------------------------------------


def _peek_text(path: Path, size: int) -> str:
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head: bytes = handle.read(size)
    except (OSError, EOFError) as error:
        raise FileRejected(path, f"cannot read the file: {error}") from error
    return head.decode("utf-8-sig", errors="replace")


def _peek_lines(path: Path) -> list[str]:
    text = _peek_text(path, _PEEK_BYTES)
    lines = text.splitlines()
    if len(text) >= _PEEK_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut in the middle
    return lines


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def canonical(obj: SourceObject, header: str) -> str:
    """The object column a source header means (its snake_case, or an alias of a column)."""
    name = snake_case(header)
    for column in obj.columns:
        if name == column.name or name in column.aliases:
            return column.name
    return name


def _find_header(path: Path, obj: SourceObject, lines: list[str]) -> tuple[int, str, list[str]]:
    """The header is the first line naming every required column (preambles come before it)."""
    delimiters = ("\t",) if ".tsv" in path.name.lower() else _DELIMITERS
    required = {c.name for c in obj.columns if c.required}
    known = {c.name for c in obj.columns}
    best: tuple[int, list[str]] = (-1, [])
    for index, line in enumerate(lines[:_MAX_PREAMBLE_LINES]):
        if not line.strip():
            continue
        for delimiter in delimiters:
            fields = _split(line, delimiter)
            names = {canonical(obj, f) for f in fields}
            if required <= names:
                return index, delimiter, fields
            if len(names & known) > best[0]:
                best = (len(names & known), fields)
    if not any(line.strip() for line in lines):
        raise FileRejected(path, "the file holds no header and no rows (blank)")
    missing = sorted(required - {canonical(obj, f) for f in best[1]})
    raise FileRejected(
        path,
        f"missing required column(s) {', '.join(missing)} in the header "
        f"(looked at the first {_MAX_PREAMBLE_LINES} lines; header seen: "
        f"{', '.join(best[1][:12])})",
    )


def _register_csv(con: duckdb.DuckDBPyConnection, files: str, layout: Layout) -> SourceRead:
    columns = "{" + ", ".join(f"'f{i}': 'VARCHAR'" for i in range(len(layout.headers))) + "}"
    con.execute("drop table if exists _rejects; drop table if exists _rejects_scan")
    # Structural errors (too many / too few fields, bad quoting) become rejects with their line;
    # the records before and after them still load.
    reader = (
        f"read_csv({files}, auto_detect = false, header = true, skip = {layout.header_index}, "
        f"delim = {quote(layout.delimiter)}, quote = '\"', escape = '\"', columns = {columns}, "
        f"nullstr = [{', '.join(quote(t) for t in NULL_TOKENS)}], "
        "filename = '_path', ignore_errors = true, store_rejects = true, "
        "rejects_table = '_rejects', rejects_scan = '_rejects_scan', encoding = 'utf-8')"
    )
    con.execute(f"create or replace temp view _src as select * from {reader}")
    return SourceRead(layout, list(layout.headers))


def finish_read(con: duckdb.DuckDBPyConnection, read: SourceRead) -> dict[str, int]:
    """After `_src` was scanned into `_typed`: keep each file's structural rejects, drop
    copyright footers, and return the lines skipped per file (preamble and footer)."""
    if read.layout.kind != "csv":
        return {}
    header_line = read.layout.header_index + 1
    footer = " or ".join(f"lower(csv_line) like {quote('%' + m + '%')}" for m in _FOOTER_MARKERS)
    # Reject j (in line order, per file) has `records_before` good records before it, so a good
    # record's line is: header line + its ordinal + the rejects before it. A footer is a rejected
    # line with a copyright marker after every record of its file.
    con.execute(
        f"""
        create or replace temp table _reject_lines as
        with lines as (
            select s.file_path as _path, e.line, any_value(e.csv_line) as csv_line,
                   string_agg(distinct e.error_type, ', ') as error_type,
                   min(e.column_name) as column_name, any_value(e.error_message) as error_message
            from _rejects e join _rejects_scan s using (scan_id, file_id)
            group by all
        )
        select *,
               line - {header_line} - row_number() over (partition by _path order by line)
                   as records_before
        from lines
        """
    )
    footers = con.execute(
        f"""
        delete from _reject_lines r
        using (select _path, count(*) as records from _typed group by _path) f
        where r._path = f._path and r.records_before >= f.records and ({footer})
        returning r._path
        """
    ).fetchall()
    # A file whose only reject is its footer and that has no records is not in `_typed`.
    footers += con.execute(
        f"""
        delete from _reject_lines r
        where records_before >= 0 and ({footer})
          and _path not in (select distinct _path from _typed)
        returning _path
        """
    ).fetchall()
    counted = con.execute("select count(*) from _reject_lines").fetchone()
    read.structural_rejects = int(counted[0]) if counted else 0
    skipped: dict[str, int] = {}
    for (path,) in footers:
        skipped[path] = skipped.get(path, 0) + 1
    return skipped


def line_of(read: SourceRead, ordinal: str, path: str) -> str:
    """SQL for the file line of the record numbered `ordinal` (1-based) of file `path`."""
    if read.layout.kind != "csv":
        return ordinal
    shift = (
        f" + (select count(*) from _reject_lines r "
        f"where r._path = {path} and r.records_before < {ordinal})"
        if read.structural_rejects
        else ""
    )
    return f"{read.layout.header_index + 1} + {ordinal}{shift}"


# --- JSON --------------------------------------------------------------------------------------


def _leaf_paths(structure: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Nested objects flatten to their leaves; arrays stay whole (read as JSON text)."""
    if isinstance(structure, dict) and structure:
        for key, value in structure.items():
            yield from _leaf_paths(value, (*prefix, key))
    elif prefix:
        yield prefix


def _json_path(path: tuple[str, ...]) -> str:
    return "$." + ".".join('"' + key.replace('"', '\\"') + '"' for key in path)


def _register_json(con: duckdb.DuckDBPyConnection, files: str, layout: Layout) -> SourceRead:
    unwrap = " ".join(
        f"when json_type(json, '$.{key}') = 'ARRAY' then json_extract(json, '$.{key}[*]')"
        for key in _JSON_WRAPPERS
    )
    con.execute(
        f"""
        create or replace temp table _records as
        select _path, unnest(case {unwrap} else [json] end) as j
        from read_json_objects({files}, format = '{layout.json_format}', filename = '_path')
        """
    )
    found = con.execute("select json_group_structure(j) from _records").fetchone()
    structure = json.loads(found[0]) if found and found[0] else {}
    if not isinstance(structure, dict):
        raise ValueError("JSON rows must be objects")
    leaves = list(_leaf_paths(structure))
    fields = "".join(f", j ->> {quote(_json_path(leaf))} as f{i}" for i, leaf in enumerate(leaves))
    con.execute(f"create or replace temp view _src as select _path{fields} from _records")
    return SourceRead(layout, [".".join(leaf) for leaf in leaves])


# --- Parquet -----------------------------------------------------------------------------------


def _register_parquet(con: duckdb.DuckDBPyConnection, files: str, layout: Layout) -> SourceRead:
    reader = f"read_parquet({files}, filename = '_path', union_by_name = true)"
    described = con.execute(f"describe select * exclude (_path) from {reader}").fetchall()
    headers = [str(row[0]) for row in described]
    fields = "".join(f", cast({_ident(h)} as varchar) as f{i}" for i, h in enumerate(headers))
    con.execute(f"create or replace temp view _src as select _path{fields} from {reader}")
    return SourceRead(layout, headers)


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

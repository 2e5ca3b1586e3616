"""Reading one landing file as a relation of VARCHAR columns, whatever its format.

Each reader registers a temporary view `_src` with one VARCHAR column per source field, named
`f0`, `f1`, ... in source order, and returns the source header of each. The view yields records
in file order: the loader numbers them by the `rowid` of the temporary table it materialises
them into (a window over a parallel scan would be 2-3x slower). The loader maps headers to the
object's columns and types.
Work stays in DuckDB: Python only peeks at the first bytes of a file to find its header.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.ingest.errors import FileRejected
from pipeline.ingest.objects import SourceObject, snake_case
from pipeline.ingest.parsing import quote

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


@dataclass
class SourceRead:
    """What a reader found: headers in source order, how to number records, what was skipped."""

    headers: list[str]
    header_line: int = 0
    is_csv: bool = False
    skipped_lines: int = 0
    structural_rejects: int = 0


def file_format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in sorted(SUFFIXES.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            return kind
    return None


def read_source(con: duckdb.DuckDBPyConnection, path: Path, obj: SourceObject) -> SourceRead:
    """Register `_src` for `path`; raise `FileRejected` if the file cannot be read at all."""
    if path.stat().st_size == 0:
        raise FileRejected(path, "the file is empty (0 bytes)")
    kind = file_format(path)
    if kind == "csv":
        return _read_csv(con, path, obj)
    if kind == "json":
        return _read_json(con, path)
    if kind == "parquet":
        return _read_parquet(con, path)
    raise FileRejected(path, f"unsupported file type; use one of {', '.join(SUFFIXES)}")


# --- CSV ---------------------------------------------------------------------------------------


def _peek_lines(path: Path) -> list[str]:
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head: bytes = handle.read(_PEEK_BYTES)
    except (OSError, EOFError) as error:
        raise FileRejected(path, f"cannot read the file: {error}") from error
    text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if len(head) == _PEEK_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut in the middle
    return lines


def _split(line: str, delimiter: str) -> list[str]:
    import csv

    return next(csv.reader([line], delimiter=delimiter), [])


def _known_names(obj: SourceObject) -> set[str]:
    names = {c.name for c in obj.columns}
    for column in obj.columns:
        names.update(column.aliases)
    return names


def _find_header(path: Path, obj: SourceObject, lines: list[str]) -> tuple[int, str, list[str]]:
    """The header is the first line naming every required column (preambles come before it)."""
    delimiters = ("\t",) if ".tsv" in path.name.lower() else _DELIMITERS
    known = _known_names(obj)
    required = {c.name for c in obj.columns if c.required}
    best: tuple[int, int, str, list[str]] | None = None
    for index, line in enumerate(lines[:_MAX_PREAMBLE_LINES]):
        if not line.strip():
            continue
        for delimiter in delimiters:
            fields = _split(line, delimiter)
            names = {_canonical(obj, snake_case(f)) for f in fields}
            if required <= names:
                return index, delimiter, fields
            score = len(names & known)
            if best is None or score > best[0]:
                best = (score, index, delimiter, fields)
    if not any(line.strip() for line in lines):
        raise FileRejected(path, "the file holds no header and no rows (blank)")
    seen = best[3] if best else []
    missing = sorted(required - {_canonical(obj, snake_case(f)) for f in seen})
    raise FileRejected(
        path,
        f"missing required column(s) {', '.join(missing)} in the header "
        f"(looked at the first {_MAX_PREAMBLE_LINES} lines; header seen: {', '.join(seen[:12])})",
    )


def _canonical(obj: SourceObject, name: str) -> str:
    for column in obj.columns:
        if name == column.name or name in column.aliases:
            return column.name
    return name


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, obj: SourceObject) -> SourceRead:
    lines = _peek_lines(path)
    header_index, delimiter, headers = _find_header(path, obj, lines)
    columns = "{" + ", ".join(f"'f{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    con.execute("drop table if exists _rejects; drop table if exists _rejects_scan")
    # Structural errors (too many / too few fields, bad quoting) become rejects with their line;
    # the records before and after them still load.
    reader = (
        f"read_csv({quote(str(path))}, auto_detect = false, header = true, "
        f"skip = {header_index}, delim = {quote(delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {columns}, ignore_errors = true, store_rejects = true, "
        f"rejects_table = '_rejects', rejects_scan = '_rejects_scan', encoding = 'utf-8')"
    )
    con.execute(f"create or replace temp view _src as select * from {reader}")
    return SourceRead(headers=headers, header_line=header_index + 1, is_csv=True)


def finish_read(con: duckdb.DuckDBPyConnection, read: SourceRead, records: int) -> None:
    """After `_src` was scanned: keep the structural rejects and drop a copyright footer."""
    if not read.is_csv:
        return
    footer = " or ".join(f"lower(csv_line) like {quote('%' + m + '%')}" for m in _FOOTER_MARKERS)
    # Reject j (in line order) has `records_before` good records before it, so a good record's
    # line is: header line + its ordinal + the rejects before it. A footer is a rejected line
    # with a copyright marker after every record.
    con.execute(
        f"""
        create or replace temp table _reject_lines as
        with lines as (
            select line, any_value(csv_line) as csv_line,
                   string_agg(distinct error_type, ', ') as error_type,
                   min(column_name) as column_name, any_value(error_message) as error_message
            from _rejects group by line
        )
        select *, line - {read.header_line} - row_number() over (order by line) as records_before
        from lines
        """
    )
    footers = con.execute(
        f"delete from _reject_lines where records_before = {records} and ({footer}) returning line"
    ).fetchall()
    counted = con.execute("select count(*) from _reject_lines").fetchone()
    read.structural_rejects = int(counted[0]) if counted else 0
    read.skipped_lines = read.header_line - 1 + len(footers)


def line_of(read: SourceRead, ordinal: str) -> str:
    """SQL for the file line of the record numbered `ordinal` (1-based) in `_src`."""
    if not read.is_csv:
        return ordinal
    shift = (
        f" + (select count(*) from _reject_lines r where r.records_before < {ordinal})"
        if read.structural_rejects
        else ""
    )
    return f"{read.header_line} + {ordinal}{shift}"


# --- JSON --------------------------------------------------------------------------------------


def _first_char(path: Path) -> str:
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        head: bytes = handle.read(4096)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    return text[:1]


def _leaf_paths(structure: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Nested objects flatten to their leaves; arrays stay whole (read as JSON text)."""
    if isinstance(structure, dict) and structure:
        for key, value in structure.items():
            yield from _leaf_paths(value, (*prefix, key))
    elif prefix:
        yield prefix


def _json_path(path: tuple[str, ...]) -> str:
    return "$." + ".".join('"' + key.replace('"', '\\"') + '"' for key in path)


def _read_json(con: duckdb.DuckDBPyConnection, path: Path) -> SourceRead:
    first = _first_char(path)
    if first not in ("[", "{"):
        raise FileRejected(path, "not JSON: expected an array, an object or one object per line")
    layout = "array" if first == "[" else "auto"
    unwrap = " ".join(
        f"when json_type(json, '$.{key}') = 'ARRAY' then json_extract(json, '$.{key}[*]')"
        for key in _JSON_WRAPPERS
    )
    try:
        con.execute(
            f"""
            create or replace temp table _records as
            select j from (
                select unnest(case {unwrap} else [json] end) as j
                from read_json_objects({quote(str(path))}, format = '{layout}')
            )
            """
        )
    except Exception as error:  # DuckDB raises one error class per parser; report any
        raise FileRejected(path, f"invalid JSON: {_first_line(error)}") from error
    found = con.execute("select json_group_structure(j) from _records").fetchone()
    structure = json.loads(found[0]) if found and found[0] else {}
    if isinstance(structure, list) or not isinstance(structure, dict):
        raise FileRejected(path, "JSON rows must be objects")
    leaves = list(_leaf_paths(structure))
    headers = [".".join(leaf) for leaf in leaves]
    fields = ", ".join(f"j ->> {quote(_json_path(leaf))} as f{i}" for i, leaf in enumerate(leaves))
    con.execute(
        f"create or replace temp view _src as select {fields or 'null as f0'} from _records"
    )
    return SourceRead(headers=headers)


# --- Parquet -----------------------------------------------------------------------------------


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> SourceRead:
    try:
        described = con.execute(
            f"describe select * from read_parquet({quote(str(path))})"
        ).fetchall()
    except Exception as error:
        raise FileRejected(path, f"invalid Parquet: {_first_line(error)}") from error
    headers = [str(row[0]) for row in described]
    fields = ", ".join(f"cast({_ident(h)} as varchar) as f{i}" for i, h in enumerate(headers))
    con.execute(
        f"create or replace temp view _src as select {fields} from read_parquet({quote(str(path))})"
    )
    return SourceRead(headers=headers)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__

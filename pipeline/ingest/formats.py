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

import codecs
import csv
import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.ingest.census import Census, accounts_for, bom_encoding, open_bytes
from pipeline.ingest.errors import FileRejected
from pipeline.ingest.objects import SourceObject, snake_case
from pipeline.ingest.parsing import NULL_TOKENS
from pipeline.ingest.repair import FOOTER_MARKERS, Repaired, printable
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
_JSON_WRAPPERS = ("result", "results", "elements", "data", "rows")


@dataclass(frozen=True)
class Layout:
    """How one file is laid out; files with equal layouts are read in one scan."""

    kind: str  # csv | json | parquet
    delimiter: str = ","
    header_index: int = 0  # 0-based line of the CSV header (preamble lines before it)
    headers: tuple[str, ...] = ()
    json_format: str = "auto"  # array | auto (one object) | newline_delimited (one per line)


@dataclass
class SourceRead:
    """What a scan found: headers in source order, rejected lines, skipped lines per file."""

    layout: Layout
    headers: list[str]
    structural_rejects: int = 0
    reader_paths: dict[str, str] = field(default_factory=dict)  # landing path -> path read
    censuses: dict[str, Census] = field(default_factory=dict)  # by path read (CSV only)
    repaired: dict[str, Repaired] = field(default_factory=dict)  # by path read
    groups: list[JsonGroup] = field(default_factory=list)  # JSON: files typed together

    @property
    def reader_reads_nulls(self) -> bool:
        """CSV's reader turns the null tokens into NULL itself (3x cheaper than SQL after it)."""
        return self.layout.kind == "csv"

    def reader_path(self, path: Path) -> str:
        return self.reader_paths.get(str(path), str(path))

    def encoding(self, path: Path) -> str | None:
        if (repaired := self.repaired.get(self.reader_path(path))) is not None:
            return repaired.encoding
        census = self.censuses.get(self.reader_path(path))
        if census is not None:
            return census.encoding
        return "utf-8" if self.layout.kind == "json" else None


class NeedsRepair(Exception):
    """Some files' records and rejects do not account for every line: read them one by one."""

    def __init__(self, paths: set[str]) -> None:
        self.paths = paths
        super().__init__(", ".join(sorted(paths)))


def file_format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in sorted(SUFFIXES.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            return kind
    return None


def sniff(path: Path, obj: SourceObject) -> Layout:
    """The file's layout; `FileRejected` if it cannot be read at all."""
    if path.stat().st_size == 0:
        raise FileRejected(
            path,
            "the file is empty (0 bytes): export it again, or remove it if it was sent by mistake",
        )
    kind = file_format(path)
    if kind == "csv":
        index, delimiter, headers = _find_header(path, obj, _peek_lines(path))
        return Layout("csv", delimiter, index, tuple(headers))
    if kind == "json":
        text = _peek_text(path, _PEEK_BYTES).lstrip()
        if text[:1] not in ("[", "{"):
            raise FileRejected(
                path,
                "not JSON: expected an array, an object or one object per line; deliver the API "
                "response as it came, or rename the file if it is another format",
            )
        if text[:1] == "[":
            return Layout("json", json_format="array")
        return Layout("json", json_format=_objects_format(path, text))
    if kind == "parquet":
        return Layout("parquet")
    raise FileRejected(
        path, f"unsupported file type; save it as one of {', '.join(SUFFIXES)} and deliver it again"
    )


def _objects_format(path: Path, text: str) -> str:
    """One object per line when the name says so or the first line is a whole object;
    `auto` (one document, e.g. a REST page printed over many lines) otherwise. Compressed
    files are read by DuckDB's JSON reader (a malformed line rejects such a file)."""
    if path.name.lower().endswith(".gz"):
        return "auto"
    if any(path.name.lower().endswith(s) for s in (".jsonl", ".ndjson")):
        return "newline_delimited"
    first, _, rest = text.partition("\n")
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return "auto"
    return "newline_delimited" if rest.strip() else "auto"


def register_source(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    layout: Layout,
    censuses: dict[Path, Census] | None = None,
    repaired: dict[Path, Repaired] | None = None,
) -> SourceRead:
    """Register `_src` over `paths` (all of `layout`). Raises DuckDB's error if a file is bad.

    A repaired CSV file is read from its clean copy (header on its first line)."""
    repaired = repaired or {}
    reader_paths = {str(p): str(repaired[p].path) if p in repaired else str(p) for p in paths}
    files = "[" + ", ".join(quote(reader_paths[str(p)]) for p in paths) + "]"
    if layout.kind == "csv":
        read = _register_csv(con, files, replace(layout, header_index=0) if repaired else layout)
        read.censuses = {reader_paths[str(p)]: c for p, c in (censuses or {}).items()}
        read.repaired = {str(r.path): r for r in repaired.values()}
    elif layout.kind == "json":
        read = _register_json(con, files, layout)
    else:
        read = _register_parquet(con, files, layout)
    read.reader_paths = reader_paths
    return read


# --- CSV ---------------------------------------------------------------------------------------


def _peek_text(path: Path, size: int) -> str:
    """The first `size` bytes as text: UTF-16 by its byte-order mark, UTF-8 when valid, else
    Windows-1252 (what Excel writes on Windows); the census decides for the whole file."""
    try:
        with open_bytes(path) as handle:
            head: bytes = handle.read(size)
    except (OSError, EOFError) as error:
        raise FileRejected(path, unreadable(path, error)) from error
    encoding = bom_encoding(head)
    if encoding and encoding.startswith("utf-16"):
        return head.decode("utf-16", errors="replace")
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(head)
    except UnicodeDecodeError:
        return head.decode("cp1252", errors="replace")


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
    return obj.column_for_header.get(name, name)


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
                _no_repeated_columns(path, obj, fields)
                return index, delimiter, fields
            if len(names & known) > best[0]:
                best = (len(names & known), fields)
    if not any(line.strip() for line in lines):
        raise FileRejected(
            path, "the file holds no header and no rows (blank): export it again with its header"
        )
    missing = sorted(required - {canonical(obj, f) for f in best[1]})
    raise FileRejected(
        path,
        f"missing required column(s) {', '.join(missing)} in the header "
        f"(looked at the first {_MAX_PREAMBLE_LINES} lines; header seen: "
        f"{printable(', '.join(best[1][:12]))}); export it with these columns, or map a header "
        "to one in pipeline/ingest/objects.py",
    )


def _no_repeated_columns(path: Path, obj: SourceObject, fields: list[str]) -> None:
    """Two headers meaning one contract column would leave which value counts to chance."""
    known = {c.name for c in obj.columns}
    by_column: dict[str, list[str]] = {}
    for header in fields:
        if (column := canonical(obj, header)) in known:
            by_column.setdefault(column, []).append(header.strip())
    repeated = {column: names for column, names in by_column.items() if len(names) > 1}
    if repeated:
        listed = "; ".join(f"{' and '.join(names)} all mean {c}" for c, names in repeated.items())
        raise FileRejected(
            path,
            f"repeated column(s) in the header: {printable(listed)}; keep one of each and "
            "deliver the file again",
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
    copyright footers, and return the lines skipped per file read (footer, blank lines).

    Raises `NeedsRepair` for the files whose records and rejects do not cover every line."""
    if read.layout.kind == "json":
        return _finish_json(con, read)
    if read.layout.kind != "csv":
        return {}
    header_line = read.layout.header_index + 1
    footer = " or ".join(f"lower(csv_line) like {quote('%' + m + '%')}" for m in FOOTER_MARKERS)
    # Reject j (in line order, per file) has `records_before` good records before it, so a good
    # record's line is: header line + its ordinal + the rejects before it. A footer is a rejected
    # line with a copyright marker after every record of its file.
    con.execute(
        f"""
        create or replace temp table _reject_lines as
        with lines as (
            select s.file_path as _path, e.line, any_value(e.csv_line) as csv_line,
                   string_agg(distinct e.error_type, ', ') || ': ' || any_value(e.error_message)
                       as reason,
                   min(e.column_name) as column_name
            from _rejects e join _rejects_scan s using (scan_id, file_id)
            group by all
        )
        select _path, line, csv_line, reason, column_name,
               line - {header_line} - row_number() over (partition by _path order by line)
                   as records_before
        from lines
        """
    )
    _reconcile(con, read)
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
    skipped: dict[str, int] = {path: r.skipped for path, r in read.repaired.items()}
    if not read.repaired:
        skipped |= {p: c.trailing_blank for p, c in read.censuses.items() if c.trailing_blank}
    for (path,) in footers:
        skipped[path] = skipped.get(path, 0) + 1
    _add_repairs(con, read)
    counted = con.execute("select count(*) from _reject_lines").fetchone()
    read.structural_rejects = int(counted[0]) if counted else 0
    return skipped


def _finish_json(con: duckdb.DuckDBPyConnection, read: SourceRead) -> dict[str, int]:
    """One object per line: malformed lines become rejects with their line, records are
    numbered by their line, blank lines are skipped."""
    if read.layout.json_format != "newline_delimited":
        return {}
    con.execute(
        """
        create or replace temp table _reject_lines as
        select _path, line, raw as csv_line, reason, null::varchar as column_name,
               null::bigint as records_before
        from _json_rejects where _path in (select distinct _path from _src)
        """
    )
    counted = con.execute("select count(*) from _reject_lines").fetchone()
    read.structural_rejects = int(counted[0]) if counted else 0
    con.execute(
        """
        create or replace temp table _line_map as
        select _path, row_number() over (partition by _path order by rowid) as rec, _n as line,
               1 as n
        from _records where _path in (select distinct _path from _src)
        """
    )
    blank = con.execute(
        "select _path, count(*) from _json_lines "
        "where trim(text) = '' and not (line = last and text = '') group by _path"
    ).fetchall()
    return {str(path): int(n) for path, n in blank}


def _reconcile(con: duckdb.DuckDBPyConnection, read: SourceRead) -> None:
    """Every line after the header is one record the reader returned or rejected, or the file
    goes through the quote-aware scan (a record swallowed by a quote, a multi-line field, a blank
    line: the reader's lines would not be the file's)."""
    if not read.censuses:
        return
    found = con.execute(
        """
        select _path, sum(n) from (
            select _path, count(*) as n from _typed group by _path
            union all select _path, count(*) from _reject_lines group by _path
        ) group by _path
        """
    ).fetchall()
    records = {str(path): int(n) for path, n in found}
    for path, repaired in read.repaired.items():
        if records.get(path, 0) != repaired.records:
            raise ValueError(
                f"the reader returned {records.get(path, 0)} of the {repaired.records} records "
                "the line scan found"
            )
    if read.repaired:
        return
    header_index = read.layout.header_index
    undecodable = con.execute(
        "select distinct _path from _reject_lines where reason like '%INVALID ENCODING%'"
    ).fetchall()
    wrong = {str(path) for (path,) in undecodable} | {
        path
        for path, census in read.censuses.items()
        if not accounts_for(census, header_index, records.get(path, 0))
    }
    if wrong:
        raise NeedsRepair(wrong)


def _add_repairs(con: duckdb.DuckDBPyConnection, read: SourceRead) -> None:
    """A repaired file's records are numbered by the line each starts on in the landing file;
    its rejects (found by the scan) join the reader's."""
    if not read.repaired:
        return
    con.execute(
        "create or replace temp table _line_map (_path varchar, rec bigint, line bigint, n bigint)"
    )
    for path, repaired in read.repaired.items():
        con.execute(
            "insert into _line_map select ?, unnest(?::bigint[]), unnest(?::bigint[]), "
            "unnest(?::bigint[])",
            [path, *(list(column) for column in zip(*repaired.runs, strict=True))]
            if repaired.runs
            else [path, [], [], []],
        )
        # The reader's own rejects of the clean copy (its line 1 is the header).
        con.execute(
            "update _reject_lines r set line = m.line + (r.line - 1 - m.rec) from _line_map m "
            "where r._path = ? and m._path = r._path "
            "and r.line - 1 between m.rec and m.rec + m.n - 1",
            [path],
        )
        if repaired.rejects:
            con.execute(
                "insert into _reject_lines select ?, unnest(?::bigint[]), unnest(?::varchar[]), "
                "unnest(?::varchar[]), null, null",
                [
                    path,
                    [r.line for r in repaired.rejects],
                    [r.raw for r in repaired.rejects],
                    [r.reason for r in repaired.rejects],
                ],
            )


def line_of(read: SourceRead, ordinal: str, path: str) -> str:
    """SQL for the file line of the record numbered `ordinal` (1-based) of file `path`: its
    record number among the reader's records and rejects, then its line."""
    if read.layout.kind == "json" and read.layout.json_format == "newline_delimited":
        return f"(select m.line from _line_map m where m._path = {path} and m.rec = {ordinal})"
    if read.layout.kind != "csv":
        return ordinal
    record = (
        f"({ordinal} + (select count(*) from _reject_lines r "
        f"where r._path = {path} and r.records_before < {ordinal}))"
        if read.structural_rejects
        else ordinal
    )
    if read.repaired:
        return (
            f"(select m.line + ({record} - m.rec) from _line_map m "
            f"where m._path = {path} and {record} between m.rec and m.rec + m.n - 1)"
        )
    return f"{read.layout.header_index + 1} + {record}"


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


@dataclass(frozen=True)
class JsonGroup:
    """Files of one JSON batch with the same keys: typed together, so no file's keys reach
    another file's rows or log row."""

    paths: tuple[str, ...]
    leaves: tuple[tuple[str, ...], ...]

    @property
    def headers(self) -> list[str]:
        return [".".join(leaf) for leaf in self.leaves]

    def missing_required(self, obj: SourceObject) -> list[str]:
        names = {canonical(obj, h) for h in self.headers}
        return sorted(c.name for c in obj.columns if c.required and c.name not in names)


def _register_json(con: duckdb.DuckDBPyConnection, files: str, layout: Layout) -> SourceRead:
    unwrap = " ".join(
        f"when json_type(json, '$.{key}') = 'ARRAY' then json_extract(json, '$.{key}[*]')"
        for key in _JSON_WRAPPERS
    )
    con.execute(
        "create or replace temp table _json_rejects "
        "(_path varchar, line bigint, raw varchar, reason varchar)"
    )
    if layout.json_format == "newline_delimited":
        # One object per line: each line is parsed on its own, so a malformed line is
        # quarantined with its number and the other lines load.
        con.execute(
            f"""
            create or replace temp table _json_lines as
            select _path, rtrim(unnest(parts), chr(13)) as text,
                   unnest(range(1, len(parts) + 1)) as line, len(parts) as last
            from (select filename as _path, string_split(content, chr(10)) as parts
                  from read_text({files}))
            """
        )
        con.execute(
            """
            insert into _json_rejects
            select _path, line, text,
                   case when json_valid(text) then 'JSON LINE: not an object'
                        else 'JSON LINE: malformed JSON' end
            from _json_lines
            where trim(text) <> '' and (not json_valid(text) or json_type(text) <> 'OBJECT')
            """
        )
        source = (
            "(select _path, line as _n, text::json as json from _json_lines "
            "where trim(text) <> '' and json_valid(text) and json_type(text) = 'OBJECT')"
        )
    else:
        source = (
            f"(select _path, null::bigint as _n, json from read_json_objects({files}, "
            f"format = '{layout.json_format}', filename = '_path'))"
        )
    con.execute(
        f"""
        create or replace temp table _records as
        select _path, _n, unnest(case {unwrap} else [json] end) as j from {source}
        """
    )
    found = con.execute(
        "select _path, json_group_structure(j) from _records group by _path order by _path"
    ).fetchall()
    groups: dict[tuple[tuple[str, ...], ...], list[str]] = {}
    for path, structure in found:
        groups.setdefault(_leaves(str(path), structure), []).append(str(path))
    read = SourceRead(layout, [])
    read.groups = [JsonGroup(tuple(paths), leaves) for leaves, paths in groups.items()]
    return read


def _leaves(path: str, structure: str | None) -> tuple[tuple[str, ...], ...]:
    try:
        parsed = json.loads(structure) if structure else {}
        leaves = tuple(_leaf_paths(parsed)) if isinstance(parsed, dict) else None
    except RecursionError:
        raise FileRejected(
            Path(path),
            "JSON nested too deeply to be rows (thousands of levels); deliver the rows as "
            "objects of at most a few levels",
        ) from None
    if leaves is None:
        raise FileRejected(Path(path), "JSON rows must be objects; deliver objects of columns")
    return leaves


def select_json_group(
    con: duckdb.DuckDBPyConnection, read: SourceRead, group: JsonGroup
) -> SourceRead:
    """Register `_src` over the records of one group of files (from `_records`)."""
    fields = "".join(
        f", j ->> {quote(_json_path(leaf))} as f{i}" for i, leaf in enumerate(group.leaves)
    )
    paths = ", ".join(quote(p) for p in group.paths)
    con.execute(
        f"create or replace temp view _src as select _path{fields} from _records "
        f"where _path in ({paths})"
    )
    return SourceRead(read.layout, group.headers, reader_paths=read.reader_paths)


# --- Parquet -----------------------------------------------------------------------------------


def _register_parquet(con: duckdb.DuckDBPyConnection, files: str, layout: Layout) -> SourceRead:
    reader = f"read_parquet({files}, filename = '_path', union_by_name = true)"
    described = con.execute(f"describe select * exclude (_path) from {reader}").fetchall()
    headers = [str(row[0]) for row in described]
    fields = "".join(f", cast({_ident(h)} as varchar) as f{i}" for i, h in enumerate(headers))
    con.execute(f"create or replace temp view _src as select _path{fields} from {reader}")
    return SourceRead(layout, headers)


def unreadable(path: Path, error: BaseException) -> str:
    """mops's sentence for a file no reader could take, with the reader's reason made printable."""
    text = str(error).strip()
    detail = printable(text.splitlines()[0] if text else type(error).__name__)
    if isinstance(error, (EOFError, gzip.BadGzipFile)) or "gzip" in detail.lower():
        hint = "the compressed file is cut short or damaged; deliver it again"
    else:
        hint = "check that it is a complete export in the format its name says; deliver it again"
    return f"cannot read the file ({detail[:300]}): {hint}"

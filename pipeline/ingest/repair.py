"""The slow path for a CSV file DuckDB's reader cannot take as it is.

A quote-aware line scan (quotes toggle a record open; a record ends at a newline outside quotes)
splits the file into records by itself, independent of any parser, and writes the records the
reader can take, byte for byte, to a clean UTF-8 file with the line each one starts on (the
reader then rejects a record with the wrong field count as in any file). These records are
quarantined here with their line and a reason, so the reader never sees them:

- a quote that does not close where its record should end (unterminated, or swallowing later
  lines into a record with the wrong field count): the line that opened it is quarantined and
  the scan resumes on the next line, so the records after it still load;
- a record with more than `WIDE_FACTOR` times the header's fields (its real count: DuckDB's
  reject handling is quadratic in the field count) or longer than `MAX_RECORD_CHARS`;
- a record with a byte sequence that is not valid in the file's encoding.

Blank lines are skipped and counted. Only lines longer than `LONG_LINE` and multi-line records
have their fields counted here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, cast

from pipeline.ingest.census import Census, detect_encoding, line_fields, open_bytes

WIDE_FACTOR = 10
MAX_RECORD_CHARS = 1 << 20
LONG_LINE = 1024  # a longer line has its fields counted here, not by DuckDB
FOOTER_MARKERS = ("©", "(c)", "all rights reserved")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CODECS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "windows-1252": "cp1252",
}


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str
    raw: str


@dataclass
class Repaired:
    path: Path  # UTF-8 CSV: the header on line 1, then the records the reader can take
    encoding: str  # of the landing file
    runs: list[tuple[int, int, int]] = field(default_factory=list)  # (record, line, count)
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0  # blank lines after the header
    fields_scanned: int = 0  # fields counted by the scan (long lines and multi-line records)
    records: int = 0  # records written to the clean copy

    def keep(self, line: int) -> None:
        """Record number `records + 1` of the clean copy starts on file line `line`."""
        self.records += 1
        if self.runs and (last := self.runs[-1])[1] + last[2] == line:
            self.runs[-1] = (last[0], last[1], last[2] + 1)
        else:
            self.runs.append((self.records, line, 1))


def printable(text: str) -> str:
    """Text safe for a log or quarantine message: control characters and undecodable bytes
    shown as escapes."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _printable_bytes(raw: bytes) -> str:
    return printable(raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape"))


def repair(
    source: Path, target: Path, census: Census, header_index: int, delimiter: str, width: int
) -> Repaired:
    encoding, invalid_utf8 = (
        (census.encoding, False)
        if census.encoding.startswith("utf-16")
        else detect_encoding(source)
    )
    repaired = Repaired(target, encoding)
    with open_bytes(source) as raw, target.open("wb") as out:
        lines = enumerate(_utf8_lines(raw, encoding), start=1)
        for _ in range(header_index):
            next(lines, None)
        header = next(lines, None)
        if header is None:
            return repaired
        out.write(header[1] if header[1].endswith(b"\n") else header[1] + b"\n")
        _scan(lines, out, repaired, delimiter.encode(), width, invalid_utf8)
    return repaired


def _utf8_lines(raw: io.BufferedIOBase, encoding: str) -> Iterator[bytes]:
    """The file's lines as UTF-8 bytes (an undecodable byte stays as it was, to be caught)."""
    if encoding == "utf-8":
        return iter(raw)
    text = io.TextIOWrapper(
        cast("IO[bytes]", raw), encoding=_CODECS[encoding], errors="surrogateescape", newline=""
    )
    return (line.encode("utf-8", "surrogateescape") for line in text)


def _scan(
    source: Iterator[tuple[int, bytes]],
    out: IO[bytes],
    repaired: Repaired,
    delim: bytes,
    width: int,
    check_utf8: bool,
) -> None:
    """Records go to `out`; a record that leaves a quote open or has a problem is quarantined
    (its first line) and the lines it took are scanned again."""
    limit = WIDE_FACTOR * width
    lines: Iterator[tuple[int, bytes]] = source
    while replay := _scan_until_problem(lines, out, repaired, delim, width, limit, check_utf8):
        lines = chain(replay, source)


def _scan_until_problem(
    lines: Iterator[tuple[int, bytes]],
    out: IO[bytes],
    repaired: Repaired,
    delim: bytes,
    width: int,
    limit: int,
    check_utf8: bool,
) -> list[tuple[int, bytes]]:
    """The hot loop (one line = one record, the common case) and the lines to scan again."""
    write = out.write
    keep = repaired.keep
    text = b"\n"
    for line, text in lines:
        if not text.count(b'"') & 1 and len(text) <= LONG_LINE:
            if not check_utf8 or _valid(text):
                if len(text) > 2 or text.strip(b"\r\n"):
                    write(text)
                    keep(line)
                else:
                    repaired.skipped += 1
                continue
            record = [(line, text)]
        else:
            record = _quoted_record((line, text), lines)
        whole = b"".join(t for _, t in record)
        body = whole.rstrip(b"\r\n")
        problem = _problem(record, body, delim, width, limit, repaired)
        if problem is None:
            write(whole if whole.endswith(b"\n") else whole + b"\n")
            keep(line)
            continue
        repaired.rejects.append(Reject(line, problem, _printable_bytes(text[:MAX_RECORD_CHARS])))
        if len(record) > 1:
            return record[1:]
    if not text.endswith(b"\n"):
        write(b"\n")
    return []


def _quoted_record(
    first: tuple[int, bytes], lines: Iterator[tuple[int, bytes]]
) -> list[tuple[int, bytes]]:
    """The lines of a record whose first line leaves a quote open (or is long): up to the line
    that closes it, the end of the file, or MAX_RECORD_CHARS."""
    record = [first]
    if not first[1].count(b'"') & 1:
        return record
    size = len(first[1])
    while size <= MAX_RECORD_CHARS and (more := next(lines, None)) is not None:
        record.append(more)
        size += len(more[1])
        if more[1].count(b'"') & 1:
            break
    return record


def _valid(text: bytes) -> bool:
    if text.isascii():
        return True
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _problem(
    record: list[tuple[int, bytes]],
    body: bytes,
    delim: bytes,
    width: int,
    limit: int,
    repaired: Repaired,
) -> str | None:
    if body.count(b'"') % 2 == 1:
        return "unterminated quote: the quote opened on this line never closes"
    if len(body) > MAX_RECORD_CHARS:
        return f"LINE TOO LONG: {len(body):,} bytes, over the limit of {MAX_RECORD_CHARS:,}"
    found = line_fields(body, delim)
    repaired.fields_scanned += found
    if len(record) > 1 and found != width:
        return (
            f"a quote opened on this line runs over {len(record)} lines into a record of "
            f"{found:,} fields (the header has {width}); the lines after it are read again"
        )
    if found > limit:
        return (
            f"TOO MANY COLUMNS: {found:,} fields, over the limit of {limit:,} "
            f"({WIDE_FACTOR}x the header's {width})"
        )
    if not _valid(body):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = body[error.start : error.start + 1].hex()
            return f"INVALID ENCODING: byte 0x{byte} at byte {error.start + 1} is not valid text"
    return None

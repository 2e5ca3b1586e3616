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

import numpy as np

from pipeline.ingest.census import Census, detect_encoding, line_fields, open_bytes

WIDE_FACTOR = 10
MAX_RECORD_CHARS = 1 << 20
LONG_LINE = 1024  # a longer line has its fields counted here, not by DuckDB
_BLOCK = 1 << 20
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
        self.keep_block(line, 1)

    def keep_block(self, line: int, count: int) -> None:
        """The next `count` records of the clean copy start on lines `line`, `line + 1`, ..."""
        if self.runs and (last := self.runs[-1])[1] + last[2] == line:
            self.runs[-1] = (last[0], last[1], last[2] + count)
        else:
            self.runs.append((self.records + 1, line, count))
        self.records += count


def printable(text: str) -> str:
    """Text safe for a log or quarantine message: control characters and undecodable bytes
    shown as escapes."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _printable_bytes(raw: bytes) -> str:
    return printable(raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape"))


Item = tuple[int, bytes, int]  # (first line, text, lines): one line, or a block of clean lines


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
        items = _items(_blocks(raw, encoding), invalid_utf8)
        for _ in range(header_index):
            next(items, None)
        header = next(items, None)
        if header is None:
            return repaired
        out.write(header[1] if header[1].endswith(b"\n") else header[1] + b"\n")
        _scan(items, out, repaired, delimiter.encode(), width, invalid_utf8)
    return repaired


def _blocks(raw: io.BufferedIOBase, encoding: str) -> Iterator[bytes]:
    """The file as UTF-8 blocks of whole lines (an undecodable byte stays as it was)."""
    chunks: Iterator[bytes]
    if encoding in ("utf-8", "utf-8-sig"):
        read = raw.read
        first = read(_BLOCK)
        first = first[3:] if encoding == "utf-8-sig" else first
        chunks = chain([first], iter(lambda: read(_BLOCK), b""))
    else:
        text = io.TextIOWrapper(
            cast("IO[bytes]", raw), encoding=_CODECS[encoding], errors="surrogateescape", newline=""
        )
        chunks = (
            part.encode("utf-8", "surrogateescape") for part in iter(lambda: text.read(_BLOCK), "")
        )
    carry = b""
    for chunk in chunks:
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            carry += chunk
            continue
        yield carry + chunk[:cut]
        carry = chunk[cut:]
    if carry:
        yield carry


def _items(blocks: Iterator[bytes], check_utf8: bool) -> Iterator[Item]:
    """A block whose every line is a one-line record goes whole; the lines of any other block
    (and of the first, which holds the header) one by one."""
    line = 1
    for index, block in enumerate(blocks):
        count = _clean_lines(block, check_utf8) if index else 0
        if count:
            yield (line, block, count)
            line += count
            continue
        for item in _explode(line, block):
            yield item
            line += 1


def _explode(line: int, block: bytes) -> list[Item]:
    parts = block.split(b"\n")
    texts = [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return [(line + i, text, 1) for i, text in enumerate(texts)]


def _clean_lines(block: bytes, check_utf8: bool) -> int:
    """The number of lines of `block` if each is a record the reader can take as it is (no
    quote left open, not blank, not long, valid UTF-8 where that is in doubt), else 0."""
    if block.startswith((b"\n", b"\r\n")) or b"\n\n" in block or b"\n\r\n" in block:
        return 0
    data = np.frombuffer(block, np.uint8)
    newlines = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], newlines + 1))
    if starts[-1] == len(block):
        starts = starts[:-1]
    if int(np.diff(starts, append=len(block)).max()) > LONG_LINE + 1:
        return 0
    # Quotes per line, summed as bytes: the sum wraps at 256, its parity does not.
    if b'"' in block and (np.add.reduceat((data == 34).view(np.uint8), starts) & 1).any():
        return 0
    if check_utf8 and not _valid(block):
        return 0
    return len(newlines) + (0 if block.endswith(b"\n") else 1)


def _scan(
    source: Iterator[Item],
    out: IO[bytes],
    repaired: Repaired,
    delim: bytes,
    width: int,
    check_utf8: bool,
) -> None:
    """Records go to `out`; a record that leaves a quote open or has a problem is quarantined
    (its first line) and the lines it took are scanned again."""
    limit = WIDE_FACTOR * width
    lines: Iterator[Item] = source
    while replay := _scan_until_problem(lines, out, repaired, delim, width, limit, check_utf8):
        lines = chain(replay, source)


def _scan_until_problem(
    lines: Iterator[Item],
    out: IO[bytes],
    repaired: Repaired,
    delim: bytes,
    width: int,
    limit: int,
    check_utf8: bool,
) -> list[Item]:
    """The hot loop (one line = one record, the common case) and the lines to scan again."""
    write = out.write
    keep = repaired.keep
    text = b"\n"
    for line, text, count in lines:
        if count > 1:
            write(text)
            repaired.keep_block(line, count)
            continue
        if not text.count(b'"') & 1 and len(text) <= LONG_LINE:
            if not check_utf8 or _valid(text):
                if len(text) > 2 or text.strip(b"\r\n"):
                    write(text)
                    keep(line)
                else:
                    repaired.skipped += 1
                continue
            record, leftover = [(line, text)], list[Item]()
        else:
            record, leftover = _quoted_record((line, text), lines)
        whole = b"".join(t for _, t in record)
        body = whole.rstrip(b"\r\n")
        problem = _problem(record, body, delim, width, limit, repaired)
        if problem is None:
            write(whole if whole.endswith(b"\n") else whole + b"\n")
            keep(line)
            if leftover:
                return leftover
            continue
        repaired.rejects.append(Reject(line, problem, _printable_bytes(text[:MAX_RECORD_CHARS])))
        if len(record) > 1 or leftover:
            return [(n, t, 1) for n, t in record[1:]] + leftover
    if not text.endswith(b"\n"):
        write(b"\n")
    return []


def _quoted_record(
    first: tuple[int, bytes], lines: Iterator[Item]
) -> tuple[list[tuple[int, bytes]], list[Item]]:
    """The lines of a record whose first line leaves a quote open (or is long): up to the line
    that closes it, the end of the file, or MAX_RECORD_CHARS; and the lines of a block it
    opened but did not use."""
    record = [first]
    if not first[1].count(b'"') & 1:
        return record, []
    size = len(first[1])
    pending: list[Item] = []
    while size <= MAX_RECORD_CHARS:
        if not pending:
            item = next(lines, None)
            if item is None:
                break
            pending = _explode(item[0], item[1]) if item[2] > 1 else [item]
        line, text, _ = pending.pop(0)
        record.append((line, text))
        size += len(text)
        if text.count(b'"') & 1:
            break
    return record, pending


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

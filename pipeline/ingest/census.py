"""What a CSV file holds, counted at C speed before any parser reads it.

`take_census` reads every byte once (numpy counts the newlines, `bytes.isascii` and an
incremental decoder check the encoding, `bytes.find` spots lines too long to be a record) and
decides whether DuckDB's reader can take the file as it is. After the reader, `accounts_for`
checks that its records and rejects cover every physical line after the header: equality proves
every record is one line, so the reader lost nothing and its line numbers are exact. A file that
fails either test goes through `repair.py`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import numpy as np

_CHUNK = 1 << 20
# A line longer than twice this holds an aligned block without a newline; only such lines have
# their fields counted (DuckDB's reject handling is quadratic in a line's field count).
LONG_BLOCK = 512
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Census:
    lines: int  # physical lines (a last line without a newline counts)
    encoding: str  # utf-8 | utf-8-sig | utf-16-le | utf-16-be | windows-1252
    invalid_utf8: bool  # not valid UTF-8 but read as UTF-8 (bad rows are quarantined)
    wide_lines: bool  # some line has more than `limit` fields or MAX_RECORD_CHARS bytes

    @property
    def needs_repair(self) -> bool:
        return self.wide_lines or self.invalid_utf8 or self.encoding not in ("utf-8", "utf-8-sig")


def open_bytes(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast("IO[bytes]", gzip.open(path, "rb"))
    return path.open("rb")


def bom_encoding(head: bytes) -> str | None:
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"
    return _UTF16_BOMS.get(head[:2])


def take_census(path: Path, delimiter: str = ",", limit: int = 0) -> Census:
    """`limit`: the most fields a line may have before it is quarantined unread by DuckDB."""
    lines = 0
    last = b"\n"
    wide = False
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, multibyte_seen, multibyte_before_error = True, False, False
    head: bytes | None = None
    carry = b""
    with open_bytes(path) as handle:
        while block := handle.read(_CHUNK):
            if head is None:
                head = block[:4]
                if (encoding := bom_encoding(head)) and encoding.startswith("utf-16"):
                    return Census(0, encoding, False, True)
            lines += int(np.count_nonzero(np.frombuffer(block, np.uint8) == 10))
            last = block[-1:]
            if valid_utf8 and not block.isascii():
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    valid_utf8 = False
                    multibyte_before_error = multibyte_seen or _multibyte_before_error(block)
                multibyte_seen = True
            if limit and not wide:
                cut = block.rfind(b"\n") + 1
                chunk, carry = (carry + block[:cut], block[cut:]) if cut else (b"", carry + block)
                wide = _has_wide_line(chunk, delimiter.encode(), limit) or len(carry) > _CHUNK
    if limit and not wide:
        wide = _has_wide_line(carry, delimiter.encode(), limit)
    if valid_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid_utf8 = False
            multibyte_before_error = multibyte_seen
    if last != b"\n":
        lines += 1
    utf8 = "utf-8-sig" if head and head.startswith(UTF8_BOM) else "utf-8"
    if valid_utf8:
        return Census(lines, utf8, False, wide)
    # Not valid UTF-8: text that was UTF-8 up to a bad sequence is UTF-8 with damaged rows;
    # text whose first non-ASCII byte is already invalid is what Excel on Windows writes.
    if multibyte_before_error:
        return Census(lines, utf8, True, wide)
    return Census(lines, "windows-1252", False, wide)


def _has_wide_line(chunk: bytes, delimiter: bytes, limit: int) -> bool:
    """Whether a line of `chunk` (whole lines) has more than `limit` fields. Only lines holding
    an aligned block without a newline (at least LONG_BLOCK bytes) are counted."""
    find = chunk.find
    i = 0
    while i + LONG_BLOCK <= len(chunk):
        if find(b"\n", i, i + LONG_BLOCK) >= 0:
            i += LONG_BLOCK
            continue
        start = chunk.rfind(b"\n", 0, i) + 1
        end = find(b"\n", i + LONG_BLOCK)
        end = len(chunk) if end < 0 else end
        if end - start > _CHUNK or line_fields(chunk[start:end], delimiter) > limit:
            return True
        i = end + 1
    return False


def line_fields(line: bytes, delimiter: bytes) -> int:
    """Fields of one line, delimiters inside quotes not counted (a quote opening a multi-line
    field counts the rest of the line as one field)."""
    if b'"' not in line:
        return line.count(delimiter) + 1
    text = line.decode("utf-8", "replace")
    try:
        return len(next(csv.reader([text], delimiter=delimiter.decode()), []))
    except csv.Error:
        return line.count(delimiter) + 1


def _multibyte_before_error(chunk: bytes) -> bool:
    """Whether the chunk that failed holds a non-ASCII character before its first error."""
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as error:
        return not chunk[: error.start].isascii()
    return True


def accounts_for(census: Census, header_index: int, records: int) -> bool:
    """The reader's records and rejects cover every line after the header, one line each."""
    return census.lines - header_index - 1 == records

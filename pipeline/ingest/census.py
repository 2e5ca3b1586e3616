"""What a CSV file holds, counted at C speed before any parser reads it.

`take_census` reads every byte once (numpy counts the newlines and finds the lines long enough
to hold more fields than a record may have, whose fields are then counted) and decides whether
DuckDB's reader can take the file as it is. After the reader, `accounts_for`
checks that its records and rejects cover every physical line after the header: equality proves
every record is one line, so the reader lost nothing and its line numbers are exact. A file that
fails either test goes through `repair.py`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CHUNK = 1 << 20
# A line longer than twice this holds an aligned block without a newline; only such lines have
# their fields counted (DuckDB's reject handling is quadratic in a line's field count).
LONG_BLOCK = 512
_TAIL = 64
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Census:
    lines: int  # physical lines (a last line without a newline counts)
    encoding: str  # by byte-order mark: utf-8 | utf-8-sig | utf-16-le | utf-16-be
    wide_lines: bool  # some line has more than `limit` fields or more than _CHUNK bytes
    trailing_blank: int = 0  # blank lines at the end (the reader skips them; no line moves)

    @property
    def needs_repair(self) -> bool:
        return self.wide_lines or self.encoding.startswith("utf-16")


def open_bytes(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def bom_encoding(head: bytes) -> str | None:
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"
    return _UTF16_BOMS.get(head[:2])


def take_census(path: Path, delimiter: str = ",", limit: int = 0) -> Census:
    """`limit`: the most fields a line may have before it is quarantined unread by DuckDB.

    UTF-8 is not validated here: DuckDB's reader rejects a row with bad bytes, and such a
    reject sends the file to the scan, which decides the encoding from every byte. One buffer
    is reused for every block (a fresh megabyte per block costs page faults)."""
    lines = 0
    last = 10
    wide = False
    carry = b""
    tail = b""
    separator = delimiter.encode()
    capacity = _CHUNK if path.name.lower().endswith(".gz") else min(_CHUNK, path.stat().st_size + 1)
    buffer = bytearray(capacity)  # most daily files are far smaller than a block
    data = np.frombuffer(buffer, np.uint8)
    mask = np.empty(capacity, np.bool_)
    with open_bytes(path) as handle:
        size = handle.readinto(buffer)
        head = bytes(buffer[:4])
        if (encoding := bom_encoding(head)) and encoding.startswith("utf-16"):
            return Census(0, encoding, True)
        while size:
            block = memoryview(buffer)[:size]
            newlines = np.equal(data[:size], 10, out=mask[:size])
            lines += int(np.count_nonzero(newlines))
            last = buffer[size - 1]
            tail = (tail + bytes(buffer[max(0, size - _TAIL) : size]))[-_TAIL:]
            if limit and not wide:
                carry, wide = _check_block(buffer, size, newlines, carry, separator, limit)
            block.release()
            size = handle.readinto(buffer)
    if limit and not wide:
        wide = _is_wide(carry, separator, limit)
    if head and last != 10:
        lines += 1
    encoding = "utf-8-sig" if head.startswith(UTF8_BOM) else "utf-8"
    return Census(lines, encoding, wide, _trailing_blank(tail))


def _trailing_blank(tail: bytes) -> int:
    """Blank lines at the end of the file (within its last bytes)."""
    if not tail.endswith(b"\n"):
        return 0
    lines = tail.split(b"\n")[:-1]
    blank = 0
    for line in reversed(lines[1:]):  # the first may be cut
        if line not in (b"", b"\r"):
            return blank
        blank += 1
    return blank


def _check_block(
    buffer: bytearray,
    size: int,
    newlines: np.ndarray,
    carry: bytes,
    separator: bytes,
    limit: int,
) -> tuple[bytes, bool]:
    """Whether a line ending in this block is too wide, and the open line it leaves."""
    first = buffer.find(b"\n", 0, size)
    if first < 0:
        carry += buffer[:size]
        return carry, len(carry) > _CHUNK
    # The line the last block left open ends here; the others lie inside the block.
    if _is_wide(carry + buffer[:first], separator, limit):
        return b"", True
    cut = buffer.rfind(b"\n", 0, size) + 1
    if not _every_block_has_a_newline(newlines[:cut]) and _has_wide_line(
        bytes(buffer[first + 1 : cut]), separator, limit
    ):
        return b"", True
    return bytes(buffer[cut:size]), False


def _is_wide(line: bytes, delimiter: bytes, limit: int) -> bool:
    if len(line) < LONG_BLOCK:
        return False
    return len(line) > _CHUNK or line_fields(line, delimiter) > limit


def _every_block_has_a_newline(newlines: np.ndarray) -> bool:
    whole = len(newlines) // LONG_BLOCK * LONG_BLOCK
    return bool(newlines[:whole].reshape(-1, LONG_BLOCK).any(axis=1).all())


def detect_encoding(path: Path) -> tuple[str, bool]:
    """The encoding of a file without a UTF-16 byte-order mark, from every byte, and whether
    it is UTF-8 with bad bytes (whose rows are quarantined). Not valid UTF-8 and invalid at its
    first non-ASCII byte: what Excel on Windows writes (Windows-1252)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    multibyte_seen = False
    head = b""
    with open_bytes(path) as handle:
        while block := handle.read(_CHUNK):
            head = head or block[:4]
            if block.isascii():
                continue
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                invalid_first = not multibyte_seen and not _multibyte_before_error(block)
                return ("windows-1252", False) if invalid_first else (_utf8(head), True)
            multibyte_seen = True
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _utf8(head), True
    return _utf8(head), False


def _utf8(head: bytes) -> str:
    return "utf-8-sig" if head.startswith(UTF8_BOM) else "utf-8"


def _multibyte_before_error(chunk: bytes) -> bool:
    """Whether the chunk that failed holds a non-ASCII character before its first error."""
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as error:
        return not chunk[: error.start].isascii()
    return True


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


def accounts_for(census: Census, header_index: int, records: int) -> bool:
    """The reader's records and rejects cover every line after the header, one line each."""
    return census.lines - census.trailing_blank - header_index - 1 == records

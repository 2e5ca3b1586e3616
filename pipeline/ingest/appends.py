"""Append detection: a landing file that grew after it was loaded loads only its new records.

A file whose first `bytes` bytes hash to the sha256 logged for its path (and end with a line
break) is the logged file plus a tail. The tail is read from a small file holding the header
lines and the new bytes, and its records are numbered from the line after the logged bytes, so
`_line` is the record's line in the grown file and no record loads twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

APPENDABLE = (".csv", ".tsv", ".jsonl", ".ndjson")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Logged:
    """The latest load of one path: how many bytes it had and their sha256."""

    bytes: int
    sha256: str


@dataclass(frozen=True)
class Digest:
    sha256: str
    prefix_matches: bool = False
    prefix_lines: int = 0  # line breaks within the logged prefix


def appendable(path: Path) -> bool:
    return path.name.lower().endswith(APPENDABLE)


def hash_file(path: Path, prefix: Logged | None = None) -> Digest:
    """The file's sha256 in one read; with `prefix`, also whether its first `prefix.bytes`
    bytes are that logged file (same hash, ending with a line break)."""
    whole = hashlib.sha256()
    head = hashlib.sha256() if prefix is not None else None
    lines, read, last = 0, 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if head is not None and prefix is not None:
                inside = chunk[: max(0, prefix.bytes - read)]
                head.update(inside)
                lines += inside.count(b"\n")
                last = inside[-1:] or last
            whole.update(chunk)
            read += len(chunk)
    if head is None or prefix is None or read <= prefix.bytes:
        return Digest(whole.hexdigest())
    matches = head.hexdigest() == prefix.sha256 and last == b"\n"
    return Digest(whole.hexdigest(), matches, lines)


def write_tail(source: Path, start: int, size: int, header_lines: int, target: Path) -> Path:
    """`target` = the first `header_lines` lines of `source`, then its bytes [start, size)."""
    with source.open("rb") as reader, target.open("wb") as writer:
        for _ in range(header_lines):
            writer.write(reader.readline())
        reader.seek(start)
        remaining = size - start
        while remaining > 0:
            chunk = reader.read(min(_CHUNK, remaining))
            if not chunk:
                break
            writer.write(chunk)
            remaining -= len(chunk)
    return target

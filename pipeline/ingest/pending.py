"""A landing file on its way into a batch, and what loading it gave."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.formats import Layout
from pipeline.ingest.landing import LandingFile
from pipeline.ingest.load_log import FileResult


@dataclass(frozen=True)
class Pending:
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
class Outcome:
    path_on_disk: str
    result: FileResult

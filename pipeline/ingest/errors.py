"""Ingest errors. A rejected file is logged in `meta.load_log`; the other files still load."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import MopsError


class IngestError(MopsError):
    """Something is wrong with the landing zone as a whole."""


class FileRejected(IngestError):
    """One file cannot be read at all; nothing of it is loaded."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

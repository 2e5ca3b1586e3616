"""Who may read what mops writes: owner only (0600) unless `MOPS_FILE_MODE` says otherwise.

The warehouse holds emails, names and phone numbers, so a usual umask of 022 (files 0644,
readable by every local user) is too open. mops sets the process umask from the mode before it
writes (so DuckDB's WAL, spill files and the files it creates get it from birth) and chmods the
files it owns explicitly (so a warehouse made before, with another mode, is tightened). Folders
get the execute bit wherever the mode lets someone read (0600 -> 0700, 0640 -> 0750).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def folder_mode(mode: int) -> int:
    return mode | ((mode & 0o444) >> 2)


def umask_for(mode: int) -> int:
    return 0o777 & ~folder_mode(mode)


def apply_umask(mode: int) -> None:
    os.umask(umask_for(mode))


def protect(*paths: Path, mode: int) -> None:
    """chmod each path that exists (not following links): files to `mode`, folders to
    `folder_mode(mode)`, a folder's files and subfolders too."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            if path.is_symlink():
                continue
            if path.is_dir():
                path.chmod(folder_mode(mode))
                protect(*path.iterdir(), mode=mode)
            else:
                path.chmod(mode)

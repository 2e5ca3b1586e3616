"""What lies under the landing folder, entry by entry: the one discovery the loader and the
Dagster sensor share.

A delivery is a file at `<landing>/<system>/<object>/<file>`. Every other entry is still
reported, so it gets a row in `meta.load_log` saying why it was not read: a file directly in
the landing or a system folder, a file one folder too deep, a directory named like a file, a
symbolic link leading out of the landing folder. Two kinds of entry are left out by rule:
names starting with a dot (hidden files and folders) and the landing folder's own README and
LICENSE files (any extension).
Files with a temporary name (`*.tmp`, `*.part`, `.~*`, `~$*`) are reported as in flight, not
read, and not logged: they load once renamed.
"""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.ingest.errors import IngestError
from pipeline.ingest.formats import file_format

TEMPORARY_NAMES = ("*.tmp", "*.part", ".~*", "~$*")
FOLDER_NOTES = ("readme", "license")  # the landing folder's own notes, any extension
LAYOUT = "`<system>/<object>/`"


@dataclass(frozen=True)
class LandingFile:
    """One entry under the landing folder. `rejection` says why it is not read (it is logged
    rejected); `in_flight` says why it is not read yet (it is reported, not logged)."""

    system: str
    object: str
    path: Path
    relative_path: str
    size: int
    modified_ns: int
    rejection: str | None = None
    in_flight: str | None = None

    @property
    def fingerprint(self) -> tuple[str, int, int]:
        """rsync's quick check: a file with the same path, size and mtime as a logged one is
        that file, so it is skipped without reading (hashing 12 GB took 14 s every night)."""
        return (self.relative_path, self.size, self.modified_ns)

    @property
    def is_delivery(self) -> bool:
        return self.rejection is None and self.in_flight is None


def is_temporary(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in TEMPORARY_NAMES)


def _ignored(name: str, depth: int) -> bool:
    if is_temporary(name):
        return False
    stem = name.lower().split(".", 1)[0]
    return name.startswith(".") or (depth == 1 and stem in FOLDER_NOTES)


def discover(
    landing: Path,
    objects: Iterable[tuple[str, str]] | None = None,
    known: Iterable[tuple[str, str]] = (),
    follow_symlinks: bool = False,
) -> list[LandingFile]:
    """Every entry under `landing` in delivery order (sorted paths).

    With `objects`, only the entries of those `(system, object)` folders, plus every entry that
    belongs to no `known` object (so whichever caller runs first logs it).
    """
    if not landing.is_dir():
        raise IngestError(
            f"landing folder {landing} does not exist: set MOPS_LANDING_DIR or pass --landing"
        )
    wanted = None if objects is None else set(objects)
    known_set = set(known)
    root = landing.resolve()
    entries = []
    for entry in _walk(landing, root, (), {root}, follow_symlinks):
        owner = (entry.system, entry.object)
        if wanted is None or owner in wanted or owner not in known_set:
            entries.append(entry)
    return sorted(entries, key=lambda e: e.relative_path)


def _walk(
    folder: Path, root: Path, parts: tuple[str, ...], visited: set[Path], follow: bool
) -> Iterator[LandingFile]:
    with os.scandir(folder) as scan:
        children = sorted(scan, key=lambda c: c.name)
    for child in children:
        here = (*parts, child.name)
        if _ignored(child.name, len(here)):
            continue
        path = Path(child.path)
        problem = _link_problem(path, root, follow) if child.is_symlink() else None
        if problem is not None:
            yield _entry(path, here, problem, path.lstat().st_mtime_ns)
        elif child.is_dir():
            real = path.resolve()
            if len(here) >= 3 and file_format(path) is not None:
                yield _entry(path, here, "a directory, not a file: nothing in it is read", 0)
            if real not in visited:  # a link back up the tree is walked once
                yield from _walk(path, root, here, visited | {real}, follow)
        else:
            info = child.stat()
            yield _entry(path, here, _layout_problem(len(here)), info.st_mtime_ns, info.st_size)


def _link_problem(path: Path, root: Path, follow: bool) -> str | None:
    """Why a link is not followed, or None. Allowed everywhere, a link is only checked to lead
    somewhere (resolving every link of a large landing zone costs more than the walk)."""
    if follow:
        return None if path.exists() else f"a broken symbolic link (to {os.readlink(path)})"
    target = path.resolve()
    if not target.exists():
        return f"a broken symbolic link (to {target})"
    if target.is_relative_to(root):
        return None
    return (
        f"a symbolic link to {target}, outside the landing folder: not followed "
        "(set MOPS_LANDING_FOLLOW_SYMLINKS=1 to load files linked from elsewhere)"
    )


def _layout_problem(depth: int) -> str | None:
    if depth == 3:
        return None
    where = {1: "directly in the landing folder", 2: "directly in a system folder"}
    found = where.get(depth, f"{depth - 3} folder(s) too deep")
    return f"not in {LAYOUT} layout ({found}): move it into its object's folder"


def _entry(
    path: Path, parts: tuple[str, ...], rejection: str | None, modified_ns: int, size: int = 0
) -> LandingFile:
    """A directory or a link not followed is logged with 0 bytes."""
    system = parts[0] if len(parts) > 1 else ""
    name = parts[1] if len(parts) > 2 else ""
    in_flight = None
    if rejection is None and is_temporary(path.name):
        in_flight = "a temporary name (still being written?): it loads once renamed"
    return LandingFile(system, name, path, "/".join(parts), size, modified_ns, rejection, in_flight)


def settle(entries: list[LandingFile], seconds: float) -> list[LandingFile]:
    """Deliveries modified less than `seconds` ago are watched that long; one whose size or
    mtime changes meanwhile is marked in flight. Older files pass at once (a night never waits).
    """
    if seconds <= 0:
        return entries
    now = time.time_ns()
    window = int(seconds * 1e9)
    recent = [e for e in entries if e.is_delivery and now - e.modified_ns < window]
    if not recent:
        return entries
    until = max(e.modified_ns for e in recent) + window
    time.sleep(max(0.0, min(seconds, (until - time.time_ns()) / 1e9)))
    changed = {e.path for e in recent if has_changed(e)}
    reason = f"still being written (changed within the last {seconds:g} s): it loads once settled"
    return [replace(e, in_flight=reason) if e.path in changed else e for e in entries]


def has_changed(entry: LandingFile) -> bool:
    """True if the file's size or mtime differs from when it was discovered (or it is gone)."""
    try:
        info = entry.path.stat()
    except FileNotFoundError:
        return True
    return (info.st_size, info.st_mtime_ns) != (entry.size, entry.modified_ns)

"""Loading landing files into `raw.<system>__<object>`, one atomic transaction per batch.

Per file: hash it (a content hash loaded before is skipped, a grown file loads its tail), find
its layout (`formats.py`), and batch it with the files of its object and layout. A batch is read
by DuckDB's own reader, typed in SQL and stored with its quarantine and load log (`rows.py`,
`load_log.py`); all of that commits together or not at all, so a crash mid-batch leaves no trace
and the next run loads the files again. A batch that fails loads file by file so only the bad
file is rejected; CSV files the reader would misread go through the quote-aware scan first.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.ingest import landing as landing_zone
from pipeline.ingest.appends import APPENDABLE, Logged, appendable, hash_file, write_tail
from pipeline.ingest.census import Census, take_census
from pipeline.ingest.conventions import ConventionBook, load_conventions
from pipeline.ingest.errors import FileRejected
from pipeline.ingest.formats import (
    JsonGroup,
    Layout,
    NeedsRepair,
    SourceRead,
    register_source,
    select_json_group,
    sniff,
    unreadable,
)
from pipeline.ingest.landing import LandingFile, has_changed
from pipeline.ingest.load_log import (
    FileResult,
    ensure_meta,
    latest_loads,
    log_duplicate,
    log_rejection,
    seen_fingerprints,
    seen_hashes,
)
from pipeline.ingest.objects import OBJECTS, SourceObject, find_object
from pipeline.ingest.pending import Outcome, Pending
from pipeline.ingest.repair import WIDE_FACTOR, Repaired, printable, repair
from pipeline.ingest.rows import ensure_table, load_rows
from pipeline.settings import Settings

if TYPE_CHECKING:
    import duckdb

__all__ = ["FileResult", "discover", "ensure_meta", "ensure_table", "ingest_landing"]


def discover(
    landing: Path, objects: Iterable[SourceObject] | None = None, follow_symlinks: bool = False
) -> list[LandingFile]:
    """The deliveries under `<landing>/<system>/<object>/`, in delivery order (sorted names)."""
    wanted = None if objects is None else [(o.system, o.name) for o in objects]
    found = landing_zone.discover(landing, wanted, _KNOWN, follow_symlinks)
    return [entry for entry in found if entry.is_delivery]


_KNOWN = [(o.system, o.name) for o in OBJECTS]
_DONE = ("loaded", "partial", "duplicate")


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    settings: Settings | None = None,
    objects: Iterable[SourceObject] | None = None,
    retry_rejected: bool = False,
) -> list[FileResult]:
    """Account for every entry of `objects` (default: all) found under `landing` (and for
    every entry of no known object): load new files, log the others with why.

    Files of one object with the same layout load together in one scan and one transaction
    (a crash leaves none of them loaded); if that scan fails, each file loads on its own so
    only the unreadable one is rejected. A file that changed while it was read is rolled
    back and deferred to a later run.
    """
    settings = settings or Settings.from_env()
    chosen = OBJECTS if objects is None else tuple(objects)
    ensure_meta(con)
    rules = load_conventions(settings.ingest_settings, settings.report_timezone)
    wanted = None if objects is None else [(o.system, o.name) for o in chosen]
    entries = landing_zone.discover(landing, wanted, _KNOWN, settings.follow_symlinks)
    entries = landing_zone.settle(entries, settings.settle_seconds)
    statuses = _DONE if retry_rejected else (*_DONE, "rejected")
    logged = seen_fingerprints(con, statuses)
    seen = seen_hashes(con, statuses)
    grown = latest_loads(con)
    results: dict[Path, FileResult] = {}
    pending: dict[tuple[str, str], list[Pending]] = {}
    with tempfile.TemporaryDirectory(prefix="mops-tails-") as tails:
        for index, item in enumerate(entries):
            if item.fingerprint in logged:
                results[item.path] = _result(item, "skipped")
            elif item.in_flight is not None:
                results[item.path] = _result(item, "deferred", item.in_flight)
            elif item.rejection is not None:
                results[item.path] = log_rejection(con, item, "", item.rejection)
            else:
                found = _consider(con, item, seen, grown.get(item.relative_path))
                if isinstance(found, FileResult):
                    results[item.path] = found
                    continue
                found = _tail_of(found, Path(tails) / f"{index}{_suffix(item.path)}")
                pending.setdefault((item.system, item.object), []).append(found)
        for (system, name), items in pending.items():
            obj = find_object(system, name)
            assert obj is not None
            for batch in _batches(items):
                for result in _load_batch_or_each(con, obj, batch, rules):
                    results[Path(result.path_on_disk)] = result.result
    for obj in chosen:
        ensure_table(con, obj)  # an object with no delivery yet is an empty table, not a gap
    return [results[item.path] for item in entries]


def _result(item: LandingFile, status: str, error: str | None = None) -> FileResult:
    return FileResult(item.system, item.object, item.relative_path, status, error=error)


def _consider(
    con: duckdb.DuckDBPyConnection,
    item: LandingFile,
    seen: dict[tuple[str, str, str], str],
    before: Logged | None,
) -> Pending | FileResult:
    """A file to load (whole, or its tail when it grew), or the result of one not loaded."""
    prefix = before if before and before.bytes < item.size and appendable(item.path) else None
    try:
        digest = hash_file(item.path, prefix)
    except OSError as error:
        return log_rejection(con, item, "", f"cannot be read: {error.strerror or error}")
    key = (item.system, item.object, digest.sha256)
    earlier = seen.get(key)
    if earlier == item.relative_path:
        return _result(item, "skipped")  # touched, not changed: its first row accounts for it
    if earlier is not None:
        return log_duplicate(con, item, digest.sha256, earlier)
    seen[key] = item.relative_path
    try:
        obj = find_object(item.system, item.object)
        if obj is None:
            known = ", ".join(f"{o.system}/{o.name}" for o in OBJECTS)
            raise FileRejected(
                item.path,
                f"unknown landing object; move the file under one of: {known}",
            )
        layout = sniff(item.path, obj)
    except FileRejected as rejection:
        return log_rejection(con, item, digest.sha256, rejection.reason)
    if prefix is None or not digest.prefix_matches:
        return Pending(item, digest.sha256, layout)
    header_lines = layout.header_index + 1 if layout.kind == "csv" else 0
    return Pending(
        item, digest.sha256, layout, tail_from=prefix.bytes, header_lines=header_lines,
        line_offset=digest.prefix_lines - header_lines,
    )  # fmt: skip


def _tail_of(pending: Pending, target: Path) -> Pending:
    if pending.tail_from is None:
        return pending
    item = pending.item
    write_tail(item.path, pending.tail_from, item.size, pending.header_lines, target)
    return replace(pending, read_path=target)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return next((s for s in APPENDABLE if name.endswith(s)), path.suffix)


_BATCH_BYTES = 1 << 30
_BATCH_FILES = 1000


def _batches(items: list[Pending]) -> Iterator[list[Pending]]:
    """Files of one layout (in delivery order), up to 1 GiB or 1,000 files per batch."""
    by_layout: dict[Layout, list[Pending]] = {}
    for pending in items:
        by_layout.setdefault(pending.layout, []).append(pending)
    for group in by_layout.values():
        batch: list[Pending] = []
        size = 0
        for pending in group:
            length = pending.item.size
            if batch and (size + length > _BATCH_BYTES or len(batch) >= _BATCH_FILES):
                yield batch
                batch, size = [], 0
            batch.append(pending)
            size += length
        if batch:
            yield batch


class _Changed(Exception):
    """Files of a batch changed while they were read: the batch was rolled back."""

    def __init__(self, changed: list[Pending]) -> None:
        self.changed = changed
        super().__init__(", ".join(p.item.relative_path for p in changed))


_CHANGED = "changed while it was read (still being written?): rolled back, it loads once settled"


def _load_batch_or_each(
    con: duckdb.DuckDBPyConnection, obj: SourceObject, batch: list[Pending], rules: ConventionBook
) -> list[Outcome]:
    """CSV files whose census or reading shows records the reader would lose or misnumber go
    through the quote-aware scan (`repair.py`), one at a time; the others load in one scan."""
    if batch[0].layout.kind != "csv":
        return _load_or_split(con, obj, batch, rules, {})
    outcomes: list[Outcome] = []
    censuses: dict[Path, Census] = {}
    for pending in batch:
        try:
            layout = pending.layout
            limit = WIDE_FACTOR * len(layout.headers)
            censuses[pending.source] = take_census(pending.source, layout.delimiter, limit)
        except (OSError, EOFError, ValueError) as error:
            reason = unreadable(pending.item.path, error)
            outcomes.append(Outcome(str(pending.item.path), _reject(con, pending, reason)))
    fast = [p for p in batch if p.source in censuses and not censuses[p.source].needs_repair]
    slow = [p for p in batch if p.source in censuses and censuses[p.source].needs_repair]
    while fast:
        try:
            outcomes += _load_or_split(con, obj, fast, rules, censuses, slow=slow)
            break
        except NeedsRepair as wrong:
            slow += [p for p in fast if str(p.source) in wrong.paths]
            fast = [p for p in fast if str(p.source) not in wrong.paths]
    with tempfile.TemporaryDirectory(prefix="mops-repair-") as work:
        for index, pending in enumerate(slow):
            target = Path(work) / f"{index}.csv"
            outcomes += _load_repaired(con, obj, pending, rules, censuses, target)
    return outcomes


def _load_repaired(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    pending: Pending,
    rules: ConventionBook,
    censuses: dict[Path, Census],
    target: Path,
) -> list[Outcome]:
    layout, path, source = pending.layout, pending.item.path, pending.source
    try:
        repaired = repair(
            source, target, censuses[source], layout.header_index, layout.delimiter,
            len(layout.headers),
        )  # fmt: skip
    except (OSError, EOFError, ValueError) as error:
        return [Outcome(str(path), _reject(con, pending, unreadable(path, error)))]
    return _load_or_split(con, obj, [pending], rules, censuses, {source: repaired})


def _load_or_split(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[Pending],
    rules: ConventionBook,
    censuses: dict[Path, Census],
    repaired: dict[Path, Repaired] | None = None,
    slow: list[Pending] | None = None,
) -> list[Outcome]:
    """One scan for the batch; if it fails, each file on its own so only the bad one is
    rejected. A single file the reader cannot account for joins `slow`; a batch with such files
    raises `NeedsRepair` (nothing of it is committed)."""
    try:
        return _load_batch(con, obj, batch, rules, censuses, repaired)
    except _Changed as changed:
        moved = {id(p) for p in changed.changed}
        rest = [p for p in batch if id(p) not in moved]
        deferred = [
            Outcome(str(p.item.path), _result(p.item, "deferred", _CHANGED))
            for p in changed.changed
        ]
        more = _load_or_split(con, obj, rest, rules, censuses, repaired, slow) if rest else []
        return deferred + more
    except NeedsRepair:
        if slow is None or len(batch) > 1:
            raise
        slow.append(batch[0])
        return []
    except Exception as error:
        if len(batch) > 1:
            return [
                o
                for one in batch
                for o in _load_or_split(con, obj, [one], rules, censuses, slow=slow)
            ]
        path = batch[0].item.path
        reason = error.reason if isinstance(error, FileRejected) else unreadable(path, error)
        return [Outcome(str(path), _reject(con, batch[0], reason))]


def _reject(con: duckdb.DuckDBPyConnection, pending: Pending, reason: str) -> FileResult:
    return log_rejection(con, pending.item, pending.digest, reason)


def _load_batch(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[Pending],
    rules: ConventionBook,
    censuses: dict[Path, Census] | None = None,
    repaired: dict[Path, Repaired] | None = None,
) -> list[Outcome]:
    started = time.perf_counter()
    con.execute("begin transaction")
    try:
        paths = [p.source for p in batch]
        chosen = {p: c for p, c in (censuses or {}).items() if p in paths}
        read = register_source(con, paths, batch[0].layout, chosen, repaired)
        ensure_table(con, obj)
        if batch[0].layout.kind == "json":
            outcomes = _load_json_groups(con, obj, batch, read, rules, started)
        else:
            outcomes = load_rows(con, obj, batch, read, rules, started)
        changed = [p for p in batch if has_changed(p.item)]
        if changed:  # what was read may not be what was hashed: log nothing of it
            raise _Changed(changed)
        con.execute("commit")
        return outcomes
    except BaseException:
        con.execute("rollback")
        raise


def _load_json_groups(
    con: duckdb.DuckDBPyConnection,
    obj: SourceObject,
    batch: list[Pending],
    read: SourceRead,
    rules: ConventionBook,
    started: float,
) -> list[Outcome]:
    """JSON files are typed per group of files with the same keys; a group without a
    required column is rejected as a CSV header without it would be."""
    grouped = {path for group in read.groups for path in group.paths}
    empty = tuple(str(p.source) for p in batch if str(p.source) not in grouped)
    groups = read.groups + ([JsonGroup(empty, ())] if empty else [])
    outcomes: list[Outcome] = []
    for group in groups:
        members = [p for p in batch if str(p.source) in group.paths]
        missing = group.missing_required(obj) if group.leaves else []
        if missing:
            reason = (
                f"missing required column(s) {', '.join(missing)} in the JSON rows (keys seen: "
                f"{printable(', '.join(group.headers[:12]))}); deliver rows that have them"
            )
            outcomes += [Outcome(str(p.item.path), _reject(con, p, reason)) for p in members]
            continue
        group_read = select_json_group(con, read, group)
        outcomes += load_rows(con, obj, members, group_read, rules, started)
    return outcomes

"""One build at a time per warehouse: an advisory lock on `<warehouse>.lock` beside it.

`mops build`, `mops ingest`, `mops models`, every Dagster run and the sensor take it. The file
records the holder's PID and start time, so a second command can say whom it waits for. The
lock is `flock`-based: the kernel releases it when the holder dies, so a killed build leaves no
stale lock. Within one process the lock is re-entrant (`mops build` holds it and the Dagster run
it starts in the same process takes it again).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import MopsError


class WarehouseBusy(MopsError):
    """Another process holds the warehouse's build lock."""


_held: dict[Path, int] = {}  # lock file -> nesting depth in this process
_guard = threading.Lock()


def lock_path(warehouse: Path | str) -> Path:
    target = Path(warehouse).resolve()
    return target.with_name(f"{target.name}.lock")


def holder(lock: Path) -> str:
    """Who holds `lock`, as the file records it."""
    try:
        pid, _, started = lock.read_text().strip().partition(" ")
    except OSError:
        pid, started = "", ""
    if not pid:
        return "another mops process"
    return f"mops process {pid} (started {started})" if started else f"mops process {pid}"


@contextmanager
def build_lock(
    warehouse: Path | str,
    *,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
    mode: int = 0o600,
) -> Iterator[None]:
    """Hold the warehouse's build lock. Busy: wait (telling `on_wait` whom for), or with
    `wait=False` raise `WarehouseBusy` naming the holder."""
    lock = lock_path(warehouse)
    with _guard:
        if lock in _held:
            _held[lock] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _guard:
                _held[lock] -= 1
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, mode)
    try:
        _acquire(fd, lock, Path(warehouse), wait, on_wait)
        os.ftruncate(fd, 0)
        started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.write(fd, f"{os.getpid()} {started}\n".encode())
        with _guard:
            _held[lock] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[lock]
    finally:
        os.close(fd)  # releases the lock


def _acquire(
    fd: int, lock: Path, warehouse: Path, wait: bool, on_wait: Callable[[str], None] | None
) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        busy = f"the warehouse {warehouse} is being built by {holder(lock)}"
    if not wait:
        raise WarehouseBusy(f"{busy}; run again once it has finished, or drop --no-wait to wait")
    if on_wait is not None:
        on_wait(f"{busy}; waiting for it to finish")
    fcntl.flock(fd, fcntl.LOCK_EX)


def busy(warehouse: Path | str) -> str | None:
    """Who holds the warehouse's lock, or None if nobody (for the sensor: it never waits)."""
    lock = lock_path(warehouse)
    with _guard:
        if lock in _held:
            return None
    if not lock.exists():
        return None
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return holder(lock)
    finally:
        os.close(fd)
    return None

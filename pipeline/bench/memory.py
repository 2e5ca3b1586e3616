"""Peak resident memory of this process and its children, sampled in a background thread."""

from __future__ import annotations

import threading
from types import TracebackType


class PeakMemory:
    """`with PeakMemory() as peak: ...; peak.bytes` — RSS of the whole process tree."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _tree_rss(self) -> int:
        import psutil

        root = psutil.Process()
        total = root.memory_info().rss
        for child in root.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return int(total)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.bytes = max(self.bytes, self._tree_rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self.bytes = self._tree_rss()
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.bytes = max(self.bytes, self._tree_rss())

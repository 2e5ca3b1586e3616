"""Counting instead of timing: a complexity guard that reads the same on a quiet or a busy
machine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

T = TypeVar("T")


def python_calls(work: Callable[[], T]) -> tuple[int, T]:
    """How many Python functions `work` calls in this thread (builtins and code DuckDB, polars
    or sqlglot's C parts run are not counted), and what it returned. Python work that loops over
    rows makes this grow with the rows; vectorised work keeps it flat."""
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        result = work()
    finally:
        sys.setprofile(previous)
    return calls, result

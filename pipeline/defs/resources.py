"""The DuckDB warehouse as a Dagster resource. Every asset writing it runs in one process.

A run holds the warehouse's build lock (`pipeline/lock.py`) from the start of its first step to
its end, so a run and a `mops` command never write the warehouse at the same time: the later
one waits, saying for whom.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import PrivateAttr

from pipeline.settings import Settings

if TYPE_CHECKING:
    import duckdb


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Opens the warehouse file named by `MOPS_WAREHOUSE` (or `path`)."""

    path: str = ""
    landing_dir: str = ""
    _lock: ExitStack = PrivateAttr(default_factory=ExitStack)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:
            return  # a sensor or schedule evaluation: it never waits for a build
        from pipeline.lock import build_lock

        log = context.log
        self._lock.enter_context(
            build_lock(
                self.warehouse_path(),
                on_wait=log.warning if log is not None else None,
                mode=self.settings().file_mode,
            )
        )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._lock.close()

    def settings(self) -> Settings:
        settings = Settings.from_env()
        return settings

    def warehouse_path(self) -> str:
        return self.path or str(self.settings().warehouse)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        from pipeline.warehouse import connect

        con = connect(self.warehouse_path(), memory_limit=self.settings().memory_limit)
        try:
            yield con
        finally:
            con.close()

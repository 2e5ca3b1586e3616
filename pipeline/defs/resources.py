"""The DuckDB warehouse as a Dagster resource. Every asset writing it runs in one process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import dagster as dg

from pipeline.settings import Settings

if TYPE_CHECKING:
    import duckdb


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Opens the warehouse file named by `MOPS_WAREHOUSE` (or `path`)."""

    path: str = ""
    landing_dir: str = ""

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

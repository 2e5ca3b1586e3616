"""The ingest floor: the landing files read by DuckDB's own readers, nothing of mops around them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.bench.result import BenchResult, timed
from pipeline.sqltext import literal

if TYPE_CHECKING:
    from pipeline.ingest.formats import Layout


def ingest_floor(
    result: BenchResult,
    landing: Path,
    scratch: Path,
    memory_limit: str,
    run: str = "floor",
    stage: str = "ingest",
) -> None:
    """The ingest floor: every file of `landing` read by DuckDB's own reader (CSV: the header
    line the loader finds, all text; JSON: one object per row; Parquet as stored) into the
    scratch database `scratch`, deleted afterwards: one table per object and layout, as the
    loader scans them. It runs after the full ingest, on files the page cache holds, so it is a
    lower bound."""
    from pipeline.ingest.errors import FileRejected
    from pipeline.ingest.formats import sniff
    from pipeline.ingest.loader import discover
    from pipeline.ingest.objects import find_object
    from pipeline.warehouse import connect

    scans: dict[tuple[str, Layout], list[Path]] = {}
    for item in discover(landing, follow_symlinks=True):
        obj = find_object(item.system, item.object)
        try:
            layout = sniff(item.path, obj) if obj is not None else None
        except FileRejected:
            layout = None  # the loader rejects such a file unread: nothing to compare with
        if layout is not None:
            scans.setdefault((f"{item.system}__{item.object}", layout), []).append(item.path)
    remove_database(scratch)
    try:
        with (
            timed(result, run, stage) as rows,
            connect(scratch, memory_limit=memory_limit) as con,
        ):
            for index, ((name, layout), paths) in enumerate(scans.items()):
                table = f'"{name}__{index}"'
                con.execute(f"create table {table} as select * from {_floor_reader(paths, layout)}")
                counted = con.execute(f"select count(*) from {table}").fetchone()
                rows[0] += int(counted[0]) if counted else 0
    finally:
        remove_database(scratch)


def _floor_reader(paths: list[Path], layout: Layout) -> str:
    files = "[" + ", ".join(literal(str(p)) for p in paths) + "]"
    if layout.kind == "csv":
        delimiter = layout.delimiter.replace("'", "''")
        return (
            f"read_csv({files}, header = true, skip = {layout.header_index}, "
            f"delim = '{delimiter}', all_varchar = true, ignore_errors = true)"
        )
    if layout.kind == "json":
        return f"read_json_objects({files}, format = '{layout.json_format}')"
    return f"read_parquet({files}, union_by_name = true)"


def remove_database(path: Path) -> None:
    """A DuckDB file with its WAL and its publish staging folder."""
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(f".{path.name}.tmp"), ignore_errors=True)

"""A per-file summary table of an ingest run, for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.ingest.loader import FileResult


def print_file_results(results: Sequence[FileResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ingest", show_lines=False)
    for header in ("system/object", "file", "status", "read", "loaded", "quarantined", "seconds"):
        table.add_column(header, justify="right" if header in {"read", "loaded"} else "left")
    for r in results:
        if r.status == "skipped":
            continue
        style = {
            "rejected": "red",
            "deferred": "yellow",
            "loaded": "green" if not r.rows_quarantined else "yellow",
        }
        table.add_row(
            f"{r.system}/{r.object}",
            r.path.rsplit("/", 1)[-1],
            f"[{style.get(r.status, '')}]{r.status}[/]",
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_quarantined:,}",
            f"{r.seconds:.2f}",
        )
    console = Console()
    if table.row_count:
        console.print(table)
    counts = {s: sum(r.status == s for r in results) for s in _STATUSES}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no files")
    for r in results:
        if r.status in _EXPLAINED:
            console.print(f"[{_EXPLAINED[r.status]}]{r.status}[/] {r.path}: {r.error}")


_STATUSES = ("loaded", "rejected", "duplicate", "deferred", "skipped")
_EXPLAINED = {"rejected": "red", "duplicate": "cyan", "deferred": "yellow"}

"""The generated default-shaped world loads through ingest with nothing quarantined or rejected."""

from __future__ import annotations

from pathlib import Path

from pipeline.generate import WorldSummary
from pipeline.ingest.loader import ingest_landing
from pipeline.warehouse import connect


def test_world_loads_with_zero_quarantined_rows(world: WorldSummary, tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        results = ingest_landing(con, world.out)
        assert {r.status for r in results} == {"loaded"}
        assert sum(r.rows_quarantined for r in results) == 0
        loaded = {f"{r.system}/{r.object}": 0 for r in results}
        for r in results:
            loaded[f"{r.system}/{r.object}"] += r.rows_loaded
    assert {k: v for k, v in loaded.items()} == world.counts

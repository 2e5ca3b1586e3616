"""Seeds: reference CSVs become tables seeds.<name>, typed as `_seeds.yml` declares."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.seeds import SeedError, load_seeds


def test_each_csv_becomes_a_table_with_declared_types(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "stage_map.csv").write_text("status,rank\nMQL,2\nSQL,3\n")
    (seeds / "_seeds.yml").write_text(
        "seeds:\n- name: stage_map\n  column_types: {status: VARCHAR, rank: VARCHAR}\n"
    )
    (seeds / "landing").mkdir()
    (seeds / "landing" / "ignored.csv").write_text("a\n1\n")
    assert load_seeds(warehouse, seeds) == ["seeds.stage_map"]
    assert warehouse.execute("select list(rank order by rank) from seeds.stage_map").fetchone() == (
        ["2", "3"],
    )


def test_a_broken_seed_names_its_file(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bad.csv").write_text("a,b\n1,2\n")
    (seeds / "_seeds.yml").write_text("seeds:\n- name: bad\n  column_types: {a: DATE}\n")
    with pytest.raises(SeedError, match=r"bad\.csv"):
        load_seeds(warehouse, seeds)

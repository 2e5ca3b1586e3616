"""Two incremental nights of the `nightly` job equal a full rebuild on the same files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.generate import generate_world

ROOT = Path(__file__).resolve().parents[2]
DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
SKIPPED_SCHEMAS = ("meta", "raw")  # load ids and loaded_at differ between warehouses
# Columns that differ between two warehouses loading the same files (load ids and load times).
PER_LOAD_COLUMNS = {"marts.mart_data_quality": ("load_id", "loaded_at")}


def _split(world: Path, night1: Path) -> list[str]:
    """Copy `world` into `night1` without the last day's files; returns the held-back paths."""
    files = sorted(p for p in world.rglob("*") if p.is_file())
    last = max(m.group(1) for p in files if (m := DATE.search(p.name)))
    held = []
    for path in files:
        relative = path.relative_to(world).as_posix()
        if last in path.name:
            held.append(relative)
            continue
        (night1 / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, night1 / relative)
    return sorted(held)


def _run(job_name: str, instance: dg.DagsterInstance) -> None:
    from pipeline.definitions import defs

    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    failed_checks = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert failed_checks == []


def _loaded_paths(warehouse: Path) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {row[0] for row in con.execute("select path from meta.load_log").fetchall()}


def _differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ (`except all` both ways): name -> (left-only, right-only)."""
    con = duckdb.connect()
    con.execute(f"attach '{left}' as l (read_only)")
    con.execute(f"attach '{right}' as r (read_only)")
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'r' order by all"
    ).fetchall()
    left_tables = set(
        con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'l'"
        ).fetchall()
    )
    diffs: dict[str, tuple[int, int]] = {}
    compared = 0
    for schema, table in tables:
        if schema in SKIPPED_SCHEMAS:
            continue
        name = f"{schema}.{table}"
        columns = (
            f"* exclude ({', '.join(PER_LOAD_COLUMNS[name])})" if name in PER_LOAD_COLUMNS else "*"
        )
        if (schema, table) not in left_tables:
            diffs[name] = (-1, -1)
            continue
        counts = []
        for a, b in (("l", "r"), ("r", "l")):
            row = con.execute(
                f"select count(*) from (select {columns} from {a}.{name} except all "
                f"select {columns} from {b}.{name})"
            ).fetchone()
            counts.append(int(row[0]) if row else 0)
        compared += 1
        if any(counts):
            diffs[name] = (counts[0], counts[1])
    con.close()
    assert compared > 20, f"only {compared} tables compared"
    return diffs


def test_two_incremental_nights_equal_a_full_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = tmp_path / "world"
    generate_world(world, people=200, days=5)
    landing = tmp_path / "landing"
    held = _split(world, landing)
    assert held, "the generator wrote no dated files"
    warehouse = tmp_path / "nightly.duckdb"
    monkeypatch.setenv("MOPS_LANDING_DIR", str(landing))
    monkeypatch.setenv("MOPS_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("MOPS_MARTS", str(tmp_path / "marts.duckdb"))

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")  # the real config
    with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
        _run("nightly", instance)  # night 1: everything but the last day
        first = _loaded_paths(warehouse)
        for relative in held:  # night 2: the last day's extracts arrive
            (landing / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(world / relative, landing / relative)
        _run("nightly", instance)
        second = _loaded_paths(warehouse)
        assert sorted(second - first) == held  # only the new files were loaded
        assert (tmp_path / "marts.duckdb").exists()  # every check passed: the marts published

        rebuilt = tmp_path / "rebuilt.duckdb"
        monkeypatch.setenv("MOPS_WAREHOUSE", str(rebuilt))
        monkeypatch.setenv("MOPS_MARTS", str(tmp_path / "rebuilt_marts.duckdb"))
        _run("full_refresh", instance)

    assert _differences(warehouse, rebuilt) == {}

"""The publisher: contents, comments, Parquet, rotation, rollback, refusals, stale leftovers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.engine import load_project
from pipeline.publish import TableDoc, paths_for, publish, read_published, rollback
from pipeline.publish.publisher import PublishError
from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse import connect
from tests.publish.marts import PUBLISHED, expected_counts, write_generation

DOCS = {
    "mart_kpis": TableDoc("KPIs by period.", {"value": "The KPI's value.", "gone": "x"}),
}


def scalar(sql: str) -> object:
    with duckdb.connect() as con:
        row = con.execute(sql).fetchone()
    return row[0] if row else None


def publish_gen(warehouse: Path, target: Path, gen: int, **kwargs: object) -> None:
    write_generation(warehouse, gen)
    with connect(warehouse) as con:
        publish(con, target, run_id=f"run-{gen}", names=PUBLISHED, docs=DOCS, **kwargs)  # type: ignore[arg-type]


def test_publish_writes_marts_comments_published_table_and_parquet(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "bi" / "marts.duckdb"
    publish_gen(warehouse, target, 1, as_of=dt.date(2026, 10, 31))
    with duckdb.connect(str(target), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert tables == {"mart_kpis", "mart_revenue", "kpi_definitions", "_published"}
        rows = con.execute(
            "select run_id, as_of, table_name, row_count from _published order by table_name"
        ).fetchall()
        assert rows == [
            ("run-1", dt.date(2026, 10, 31), name, count)
            for name, count in sorted(expected_counts(1).items())
        ]
        comments = dict(
            con.execute(
                "select column_name, comment from duckdb_columns() where table_name = 'mart_kpis'"
            ).fetchall()
        )
        assert comments["value"] == "The KPI's value."
        table_comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'mart_kpis'"
        ).fetchone()
        assert table_comment == ("KPIs by period.",)
    parquet = paths_for(target).parquet
    assert sorted(p.name for p in parquet.iterdir()) == [
        "_published.parquet", "kpi_definitions.parquet", "mart_kpis.parquet",
        "mart_revenue.parquet",
    ]  # fmt: skip
    assert scalar(f"select count(*) from '{parquet}/mart_kpis.parquet'") == 101


def test_each_publish_keeps_one_previous_generation_and_rollback_swaps(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    for gen in (1, 2, 3):
        publish_gen(warehouse, target, gen)
    paths = paths_for(target)
    assert read_published(target) == ("run-3", expected_counts(3))
    assert read_published(paths.previous) == ("run-2", expected_counts(2))
    assert len(list(paths.generations.iterdir())) == 2  # parquet: current + previous only

    env = {**os.environ, "MOPS_MARTS": str(target)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mops"), "rollback"], env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "run-2" in done.stdout
    assert read_published(target) == ("run-2", expected_counts(2))
    assert read_published(paths.previous) == ("run-3", expected_counts(3))
    assert scalar(f"select max(gen) from '{paths.parquet}/mart_kpis.parquet'") == 2
    assert rollback(target) == ("run-3", "run-2")


def test_rollback_without_a_previous_generation_says_what_to_do(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    publish_gen(warehouse, target, 1)
    with pytest.raises(PublishError, match="publish at least twice"):
        rollback(target)


def test_personal_data_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    publish_gen(warehouse, target, 1)
    before = target.read_bytes()
    with connect(warehouse) as con:
        con.execute(
            "create table marts.mart_leads as select 'a@b.com' as email, 'Ann' as first_name, "
            "0.1::double as invalid_email_rate, true as has_phone"
        )
        with pytest.raises(PublishError) as raised:
            publish(con, target, run_id="run-pii", names=[*PUBLISHED, "mart_leads"])
    assert "mart_leads.email" in str(raised.value)
    assert "mart_leads.first_name" in str(raised.value)
    assert "invalid_email_rate" not in str(raised.value)  # a rate is not personal data
    assert target.read_bytes() == before
    with connect(warehouse) as con:
        publish(con, target, run_id="run-allowed", names=[*PUBLISHED, "mart_leads"],
                allow_columns=["mart_leads.email", "mart_leads.first_name"])  # fmt: skip
    assert read_published(target) is not None


def test_stale_leftovers_of_a_killed_run_do_not_break_the_next(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    publish_gen(warehouse, target, 1)
    paths = paths_for(target)
    paths.staging.write_bytes(b"half a file")
    Path(f"{paths.staging}.wal").write_bytes(b"garbage")
    Path(f"{target}.wal").write_bytes(b"garbage")
    publish_gen(warehouse, target, 2)
    assert not paths.staging.exists()
    assert not Path(f"{target}.wal").exists()
    assert read_published(target) == ("run-2", expected_counts(2))


def test_published_marts_of_a_real_world_exclude_personal_facts(
    warehouse_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "marts.duckdb"
    project = load_project(PROJECT_ROOT / "models")
    with connect(warehouse_copy) as con:
        result = publish(con, target, run_id="real", names=project.published)
    published = read_published(target)
    assert published is not None
    assert "dim_person" not in published[1]
    assert set(published[1]) == set(project.published)
    assert result.as_of is not None

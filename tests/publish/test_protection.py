"""What mops writes is readable by its owner only (or the mode MOPS_FILE_MODE names), and the
published person keys cannot be computed from CRM ids."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.publish import paths_for, publish
from pipeline.publish.keys import SALT_FILE
from pipeline.settings import SettingsError
from pipeline.warehouse import connect


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """Start each test from the usual umask 022 (files 0644) and put the test's back after."""
    import os

    before = os.umask(0o022)
    yield
    os.umask(before)


def _warehouse_with_marts(path: Path, crm_id: str = "003000000000001AAA") -> None:
    with connect(path) as con:
        con.execute("create schema if not exists marts")
        person = f"md5('1|salesforce|Contact|{crm_id}')"
        con.execute(
            "create or replace table marts.mart_opportunity_attribution as "
            f"select '006A' as opportunity_id, {person} as person_id, "
            "'salesforce:00v1' as touch_id, 0.5 as credit "
            "union all select '006B', null, null, 1.0"
        )
        con.execute(
            f"create or replace table marts.mart_people_count as select {person} as "
            "primary_person_id, 3 as touches"
        )


def _publish(warehouse: Path, target: Path, run_id: str = "run-1") -> None:
    with connect(warehouse) as con:
        publish(
            con,
            target,
            run_id=run_id,
            names=["mart_opportunity_attribution", "mart_people_count"],
        )


def test_warehouse_marts_and_parquet_are_owner_only_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOPS_FILE_MODE", raising=False)
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "bi" / "marts.duckdb"
    _warehouse_with_marts(warehouse)
    _publish(warehouse, target)
    _publish(warehouse, target, "run-2")  # the second replaces the first atomically
    paths = paths_for(target)
    parquet_files = list(paths.parquet.resolve().iterdir())
    assert parquet_files
    modes = {_mode(p) for p in [warehouse, target, paths.previous, *parquet_files]}
    assert modes == {0o600}
    assert _mode(paths.parquet.resolve()) == 0o700
    assert _mode(tmp_path / SALT_FILE) == 0o600


def test_a_warehouse_made_with_a_wider_mode_is_tightened_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOPS_FILE_MODE", raising=False)
    warehouse = tmp_path / "wh.duckdb"
    duckdb.connect(str(warehouse)).close()
    assert _mode(warehouse) == 0o644
    connect(warehouse).close()
    assert _mode(warehouse) == 0o600


def test_the_wal_and_spill_folder_are_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOPS_FILE_MODE", raising=False)
    warehouse = tmp_path / "wh.duckdb"
    con = connect(warehouse)
    con.execute("set checkpoint_threshold = '1TB'")
    con.execute("create table t as select range as x from range(1000)")
    wal = tmp_path / "wh.duckdb.wal"
    assert wal.exists() and _mode(wal) == 0o600
    con.close()
    spill = tmp_path / ".wh.duckdb.tmp"
    assert not spill.exists() or _mode(spill) == 0o700


def test_a_group_mode_lets_the_bi_group_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOPS_FILE_MODE", "0640")
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "bi" / "marts.duckdb"
    _warehouse_with_marts(warehouse)
    _publish(warehouse, target)
    assert {_mode(warehouse), _mode(target)} == {0o640}
    assert _mode(paths_for(target).parquet.resolve()) == 0o750
    assert _mode(tmp_path / SALT_FILE) == 0o600  # the salt stays the owner's secret


def test_a_file_mode_the_owner_cannot_write_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.settings import Settings

    monkeypatch.setenv("MOPS_FILE_MODE", "0444")
    with pytest.raises(SettingsError, match="MOPS_FILE_MODE='0444' is not an octal file mode"):
        Settings.from_env()


def _published(target: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(target), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_published_person_keys_are_salted_and_the_same_across_marts_and_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOPS_PERSON_KEY_SALT", raising=False)
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "bi" / "marts.duckdb"
    _warehouse_with_marts(warehouse)
    _publish(warehouse, target)
    salt = (tmp_path / SALT_FILE).read_text().strip()
    unsalted = hashlib.md5(b"1|salesforce|Contact|003000000000001AAA").hexdigest()
    expected = hashlib.sha256((salt + unsalted).encode()).hexdigest()
    touch = hashlib.sha256((salt + "salesforce:00v1").encode()).hexdigest()
    first = _published(
        target,
        "select opportunity_id, person_id, touch_id from mart_opportunity_attribution "
        "order by opportunity_id",
    )
    assert first == [("006A", expected, touch), ("006B", None, None)]
    assert _published(target, "select primary_person_id from mart_people_count") == [(expected,)]
    _publish(warehouse, target, "run-2")
    assert _published(target, "select max(person_id) from mart_opportunity_attribution") == [
        (expected,)
    ]


def test_the_salt_from_the_environment_wins_and_no_salt_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOPS_PERSON_KEY_SALT", "s3cret")
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "bi" / "marts.duckdb"
    _warehouse_with_marts(warehouse)
    _publish(warehouse, target)
    unsalted = hashlib.md5(b"1|salesforce|Contact|003000000000001AAA").hexdigest()
    expected = hashlib.sha256(("s3cret" + unsalted).encode()).hexdigest()
    assert _published(target, "select primary_person_id from mart_people_count") == [(expected,)]
    assert not (tmp_path / SALT_FILE).exists()

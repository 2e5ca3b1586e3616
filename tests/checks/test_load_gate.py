"""The load gate: quarantined rows in the files a run loaded block publishing, file by file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from checks.config import GateConfig, load_config
from checks.gate import LoadOutcome, run_load_gate
from checks.loads import LOAD_CHECKS, SHARE, WHOLLY
from pipeline.ingest.loader import ingest_landing
from tests.conftest import LandingWriter

HEADER = "Id,Name,CloseDate,Amount\n"
GOOD = "006000000000001AAA,Acme,2026-02-20,100.00\n"
BAD_AMOUNT = "006000000000002AAA,Globex,2026-02-21,lots\n"


def _rows(count: int, start: int = 1) -> str:
    ids = range(start, start + count)
    return "".join(f"006{n:012d}AAA,Deal {n},2026-02-20,10.00\n" for n in ids)


def _failures(con: duckdb.DuckDBPyConnection) -> dict[str, LoadOutcome]:
    gate = run_load_gate(con, LOAD_CHECKS, load_config())
    return {f"{o.check.relation}:{o.check.name}": o for o in gate.outcomes if not o.passed}


def _statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("select path, status from meta.load_log").fetchall()
    return {str(path): str(status) for path, status in rows}


def test_load_log_says_loaded_partial_or_rejected(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/clean.csv", HEADER + GOOD)
    deliver("salesforce/Opportunity/some_bad.csv", HEADER + _rows(2, 10) + BAD_AMOUNT)
    deliver("salesforce/Opportunity/no_id.csv", "Name,Amount\nAcme,1\n")
    ingest_landing(warehouse, landing)
    assert _statuses(warehouse) == {
        "salesforce/Opportunity/clean.csv": "loaded",
        "salesforce/Opportunity/some_bad.csv": "partial",
        "salesforce/Opportunity/no_id.csv": "rejected",
    }


def test_a_partial_file_is_not_loaded_again(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/some_bad.csv", HEADER + GOOD + BAD_AMOUNT)
    ingest_landing(warehouse, landing)
    again = ingest_landing(warehouse, landing)
    assert [r.status for r in again] == ["skipped"]


def test_a_wholly_quarantined_file_blocks_and_is_named_with_its_reasons(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/good.csv", HEADER + _rows(300))
    deliver("salesforce/Opportunity/garbage.csv", HEADER + BAD_AMOUNT)
    ingest_landing(warehouse, landing)
    failed = _failures(warehouse)
    wholly = failed.pop(f"raw.salesforce__opportunity:{WHOLLY}")
    assert failed == {}  # 1 of 301 rows quarantined is under the 1% share
    assert wholly.blocks
    assert wholly.offending_files == [
        "salesforce/Opportunity/garbage.csv: 1 of 1 rows quarantined "
        "(amount: cannot read as decimal (1))"
    ]
    assert "salesforce/Opportunity/garbage.csv" in wholly.summary()


def test_a_share_over_the_threshold_names_every_file_with_quarantined_rows(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/a.csv", HEADER + _rows(49) + BAD_AMOUNT)
    deliver("salesforce/Opportunity/b.csv", HEADER + _rows(49, 100) + BAD_AMOUNT)
    deliver("salesforce/Opportunity/c.csv", HEADER + _rows(50, 200))
    ingest_landing(warehouse, landing)
    failed = _failures(warehouse)  # 2 of 150 rows = 1.3% > 1%
    share = failed.pop(f"raw.salesforce__opportunity:{SHARE}")
    assert failed == {}
    assert [line.split(":")[0] for line in share.offending_files] == [
        "salesforce/Opportunity/a.csv",
        "salesforce/Opportunity/b.csv",
    ]


def test_a_share_at_the_threshold_passes(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/a.csv", HEADER + _rows(99) + BAD_AMOUNT)
    ingest_landing(warehouse, landing)
    assert _failures(warehouse) == {}  # 1 of 100 rows = 1%


def _allowing_ten_percent() -> GateConfig:
    config = load_config()
    config.checks[f"raw.salesforce__opportunity:{SHARE}"] = {"max_quarantined_share": 0.1}
    return config


def test_the_threshold_is_set_per_object_in_the_config(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/a.csv", HEADER + _rows(9) + BAD_AMOUNT)
    ingest_landing(warehouse, landing)
    gate = run_load_gate(warehouse, LOAD_CHECKS, _allowing_ten_percent())
    assert gate.passed  # 1 of 10 rows = 10%, allowed for this object


def test_only_loads_since_the_last_passing_gate_are_judged(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/night1.csv", HEADER + _rows(9) + BAD_AMOUNT)
    ingest_landing(warehouse, landing)
    assert run_load_gate(warehouse, LOAD_CHECKS, _allowing_ten_percent()).passed  # night 1: 10%
    deliver("salesforce/Opportunity/night2.csv", HEADER + _rows(10, 100))
    ingest_landing(warehouse, landing)
    assert _failures(warehouse) == {}  # night 2 alone: 0 of 10 rows


def test_a_blocked_load_stays_in_scope_until_a_gate_passes(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/night1.csv", HEADER + BAD_AMOUNT)
    ingest_landing(warehouse, landing)
    assert list(_failures(warehouse)) == [
        f"raw.salesforce__opportunity:{SHARE}",
        f"raw.salesforce__opportunity:{WHOLLY}",
    ]
    deliver("salesforce/Opportunity/night2.csv", HEADER + _rows(10))
    ingest_landing(warehouse, landing)
    wholly = _failures(warehouse)[f"raw.salesforce__opportunity:{WHOLLY}"]
    assert [line.split(":")[0] for line in wholly.offending_files] == [
        "salesforce/Opportunity/night1.csv"
    ]


def test_the_config_refuses_a_data_test_s_settings(tmp_path: Path) -> None:
    import pytest

    from checks.config import GateConfigError

    config = tmp_path / "config.yml"
    config.write_text("checks:\n  marts.dim_person:email_syntax: {severity: warn}\n")
    with pytest.raises(GateConfigError, match="model YAML"):
        load_config(config)

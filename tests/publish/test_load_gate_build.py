"""`mops build` end to end: a night that delivers a wholly quarantined file exits non-zero, names
the file and its reason, and leaves the published marts byte-for-byte as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

REPORT_ZONE = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce_report"
GARBAGE = (
    "Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate\n"
    "006000000000009AAA,001000000000001AAA,Acme add-on,Closed Won,a lot,02/27/26,TRUE,TRUE,"
    "02/14/26 10:00 AM\n"
)


def test_a_wholly_quarantined_file_stops_the_build_and_keeps_the_marts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(REPORT_ZONE, landing)
    marts = tmp_path / "marts.duckdb"
    monkeypatch.setenv("MOPS_LANDING_DIR", str(landing))
    monkeypatch.setenv("MOPS_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("MOPS_MARTS", str(marts))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    runner = CliRunner()
    first = runner.invoke(app, ["build"])
    assert first.exit_code == 0, first.output
    published = marts.read_bytes()

    bad = landing / "salesforce" / "Opportunity" / "report_opportunity_0227.csv"
    bad.write_text(GARBAGE, encoding="utf-8")
    second = runner.invoke(app, ["build"], terminal_width=200)

    assert second.exit_code == 1
    assert marts.read_bytes() == published
    assert "raw/salesforce/Opportunity:no_file_wholly_quarantined" in second.output
    assert (
        "salesforce/Opportunity/report_opportunity_0227.csv: 1 of 1 rows quarantined "
        "(amount: cannot read as decimal (1))" in second.output
    )
    assert "not published this run" in second.output
    assert "staging/stg_salesforce__opportunity" not in second.output  # the models did not run

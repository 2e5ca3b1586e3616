"""`mops report` and the Dagster asset `report/month` on the hand-made marts file."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.defs.report import report_asset
from pipeline.defs.resources import WarehouseResource
from tests.report.marts_world import build_marts


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    marts = build_marts(tmp_path / "marts.duckdb")
    monkeypatch.setenv("MOPS_MARTS", str(marts))
    monkeypatch.setenv("MOPS_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))  # its build lock
    monkeypatch.delenv("MOPS_REPORTS_DIR", raising=False)
    monkeypatch.setenv("MOPS_REPORT_PDF", "0")
    return tmp_path


def test_mops_report_writes_beside_the_marts_by_default_and_says_where(env: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--grain", "month"])
    assert result.exit_code == 0, result.output
    assert (env / "reports" / "month" / "2026-10.html").exists()
    assert f"report: {env / 'reports' / 'month' / '2026-10.html'}" in result.output
    bad = CliRunner().invoke(app, ["report", "--grain", "year"])
    assert bad.exit_code == 1 and "grain 'year' is not one of week, month, quarter" in bad.output


def test_the_report_asset_links_its_file(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOPS_REPORTS_DIR", str(env / "out"))
    result = dg.materialize(
        [report_asset("month")], resources={"warehouse": WarehouseResource()}, raise_on_error=True
    )
    [materialization] = result.asset_materializations_for_node("report__month")
    metadata = materialization.metadata
    html = env / "out" / "month" / "2026-10.html"
    assert metadata["path"].value == str(html) and html.exists()
    assert metadata["url"].value == html.resolve().as_uri()
    assert metadata["period"].value == "2026-10" and metadata["signals"].value == 3

"""The report of the small generated world (tests/checks/world.py), published as `mops build`
publishes it: every section present, every figure of the summary equal to the mart value it
cites, the charts as inline SVG. Marked slow: `pytest -m slow tests/report`."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipeline.report import build_report
from tests.marts.published import publish_world
from tests.report.test_report import SECTIONS, Page


@pytest.mark.slow  # publishing the world takes about 5 s, the world itself 10 s if not built yet
def test_the_generated_worlds_report_cites_the_marts(
    small_world: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("report_world")
    marts = publish_world(small_world, root)
    result = build_report(marts, root / "reports", "month", pdf=False)
    html = result.html.read_text(encoding="utf-8")
    page = Page(html)
    assert page.sections == SECTIONS
    # ten days of data: October is not covered, so the summary says so instead of judging it
    assert re.match(r"None of the \d+ primary KPIs has a value covered", page.sentences[0])
    assert 1 <= len(page.sentences) <= 5
    assert html.count("<svg") >= 10 and result.bytes < 2_000_000
    con = duckdb.connect(str(marts), read_only=True)
    fields = {"attainment": "value / target", "attainment_to_date": "value / target_to_date"}
    for fig in page.figures:
        if fig["data-kpi"] in ("primary", "signals"):
            continue
        [(expected,)] = con.execute(
            f"select {fields.get(fig['data-field'], fig['data-field'])} from mart_kpis "
            "where kpi = ? and grain = 'month' and period_start = ? and segment_type = 'total'",
            [fig["data-kpi"], result.period.start],
        ).fetchall()
        assert float(fig["value"]) == pytest.approx(expected), fig

"""The bundled sample (seeds/landing, what `make demo` builds) shows the product working: paid
channels with spend and a return, campaigns with cost, revenue mostly attributed, no period before
the data starts, and an October report that judges the primary KPIs from the marts' own figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.generate.sample import SAMPLE_DIR
from tests.report.test_report import SECTIONS, Page

FIRST_DATA_DAY = dt.date(2025, 9, 27)  # the first extract day of the sample (seeds/README.md)
PERIOD_MARTS = ("mart_kpis", "mart_channel_performance", "mart_campaign_performance",
                "mart_funnel_cohorts", "mart_revenue", "mart_retention")  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mops build` of the committed sample, as `make demo` runs it; the folder it wrote into."""
    root = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MOPS_LANDING_DIR", str(SAMPLE_DIR))
        env.setenv("MOPS_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("MOPS_MARTS", str(root / "marts.duckdb"))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def marts(built: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(built / "marts.duckdb"), read_only=True) as con:
        yield con


def channel_totals(marts: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, int, float]]:
    """channel -> (spend, new leads, attributed revenue) over the sample's months."""
    rows = marts.execute(
        "select channel, coalesce(sum(spend), 0), sum(new_leads), sum(attributed_revenue) "
        "from mart_channel_performance where grain = 'month' group by channel"
    ).fetchall()
    return {str(c): (float(s), int(n), float(r)) for c, s, n, r in rows}


def test_paid_channels_have_spend_leads_and_a_return(marts: duckdb.DuckDBPyConnection) -> None:
    totals = channel_totals(marts)
    for channel in ("paid_search", "paid_social"):
        spend, leads, revenue = totals[channel]
        assert spend > 0 and leads > 0 and revenue > 0, channel


def test_every_inbound_marketing_channel_brings_leads(marts: duckdb.DuckDBPyConnection) -> None:
    inbound = {c: n for c, (_, n, _) in channel_totals(marts).items()
               if c not in ("outbound", "unattributed")}  # fmt: skip
    assert len(inbound) >= 8 and min(inbound.values()) > 0, inbound


def test_most_revenue_is_attributed(marts: duckdb.DuckDBPyConnection) -> None:
    totals = channel_totals(marts)
    revenue = sum(r for _, _, r in totals.values())
    assert revenue > 0 and totals["unattributed"][2] / revenue < 0.30


def test_most_campaign_rows_carry_cost(marts: duckdb.DuckDBPyConnection) -> None:
    [(rows, with_cost)] = marts.execute(
        "select count(*), count(*) filter (where marketing_cost > 0) from mart_campaign_performance"
    ).fetchall()
    assert rows > 0 and with_cost / rows > 0.9


@pytest.mark.parametrize("table", PERIOD_MARTS)
def test_no_period_ends_before_the_first_data_day(
    marts: duckdb.DuckDBPyConnection, table: str
) -> None:
    start = "cohort_start" if table == "mart_funnel_cohorts" else "period_start"
    [(rows, before)] = marts.execute(
        f"""
        select count(*), count(*) filter (where case grain
            when 'week' then {start} + interval 7 day
            when 'month' then {start} + interval 1 month
            else {start} + interval 3 month end <= ?)
        from {table}
        """,
        [FIRST_DATA_DAY],
    ).fetchall()
    assert rows > 0 and before == 0


def test_the_october_report_judges_primary_kpis_with_the_marts_figures(
    built: Path, marts: duckdb.DuckDBPyConnection
) -> None:
    page = Page((built / "reports" / "month" / "2026-10.html").read_text(encoding="utf-8"))
    assert page.sections == SECTIONS
    assert 3 <= len(page.sentences) <= 5
    fields = {"attainment": "value / target", "attainment_to_date": "value / target_to_date"}
    cited = 0
    for fig in page.figures:
        if fig["data-kpi"] in ("primary", "signals") or "value" not in fig:
            continue
        [(expected,)] = marts.execute(
            f"select {fields.get(fig['data-field'], fig['data-field'])} from mart_kpis "
            "where kpi = ? and grain = 'month' and period_start = date '2026-10-01' "
            "and segment_type = 'total'",
            [fig["data-kpi"]],
        ).fetchall()
        assert float(fig["value"]) == pytest.approx(expected), fig
        cited += 1
    assert cited >= 3

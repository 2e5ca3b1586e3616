"""A CRM-only team: a landing zone of Salesforce report exports (no Marketo, no ads, no FX) builds
end to end with `mops build` and publishes marts whose figures are worked out by hand.

The report zone (tests/fixtures/salesforce_report) is written as Salesforce's Reports -> Export
writes it: `MM/DD/YY` dates, `MM/DD/YY hh:mm AM` created times, `TRUE`/`FALSE`, no `IsDeleted`
or `SystemModstamp`, extra columns (owners, fiscal period). Its four opportunities:

    deal              amount  stage         close     created
    Acme renewal      12,000  Closed Won    02/20/26  01/21/26
    Globex pilot       8,000  Closed Lost   02/25/26  01/22/26
    Acme expansion     5,000  Closed Won    03/16/26  01/26/26
    Globex rollout     3,000  Negotiation   04/30/26  02/13/26

Q1 2026: 4 opportunities created (28,000 pipeline), 2 won (17,000 revenue), 1 lost: win rate
2 / (2 + 1) = 2/3 (count-based). The reporting date is the latest close of a closed deal,
2026-03-16 (an open deal's close date is a plan).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

REPORT_ZONE = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce_report"
Q1_TOTAL = "grain = 'quarter' and period_start = date '2026-01-01' and segment_type = 'total'"


def build_zone(root: Path, replace: dict[str, str] | None = None) -> tuple[int, str, Path]:
    """Copy the report zone into `root/landing` (replacing files in `replace`), run `mops build`;
    returns the exit code, the console output and the published marts file."""
    landing = root / "landing"
    shutil.copytree(REPORT_ZONE, landing)
    for relative, text in (replace or {}).items():
        (landing / relative).write_text(text, encoding="utf-8")
    marts = root / "marts.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOPS_LANDING_DIR", str(landing))
        patch.setenv("MOPS_WAREHOUSE", str(root / "warehouse.duckdb"))
        patch.setenv("MOPS_MARTS", str(marts))
        patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        result = CliRunner().invoke(app, ["build"], terminal_width=200)
    return result.exit_code, result.output, marts


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    code, output, path = build_zone(tmp_path_factory.mktemp("crm_only"))
    assert code == 0, output
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def q1(con: duckdb.DuckDBPyConnection, kpi: str) -> float | None:
    row = con.execute(f"select value from mart_kpis where kpi = ? and {Q1_TOTAL}", [kpi]).fetchone()
    assert row is not None, f"no Q1 total row for {kpi}"
    return None if row[0] is None else float(row[0])


def test_opportunities_revenue_and_win_rate_match_the_exports(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    assert q1(marts, "opportunities_created") == 4
    assert q1(marts, "pipeline_created") == 28_000
    assert q1(marts, "deals_won") == 2
    assert q1(marts, "revenue_won") == 17_000
    assert q1(marts, "win_rate") == pytest.approx(2 / 3)


def test_cost_kpis_are_null_without_ad_spend(marts: duckdb.DuckDBPyConnection) -> None:
    for kpi in ("cpl", "cac", "roas", "romi"):
        assert q1(marts, kpi) is None, kpi
    [(spend,)] = marts.execute("select count(spend) from mart_channel_performance").fetchall()
    assert spend == 0  # no channel has a spend value, not even 0


def test_no_mql_rows_as_no_mql_status_is_recorded_ann_is_a_sales_generated_sql(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # Ann's lead was converted on 01/20/26 from no MQL status: an SQL sales generated; with no
    # MQL entry at all, mqls and cost_per_mql have no value anywhere
    assert q1(marts, "sqls") == 1
    assert q1(marts, "sales_generated_sqls") == 1
    [(mql_values,)] = marts.execute(
        "select count(value) from mart_kpis where kpi in ('mqls', 'cost_per_mql')"
    ).fetchall()
    assert mql_values == 0


def test_marketo_kpis_are_not_zero_without_marketo(marts: duckdb.DuckDBPyConnection) -> None:
    [(valued,)] = marts.execute(
        "select count(value) from mart_kpis "
        "where kpi in ('email_open_rate', 'email_click_rate', 'ctr', 'cpc')"
    ).fetchall()
    assert valued == 0


def test_published_records_as_of_and_the_sources_that_had_data(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    rows = marts.execute(
        "select distinct as_of, source_systems, source_objects from _published"
    ).fetchall()
    assert rows == [
        (
            dt.date(2026, 3, 16),
            ["salesforce"],
            [
                "salesforce/Account",
                "salesforce/Contact",
                "salesforce/Lead",
                "salesforce/Opportunity",
            ],
        )
    ]


# The same deals as a report exports them with dates whose day is 12 or less (`02/03/26` is
# 3 February, never year 2) and a date-only CreatedDate (`01/05/26`, midnight).
AMBIGUOUS_OPPORTUNITIES = (
    "Id,AccountId,Name,StageName,Amount,Probability,CloseDate,IsClosed,IsWon,CreatedDate,"
    "Opportunity Owner,Fiscal Period\n"
    "006000000000001AAA,001000000000001AAA,Acme renewal,Closed Won,12000.00,100,02/03/26,"
    "TRUE,TRUE,01/05/26,Dana Wu,Q1-2026\n"
    "006000000000002AAA,001000000000002AAA,Globex pilot,Closed Lost,8000.00,0,02/10/26,"
    "TRUE,FALSE,01/06/26,Dana Wu,Q1-2026\n"
    "006000000000003AAA,001000000000001AAA,Acme expansion,Closed Won,5000.00,100,03/09/26,"
    "TRUE,TRUE,01/07/26,Dana Wu,Q1-2026\n"
    "006000000000004AAA,001000000000002AAA,Globex rollout,Negotiation,3000.00,60,04/06/26,"
    "FALSE,FALSE,02/02/26,Dana Wu,Q2-2026\n"
)


def test_ambiguous_report_dates_and_date_only_created_dates_build_the_same_figures(
    tmp_path: Path,
) -> None:
    code, output, path = build_zone(
        tmp_path, {"salesforce/Opportunity/report_opportunity.csv": AMBIGUOUS_OPPORTUNITIES}
    )
    assert code == 0, output
    with duckdb.connect(str(path), read_only=True) as con:
        assert q1(con, "opportunities_created") == 4
        assert q1(con, "revenue_won") == 17_000
        assert q1(con, "win_rate") == pytest.approx(2 / 3)
        [(as_of,)] = con.execute("select distinct as_of from _published").fetchall()
    assert as_of == dt.date(2026, 3, 9)

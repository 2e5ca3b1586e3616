"""The wide marts agree with mart_kpis exactly, and carry what mart_kpis does not (every
attribution model, campaigns, per-load data quality). World: tests/marts/kpi_world.py."""

from __future__ import annotations

import duckdb
import pytest

from tests.funnel.touch_world import build, rows
from tests.marts.kpi_world import CMP1, KPI_MODELS, WORLD

MODELS = ["first_touch", "last_touch", "linear", "position_based", "time_decay"]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("wide"), WORLD, KPI_MODELS)


def disagreements(
    con: duckdb.DuckDBPyConnection, mart: str, keys: dict[str, str], pairs: dict[str, str]
) -> list[tuple[object, ...]]:
    """Rows of `mart` whose column differs from mart_kpis (value, numerator or denominator
    of a kpi, cast to the mart column's published type: counts BIGINT, money to the cent), or
    that mart_kpis has and the mart lacks. keys: mart column -> kpi column; pairs: mart column
    -> 'kpi.field'."""
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ?",
            [mart],
        ).fetchall()
    )
    failures: list[tuple[object, ...]] = []
    on = " and ".join(f"m.{col} = k.{kcol}" for col, kcol in keys.items())
    if "segment_type" in keys:
        segments = f"select distinct segment_type from marts.{mart}"
    else:
        segments = "select 'channel'"
    for column, source in pairs.items():
        name, field = source.split(".")
        failures += con.execute(
            f"select '{column}', k.* from marts.mart_kpis as k "
            f"left join marts.{mart} as m on {on} "
            f"where k.kpi = '{name}' and k.segment_type in ({segments}) "
            f"and m.{column} is distinct from cast(k.{field} as {types[column]})"
        ).fetchall()
    return failures


def test_channel_performance_agrees_with_mart_kpis(con: duckdb.DuckDBPyConnection) -> None:
    kpis = [
        "spend", "impressions", "clicks", "new_leads", "mqls", "sqls", "opportunities_created",
        "pipeline_created", "deals_won", "revenue_won", "new_customers", "attributed_revenue",
        "cpl", "cost_per_mql", "cost_per_opportunity", "cac", "roas", "romi",
    ]  # fmt: skip
    keys = {"grain": "grain", "period_start": "period_start", "channel": "segment_value"}
    pairs = {k: f"{k}.value" for k in kpis}
    failures = disagreements(con, "mart_channel_performance", keys, pairs)
    assert failures == []


def test_channel_performance_has_every_attribution_model(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # O8 3000 (May 2024) has one touch: every model credits paid_search with all of it; the
    # configured model (position_based) is the attributed_revenue column
    may = rows(
        con,
        "select * from marts.mart_channel_performance where grain = 'month' "
        "and period_start = '2024-05-01' and channel = 'paid_search'",
    )[0]
    assert [may[f"attributed_revenue_{m}"] for m in MODELS] == [3000] * 5
    assert may["attributed_revenue"] == may["attributed_revenue_position_based"]


def test_funnel_cohorts_agree_with_mart_kpis(con: duckdb.DuckDBPyConnection) -> None:
    keys = {
        "grain": "grain", "cohort_start": "period_start", "segment_type": "segment_type",
        "channel": "segment_value",
    }  # fmt: skip
    pairs = {
        "leads": "lead_to_mql_rate.denominator",
        "leads_reached_mql": "lead_to_mql_rate.numerator",
        "lead_to_mql_rate": "lead_to_mql_rate.value",
        "mql_to_sql_rate": "mql_to_sql_rate.value",
        "sql_to_opportunity_rate": "sql_to_opportunity_rate.value",
        "opportunity_win_rate": "opportunity_win_rate.value",
        "new_business_opportunities": "opportunity_win_rate.denominator",
        "lead_to_mql_days": "lead_to_mql_days.value",
        "mql_to_sql_days": "mql_to_sql_days.value",
        "sql_to_opportunity_days": "sql_to_opportunity_days.value",
        "opportunity_to_won_days": "opportunity_to_won_days.value",
        "is_mature": "lead_to_mql_rate.is_mature",
    }
    assert disagreements(con, "mart_funnel_cohorts", keys, pairs) == []


def test_revenue_and_retention_agree_with_mart_kpis(con: duckdb.DuckDBPyConnection) -> None:
    keys = {
        "grain": "grain", "period_start": "period_start", "segment_type": "segment_type",
        "segment_value": "segment_value",
    }  # fmt: skip
    revenue = {
        k: f"{k}.value"
        for k in [
            "opportunities_created", "pipeline_created", "marketing_influenced_pipeline",
            "deals_won", "revenue_won", "attributed_revenue", "new_customers",
            "sales_cycle_days", "expansion_revenue", "marketing_sourced_revenue_share",
            "win_rate", "avg_deal_size", "pipeline_velocity",
        ]
    }  # fmt: skip
    revenue["deals_closed"] = "win_rate.denominator"
    assert disagreements(con, "mart_revenue", keys, revenue) == []
    retention = {
        "arr": "arr.value", "nrr": "nrr.value", "grr": "grr.value",
        "starting_arr": "nrr.denominator", "retained_arr": "grr.numerator",
        "logo_churn_rate": "logo_churn_rate.value",
        "starting_accounts": "logo_churn_rate.denominator",
        "churned_accounts": "logo_churn_rate.numerator",
    }  # fmt: skip
    assert disagreements(con, "mart_retention", keys, retention) == []


def test_opportunity_attribution_of_new_business_sums_to_attributed_revenue(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # per (month, credited channel), the kpi model's revenue_amount is mart_kpis' value
    failures = con.execute(
        """
        with detail as (
            select date_trunc('month', revenue_date)::date as period_start, channel,
                sum(revenue_amount) as revenue
            from marts.mart_opportunity_attribution
            where is_kpi_model and revenue_date is not null and type_group = 'new_business'
            group by all
        )
        select * from detail
        left join marts.mart_kpis as k
            on k.kpi = 'attributed_revenue' and k.grain = 'month'
            and k.segment_type = 'channel' and k.segment_value = detail.channel
            and k.period_start = detail.period_start
        where k.value is distinct from detail.revenue
        """
    ).fetchall()
    assert failures == []
    # O1 1200: two touches, 600 each under position_based
    o1 = rows(
        con,
        "select revenue_amount from marts.mart_opportunity_attribution "
        "where opportunity_id = '006000000000001AAA' and model = 'position_based'",
    )
    assert [r["revenue_amount"] for r in o1] == [600, 600]


def test_campaign_performance(con: duckdb.DuckDBPyConnection) -> None:
    # CMP1: P1's first touch (Jan 2023) and the Google campaign named after it (May 2024:
    # 100 EUR = 120 USD). Jan 2023: 1 lead, 1 mql, O1 (1200) sourced, A1 a new customer,
    # 600 of O1 credited to CMP1's response under position_based (the visit has no
    # campaign), spend 0 (the campaign has ad spend, not that month): cpl 0, roas NULL.
    jan = rows(
        con,
        "select * from marts.mart_campaign_performance where grain = 'month' "
        f"and campaign_id = '{CMP1}' and period_start = '2023-01-01'",
    )[0]
    assert (jan["new_leads"], jan["mqls"], jan["opportunities_created"]) == (1, 1, 1)
    assert (jan["pipeline_created"], jan["new_customers"]) == (1200, 1)
    assert (jan["attributed_revenue"], jan["attributed_revenue_first_touch"]) == (600, 1200)
    assert (jan["spend"], jan["cpl"], jan["roas"]) == (0, 0, None)
    may = rows(
        con,
        "select spend, cpl from marts.mart_campaign_performance where grain = 'month' "
        f"and campaign_id = '{CMP1}' and period_start = '2024-05-01'",
    )
    assert may == [{"spend": 120, "cpl": None}]


def test_data_quality_per_load(con: duckdb.DuckDBPyConnection) -> None:
    # leads_2.csv re-delivers lead 6: one duplicate row; ad platforms have no record key
    loads = {
        r["path"]: r
        for r in rows(
            con,
            "select path, rows_read, rows_loaded, quarantine_rows, redelivered_rows "
            "from marts.mart_data_quality",
        )
    }
    assert loads["marketo/leads/leads_1.csv"]["redelivered_rows"] == 0
    assert loads["marketo/leads/leads_2.csv"] == {
        "path": "marketo/leads/leads_2.csv", "rows_read": 1, "rows_loaded": 1,
        "quarantine_rows": 0, "redelivered_rows": 1,
    }  # fmt: skip
    assert loads["meta_ads/insights/insights_2024-06-28.json"]["redelivered_rows"] is None

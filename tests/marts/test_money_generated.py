"""The money KPIs add up on a generated world (pipeline/generate): channels sum to the total,
the total ROMI, ROAS and CAC are the marketing channels' numerators over their denominators, and
the generator's ad campaign names link at least 85 % of ad spend to a Salesforce campaign."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import connect
from tests.checks.world import build_small_world

ADDITIVE = [
    "ad_spend", "program_cost", "other_cost", "marketing_cost", "pipeline_created",
    "revenue_won", "bookings", "attributed_revenue", "attributed_revenue_by_touch",
    "marketing_sourced_pipeline", "opportunities_created", "deals_won", "new_customers",
]  # fmt: skip


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root: Path = tmp_path_factory.mktemp("generated")
    return connect(build_small_world(root, people=600, days=120))


def test_channels_of_every_additive_money_kpi_sum_to_the_total(
    con: duckdb.DuckDBPyConnection,
) -> None:
    checked = con.execute(
        """
        select kpi, grain, period_start,
            sum(value) filter (where segment_type = 'channel') as channels,
            max(value) filter (where segment_type = 'total') as total
        from marts.mart_kpis
        where kpi in ?
        group by all
        """,
        [ADDITIVE],
    ).fetchall()
    assert {row[0] for row in checked} == set(ADDITIVE)
    wrong = [row for row in checked if abs((row[3] or 0) - (row[4] or 0)) > 0.005]
    assert wrong == []


@pytest.mark.parametrize("kpi", ["romi", "roas", "cac", "cpl", "romi_by_touch"])
def test_the_totals_numerator_and_denominator_are_the_marketing_channels_sums(
    con: duckdb.DuckDBPyConnection, kpi: str
) -> None:
    wrong = con.execute(
        """
        with channel_rows as (
            select kpis.*, roles.role
            from marts.mart_kpis as kpis
            left join seeds.channel_roles as roles on roles.channel = kpis.segment_value
            where kpis.kpi = ? and kpis.segment_type = 'channel'
        ),
        summed as (
            select grain, period_start, sum(numerator) as numerator,
                sum(denominator) as denominator, bool_and(role = 'marketing') as marketing_only
            from channel_rows group by all
        )
        select summed.*, total.numerator, total.denominator
        from summed
        inner join marts.mart_kpis as total
            on total.kpi = ? and total.segment_type = 'total' and total.grain = summed.grain
            and total.period_start = summed.period_start
        where not summed.marketing_only
            or abs(coalesce(summed.numerator, 0) - coalesce(total.numerator, 0)) > 0.005
            or abs(coalesce(summed.denominator, 0) - coalesce(total.denominator, 0)) > 0.005
        """,
        [kpi, kpi],
    ).fetchall()
    assert wrong == []


def test_at_least_85_percent_of_ad_spend_links_to_a_crm_campaign(
    con: duckdb.DuckDBPyConnection,
) -> None:
    [(spend, linked, share)] = con.execute(
        "select spend, linked_spend, unlinked_spend_share from marts.mart_ad_spend_links "
        "where platform = 'total'"
    ).fetchall()
    assert spend > 0
    assert linked / spend >= 0.85
    assert 0 < share < 0.15  # the generator also names some ad campaigns nothing links

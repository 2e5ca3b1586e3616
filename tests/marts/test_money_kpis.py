"""The money KPIs of issue 19 on the hand-made world of tests/marts/money_world.py: every number
worked out by hand in its docstring. as_of = 2024-09-30, USD, position_based attribution."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import rows
from tests.marts.money_world import K, build_money_world

MAY = "2024-05-01"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build_money_world(tmp_path_factory.mktemp("money"))


def kpi(
    con: duckdb.DuckDBPyConnection, name: str, period: str, segment: tuple[str, str]
) -> dict[str, Any]:
    cursor = con.execute(
        "select value, numerator, denominator, is_mature from marts.mart_kpis where kpi = ? "
        "and grain = 'month' and period_start = cast(? as date) and segment_type = ? "
        "and segment_value = ?",
        [name, period, *segment],
    )
    names = [d[0] for d in cursor.description or []]
    found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(found) == 1, f"{name} {period} {segment}: {found}"
    return found[0]


def value(con: duckdb.DuckDBPyConnection, name: str, period: str, channel: str = "total") -> Any:
    segment = ("total", "total") if channel == "total" else ("channel", channel)
    return kpi(con, name, period, segment)["value"]


def test_program_cost_is_spread_over_the_campaign_days_and_months(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # K2 3000 over 2024-04-29..05-04 = 500 a day: April 1000, May 2000
    assert value(con, "program_cost", "2024-04-01", "events") == 1000
    assert value(con, "program_cost", MAY, "events") == 2000
    # K3 has no dates: all 900 on its creation day; K4 (outbound) 4 x 100
    days = rows(
        con,
        "select date::varchar as day, amount_reporting as amount "
        "from intermediate.int_marketing_cost__daily "
        f"where cost_component = 'program_cost' and campaign_id = '{K[3]}'",
    )
    assert days == [{"day": "2024-05-15", "amount": 900}]
    assert value(con, "program_cost", MAY, "outbound") == 400
    assert value(con, "program_cost", MAY) == 3300


def test_a_paid_campaigns_actual_cost_is_not_counted_twice(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # K1 (Paid Search, ActualCost 5000): the ad platforms already report it
    assert value(con, "program_cost", MAY, "paid_search") == 0
    k1 = rows(
        con,
        "select count(*) as n from intermediate.int_marketing_cost__daily "
        f"where cost_component = 'program_cost' and campaign_id = '{K[1]}'",
    )
    assert k1 == [{"n": 0}]
    assert value(con, "marketing_cost", MAY, "paid_search") == 500  # its ad spend only


def test_other_costs_are_spread_over_the_days_of_their_month(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # May email tools 310 = 10 a day; June events agency 100 over 30 days, cent-exact
    assert value(con, "other_cost", MAY, "email") == 310
    assert value(con, "other_cost", "2024-06-01", "events") == 100
    june = rows(
        con,
        "select amount_reporting as amount from intermediate.int_marketing_cost__daily "
        "where cost_component = 'other_cost' and channel = 'events' order by date limit 3",
    )
    assert [float(r["amount"]) for r in june] == [3.33, 3.34, 3.33]


def test_marketing_cost_is_the_sum_of_its_components(con: duckdb.DuckDBPyConnection) -> None:
    # May: ad 800 + program 3300 + other 310 = 4410, every channel (outbound too)
    assert value(con, "ad_spend", MAY) == 800
    assert value(con, "spend", MAY) == 800  # the alias, for one release
    assert value(con, "marketing_cost", MAY) == 4410
    channels = {
        "paid_search": 500, "paid_social": 300, "events": 2000, "webinar": 900, "email": 310,
        "outbound": 400,
    }  # fmt: skip
    for channel, cost in channels.items():
        assert value(con, "marketing_cost", MAY, channel) == cost, channel


def test_renewal_and_expansion_are_in_bookings_not_in_new_business_kpis(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # May won: N1 2000, N2 900, N3 4000, N6 1000 new business; N4 renewal 1500; N5 expansion 700
    assert value(con, "revenue_won", MAY) == 7900
    assert value(con, "deals_won", MAY) == 4
    assert value(con, "bookings", MAY) == 10100
    by_type = {
        t: kpi(con, "bookings", MAY, ("opportunity_type", t))["value"]
        for t in ("new_business", "renewal", "expansion")
    }
    assert by_type == {"new_business": 7900, "renewal": 1500, "expansion": 700}
    assert value(con, "renewal_revenue", MAY) == 1500
    assert value(con, "expansion_revenue", MAY) == 700
    # N4 (renewal, created 05-01) and N5 (expansion) are not pipeline; N1 was created in April
    assert value(con, "pipeline_created", MAY) == 900 + 4000 + 1000
    # B1's first won deal is the renewal N4 (05-15); it becomes a new customer with N1 (05-20)
    assert value(con, "new_customers", MAY, "paid_search") == 1
    # N4 credits Q1's paid_search touch, but attributed revenue is new business only
    assert value(con, "attributed_revenue", MAY, "paid_search") == 2000


def test_marketing_sourced_means_a_marketing_channel_first_touch(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # N1 paid_search, N2 paid_social, N3 events are marketing; N6 (outbound) is sales
    assert value(con, "marketing_sourced_deals", MAY) == 3
    assert value(con, "marketing_sourced_pipeline", MAY) == 900 + 4000
    share = kpi(con, "marketing_sourced_revenue_share", MAY, ("total", "total"))
    assert (share["numerator"], share["denominator"]) == (6900, 7900)


def test_romi_by_channel_and_the_total_over_marketing_channels(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # (credited revenue - marketing cost) / marketing cost
    expected = {"paid_search": 3, "paid_social": 2, "events": 1, "webinar": -1, "email": -1}
    for channel, romi in expected.items():
        assert value(con, "romi", MAY, channel) == romi, channel
    # outbound is a sales channel: no romi row at all
    assert not rows(
        con,
        "select 1 from marts.mart_kpis where kpi = 'romi' and segment_value = 'outbound'",
    )
    total = kpi(con, "romi", MAY, ("total", "total"))
    # numerator: 6900 credited to marketing channels - 4010 their cost
    assert (total["numerator"], total["denominator"]) == (6900 - 4010, 4010)
    assert min(expected.values()) < total["value"] < max(expected.values())


def test_roas_and_cac_by_channel_and_total(con: duckdb.DuckDBPyConnection) -> None:
    # roas: paid ad channels' credit / ad spend: 2000 / 500, 900 / 300; total 2900 / 800
    assert value(con, "roas", MAY, "paid_search") == 4
    assert value(con, "roas", MAY, "paid_social") == 3
    assert value(con, "roas", MAY) == pytest.approx(2900 / 800)
    assert value(con, "roas", MAY, "events") is None  # no ad-spend source
    # cac: marketing cost / new customers (new business) on marketing channels
    cac = {"paid_search": 500, "paid_social": 300, "events": 2000}
    for channel, cost in cac.items():
        assert value(con, "cac", MAY, channel) == cost, channel
    total = kpi(con, "cac", MAY, ("total", "total"))
    assert (total["numerator"], total["denominator"]) == (4010, 3)
    assert min(cac.values()) < total["value"] < max(cac.values())
    # cpl: 4010 / the May leads of marketing channels (Q2 paid_social, Q3 events)
    assert value(con, "cpl", MAY) == pytest.approx(4010 / 2)
    assert value(con, "cpl", MAY, "paid_social") == 300


def test_touch_dated_returns_sit_beside_the_spend_and_mature_later(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # N1's credit (2000, closed in May) is dated at Q1's touch, 2024-04-10: by close date
    # the first attributed revenue is May's
    assert value(con, "attributed_revenue_by_touch", "2024-04-01") == 2000
    assert value(con, "attributed_revenue", MAY) == 6900 + 1000
    # May's touches: N2 900, N3 4000, N6 1000 (outbound)
    assert value(con, "attributed_revenue_by_touch", MAY) == 5900
    # April: (2000 - 1000 K2 cost) / 1000; May: (4900 - 4010) / 4010
    april = kpi(con, "romi_by_touch", "2024-04-01", ("total", "total"))
    assert (april["value"], april["is_mature"]) == (1, True)  # 04-30 + 115 days <= 09-30
    may = kpi(con, "romi_by_touch", MAY, ("total", "total"))
    assert may["value"] == pytest.approx((4900 - 4010) / 4010)
    assert may["is_mature"] is True  # 05-31 + 115 = 09-23
    assert kpi(con, "romi_by_touch", "2024-06-01", ("total", "total"))["is_mature"] is False
    assert value(con, "roas_by_touch", MAY, "paid_social") == 3


def test_each_campaign_link_rule_and_the_unlinked_spend(con: duckdb.DuckDBPyConnection) -> None:
    links = rows(
        con,
        "select campaign_name, crm_campaign_id, crm_campaign_rule "
        "from marts.fct_ad_spend_daily order by cast(campaign_id as integer)",
    )
    assert links == [
        {"campaign_name": f"brand {K[1]}", "crm_campaign_id": K[1],
         "crm_campaign_rule": "campaign_id_in_name"},
        {"campaign_name": f"{K[1][:15]} generic", "crm_campaign_id": K[1],
         "crm_campaign_rule": "campaign_id_in_name"},
        {"campaign_name": "Spring Summit", "crm_campaign_id": K[2],
         "crm_campaign_rule": "crm_campaign_name"},
        {"campaign_name": "webinar promo", "crm_campaign_id": K[3],
         "crm_campaign_rule": "mapping_seed"},
        {"campaign_name": "misc display test", "crm_campaign_id": None,
         "crm_campaign_rule": None},
        {"campaign_name": "mkto-2001 retargeting", "crm_campaign_id": K[6],
         "crm_campaign_rule": "program_id_in_name"},
        {"campaign_name": "spring-promo", "crm_campaign_id": K[5],
         "crm_campaign_rule": "utm_campaign"},
    ]  # fmt: skip
    total = rows(con, "select * from marts.mart_ad_spend_links where platform = 'total'")[0]
    assert (total["spend"], total["linked_spend"], total["unlinked_spend"]) == (800, 780, 20)
    assert total["unlinked_spend_share"] == pytest.approx(20 / 800)
    assert total["unlinked_campaign_names"] == "misc display test"


def test_campaign_performance_shows_cost_and_returns(con: duckdb.DuckDBPyConnection) -> None:
    # K2 in May: ad spend 50 (G3) + program cost 2000; Q3 lead, N3 opportunity, B3 customer,
    # 4000 attributed -> cpl, cost per opportunity, cac 2050; roas 80; romi 1950 / 2050
    k2 = rows(
        con,
        "select * from marts.mart_campaign_performance where grain = 'month' "
        f"and period_start = '{MAY}' and campaign_id = '{K[2]}'",
    )[0]
    assert (k2["ad_spend"], k2["program_cost"], k2["marketing_cost"]) == (50, 2000, 2050)
    assert (k2["new_leads"], k2["opportunities_created"], k2["new_customers"]) == (1, 1, 1)
    assert (k2["cpl"], k2["cost_per_opportunity"], k2["cac"]) == (2050, 2050, 2050)
    assert k2["roas"] == 80
    assert k2["romi"] == pytest.approx(1950 / 2050)
    assert k2["currency"] == "USD"
    # K5: 100 spend, half of N2's 900 (the visit carries no campaign) -> romi 3.5
    k5 = rows(
        con,
        "select ad_spend, attributed_revenue, romi from marts.mart_campaign_performance "
        f"where grain = 'month' and period_start = '{MAY}' and campaign_id = '{K[5]}'",
    )
    assert k5 == [{"ad_spend": 100, "attributed_revenue": 450, "romi": 3.5}]


def test_kpi_definitions_state_the_scope_of_money_kpis(con: duckdb.DuckDBPyConnection) -> None:
    romi = rows(
        con,
        "select opportunity_types, channel_roles, cost_components, attribution_model, "
        "date_basis from marts.kpi_definitions where kpi = 'romi'",
    )
    assert romi == [
        {"opportunity_types": "new_business", "channel_roles": "marketing",
         "cost_components": "ad_spend+program_cost+other_cost",
         "attribution_model": "var kpi_attribution_model",
         "date_basis": "close_date; cost date"},
    ]  # fmt: skip

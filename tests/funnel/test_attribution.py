"""Attribution: every model's weights for 1, 2, 3 and 5 touches, the inclusive lookback window,
ties, unattributed opportunities and the sum-to-total invariant. All opportunities are created
2024-04-01 00:00 UTC; the default lookback is 90 days and the time-decay half-life 7 days."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import ACTIVITY_HEADER, build, csv, marketo_activity, rows, sfid

CREATED = "2024-04-01T00:00:00Z"
MODELS = ["first_touch", "last_touch", "linear", "position_based", "time_decay"]
# opportunity number -> (amount, won, [(touch guid, time, utm_source, utm_medium)])
PAID_SEARCH, PAID_SOCIAL = ("google", "cpc"), ("linkedin", "paid_social")
DEALS: dict[int, tuple[int, bool, list[tuple[str, str, tuple[str, str]]]]] = {
    1: (1000, True, [("t1a", "2024-03-25T00:00:00Z", PAID_SEARCH)]),
    2: (1000, False, [
        ("t2a", "2024-03-20T00:00:00Z", PAID_SEARCH),
        ("t2b", "2024-03-25T00:00:00Z", PAID_SOCIAL),
    ]),
    3: (700, True, [  # 14, 7 and 0 days before creation
        ("t3a", "2024-03-18T00:00:00Z", PAID_SEARCH),
        ("t3b", "2024-03-25T00:00:00Z", PAID_SOCIAL),
        ("t3c", "2024-04-01T00:00:00Z", PAID_SEARCH),
    ]),
    5: (1000, True, [
        (f"t5{letter}", f"2024-03-{day:02d}T00:00:00Z", PAID_SEARCH)
        for letter, day in zip("abcde", (1, 5, 10, 15, 20), strict=True)
    ]),
    6: (100, True, [  # 2024-04-01 - 90 days = 2024-01-02 00:00
        ("t6a", "2024-01-01T23:59:59Z", PAID_SEARCH),  # one second too early
        ("t6b", "2024-01-02T00:00:00Z", PAID_SEARCH),  # first instant of the window
        ("t6c", "2024-04-01T00:00:00Z", PAID_SOCIAL),  # the creation instant
        ("t6d", "2024-04-01T00:00:01Z", PAID_SOCIAL),  # one second too late
    ]),
    7: (100, True, [  # same instant: ordered by touch_id
        ("t7b", "2024-03-20T10:00:00Z", PAID_SEARCH),
        ("t7a", "2024-03-20T10:00:00Z", PAID_SOCIAL),
    ]),
    8: (500, True, []),  # nobody attached
}  # fmt: skip


def _world() -> dict[str, str]:
    people = [n for n, (_, _, touches) in DEALS.items() if touches]
    activities = [
        marketo_activity(
            guid,
            n,
            at,
            1,
            {"Webpage URL": "https://x.com/", "Query Parameters":
             f"utm_source={source}&utm_medium={medium}&utm_campaign={guid}"},
        )
        for n, (_, _, touches) in DEALS.items()
        for guid, at, (source, medium) in touches
    ]  # fmt: skip
    return {
        "salesforce/Contact/contact.csv": csv(
            "Id,Email,CreatedDate",
            [f"{sfid('003', n)},p{n}@acme.com,2023-01-01T00:00:00Z" for n in people],
        ),
        "salesforce/Opportunity/opportunity.csv": csv(
            "Id,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,CurrencyIsoCode,CreatedDate",
            [
                f"{sfid('006', n)},Deal,New Business,X,{won},{won},2024-05-15,{amount},USD,"
                f"{CREATED}"
                for n, (amount, won, _) in DEALS.items()
            ],
        ),
        "salesforce/OpportunityContactRole/role.csv": csv(
            "Id,OpportunityId,ContactId,IsPrimary",
            [f"{sfid('00K', n)},{sfid('006', n)},{sfid('003', n)},true" for n in people],
        ),
        "marketo/leads/leads.csv": csv(
            "id,email,createdAt,sfdcContactId",
            [f"{n},p{n}@acme.com,2023-01-01T00:00:00Z,{sfid('003', n)}" for n in people],
        ),
        "marketo/activities/activities.csv": csv(ACTIVITY_HEADER, activities),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("attribution"), _world(), "+fct_attribution")


def credits(con: duckdb.DuckDBPyConnection, deal: int, model: str) -> list[dict[str, Any]]:
    return rows(
        con,
        "select touch_id, channel, weight, pipeline_amount, revenue_amount, pipeline_date, "
        "revenue_date from marts.fct_attribution "
        f"where opportunity_id = '{sfid('006', deal)}' and model = '{model}' "
        "order by touch_position nulls first",
    )


def weights(con: duckdb.DuckDBPyConnection, deal: int, model: str) -> list[tuple[str, float]]:
    return [(r["touch_id"], float(r["weight"])) for r in credits(con, deal, model)]


def amounts(con: duckdb.DuckDBPyConnection, deal: int, model: str) -> list[Decimal]:
    return [r["pipeline_amount"] for r in credits(con, deal, model)]


@pytest.mark.parametrize("model", MODELS)
def test_one_touch_gets_all_the_credit(world: duckdb.DuckDBPyConnection, model: str) -> None:
    assert weights(world, 1, model) == [("marketo:t1a", 1.0)]
    assert amounts(world, 1, model) == [Decimal("1000.00")]


def test_first_and_last_touch_credit_one_touch_each(world: duckdb.DuckDBPyConnection) -> None:
    assert weights(world, 5, "first_touch") == [("marketo:t5a", 1.0)]
    assert weights(world, 5, "last_touch") == [("marketo:t5e", 1.0)]
    assert weights(world, 2, "last_touch") == [("marketo:t2b", 1.0)]


def test_two_touches_split_half_and_half(world: duckdb.DuckDBPyConnection) -> None:
    for model in ("linear", "position_based"):
        assert weights(world, 2, model) == [("marketo:t2a", 0.5), ("marketo:t2b", 0.5)]
        assert amounts(world, 2, model) == [Decimal("500.00"), Decimal("500.00")]


def test_linear_splits_equally(world: duckdb.DuckDBPyConnection) -> None:
    assert [w for _, w in weights(world, 5, "linear")] == pytest.approx([0.2] * 5)
    assert amounts(world, 5, "linear") == [Decimal("200.00")] * 5


def test_position_based_is_40_20_40(world: duckdb.DuckDBPyConnection) -> None:
    # three touches: 40% / 20% / 40% of 700
    assert [w for _, w in weights(world, 3, "position_based")] == pytest.approx([0.4, 0.2, 0.4])
    assert amounts(world, 3, "position_based") == [
        Decimal("280.00"),
        Decimal("140.00"),
        Decimal("280.00"),
    ]
    # five touches: the middle three share 20% (6.667% each); cents by cumulative rounding:
    # 400.00 | 466.67 - 400.00 | 533.33 - 466.67 | 600.00 - 533.33 | 1000.00 - 600.00
    assert [w for _, w in weights(world, 5, "position_based")] == pytest.approx(
        [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4], abs=1e-12
    )
    assert amounts(world, 5, "position_based") == [
        Decimal("400.00"),
        Decimal("66.67"),
        Decimal("66.66"),
        Decimal("66.67"),
        Decimal("400.00"),
    ]


def test_time_decay_halves_per_half_life(world: duckdb.DuckDBPyConnection) -> None:
    # ages 14, 7, 0 days with a 7-day half-life: 1/4, 1/2, 1 -> normalised 1/7, 2/7, 4/7
    assert [w for _, w in weights(world, 3, "time_decay")] == pytest.approx(
        [1 / 7, 2 / 7, 4 / 7], abs=1e-12
    )
    assert amounts(world, 3, "time_decay") == [
        Decimal("100.00"),
        Decimal("200.00"),
        Decimal("400.00"),
    ]


def test_time_decay_with_five_touches(world: duckdb.DuckDBPyConnection) -> None:
    ages = [31, 27, 22, 17, 12]  # days before 2024-04-01
    raw = [2 ** (-age / 7) for age in ages]
    assert [w for _, w in weights(world, 5, "time_decay")] == pytest.approx(
        [r / sum(raw) for r in raw], abs=1e-12
    )


def test_the_window_is_inclusive_at_both_ends(world: duckdb.DuckDBPyConnection) -> None:
    assert weights(world, 6, "linear") == [("marketo:t6b", 0.5), ("marketo:t6c", 0.5)]


def test_ties_are_broken_by_touch_id(world: duckdb.DuckDBPyConnection) -> None:
    assert weights(world, 7, "first_touch") == [("marketo:t7a", 1.0)]
    assert weights(world, 7, "last_touch") == [("marketo:t7b", 1.0)]


def test_an_opportunity_without_touches_is_unattributed(
    world: duckdb.DuckDBPyConnection,
) -> None:
    for model in MODELS:
        [row] = credits(world, 8, model)
        assert (row["touch_id"], row["channel"], row["weight"]) == (None, "unattributed", 1)
        assert (row["pipeline_amount"], row["revenue_amount"]) == (
            Decimal("500.00"),
            Decimal("500.00"),
        )


def test_revenue_only_for_won_deals_dated_at_close(world: duckdb.DuckDBPyConnection) -> None:
    lost = credits(world, 2, "linear")
    assert [r["revenue_amount"] for r in lost] == [Decimal("0.00")] * 2
    assert {r["revenue_date"] for r in lost} == {None}
    won = credits(world, 3, "linear")
    assert {str(r["pipeline_date"]) for r in won} == {"2024-04-01"}
    assert {str(r["revenue_date"]) for r in won} == {"2024-05-15"}


def test_every_model_sums_exactly_to_the_totals(world: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        world,
        "select a.opportunity_id, a.model, sum(a.weight) as weight, "
        "sum(a.pipeline_amount) as pipeline, sum(a.revenue_amount) as revenue, "
        "any_value(o.amount_reporting) as amount, any_value(o.is_won) as won "
        "from marts.fct_attribution as a join marts.fct_opportunity as o using (opportunity_id) "
        "group by all",
    )
    assert len(found) == len(DEALS) * len(MODELS)
    for row in found:
        assert row["weight"] == 1, row
        assert row["pipeline"] == row["amount"], row
        assert row["revenue"] == (row["amount"] if row["won"] else 0), row


def test_the_opportunity_channel_is_its_first_touch_channel(
    world: duckdb.DuckDBPyConnection,
) -> None:
    found = rows(
        world,
        "select distinct opportunity_id, opportunity_channel from marts.fct_attribution "
        f"where opportunity_id in ('{sfid('006', 7)}', '{sfid('006', 8)}') order by 1",
    )
    assert [r["opportunity_channel"] for r in found] == ["paid_social", "unattributed"]

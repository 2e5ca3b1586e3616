"""FX: ECB euro rates become daily rates to the reporting currency (int_fx__daily_rates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.funnel.touch_world import build, csv, rows

FX_MODELS = "+int_fx__daily_rates"
# Friday 2024-01-05 and Monday 2024-01-08; no rows for the weekend (ECB business days only)
ECB = csv("Date,USD,GBP,JPY,", ["2024-01-05,1.10,0.80,160.0,", "2024-01-08,1.20,0.75,N/A,"])


@pytest.fixture(scope="module")
def ecb_world(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("fx"), {"fx/ecb_rates/eurofxref-hist.csv": ECB}, FX_MODELS)


def rate(con: duckdb.DuckDBPyConnection, currency: str, day: str) -> float:
    found = rows(
        con,
        "select rate_to_reporting from intermediate.int_fx__daily_rates "
        f"where currency = '{currency}' and rate_date = date '{day}'",
    )
    assert len(found) == 1, found
    return float(found[0]["rate_to_reporting"])


def test_weekend_days_carry_fridays_rate_forward(ecb_world: duckdb.DuckDBPyConnection) -> None:
    con = ecb_world
    # GBP -> USD = USD_per_EUR / GBP_per_EUR: Friday 1.10 / 0.80 = 1.375, Monday 1.20 / 0.75
    assert rate(con, "GBP", "2024-01-05") == pytest.approx(1.375)
    assert rate(con, "GBP", "2024-01-06") == pytest.approx(1.375)
    assert rate(con, "GBP", "2024-01-07") == pytest.approx(1.375)
    assert rate(con, "GBP", "2024-01-08") == pytest.approx(1.6)
    weekend = rows(
        con,
        "select is_carried_forward, ecb_rate_date from intermediate.int_fx__daily_rates "
        "where currency = 'GBP' and rate_date = date '2024-01-07'",
    )
    assert weekend == [{"is_carried_forward": True, "ecb_rate_date": date(2024, 1, 5)}]


def test_cross_rates_through_the_euro(ecb_world: duckdb.DuckDBPyConnection) -> None:
    con = ecb_world
    assert rate(con, "EUR", "2024-01-05") == pytest.approx(1.10)  # EUR -> USD = USD_per_EUR
    assert rate(con, "USD", "2024-01-05") == 1.0  # the reporting currency converts at 1
    assert rate(con, "JPY", "2024-01-05") == pytest.approx(1.10 / 160.0)
    # JPY is N/A on Monday: its last rate (160) with Monday's USD (1.20)
    assert rate(con, "JPY", "2024-01-08") == pytest.approx(1.20 / 160.0)


def test_another_reporting_currency(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {"fx/ecb_rates/eurofxref-hist.csv": ECB},
        FX_MODELS,
        vars={"reporting_currency": "GBP"},
    )
    assert rate(con, "USD", "2024-01-05") == pytest.approx(0.80 / 1.10)
    assert rate(con, "EUR", "2024-01-08") == pytest.approx(0.75)
    assert rate(con, "GBP", "2024-01-08") == 1.0


def test_one_row_per_currency_and_day_up_to_as_of(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {"fx/ecb_rates/eurofxref-hist.csv": ECB},
        FX_MODELS,
        vars={"as_of": "2024-01-10"},
    )
    found = rows(
        con,
        "select currency, count(*) as days, count(distinct rate_date) as distinct_days, "
        "max(rate_date) as last_day from intermediate.int_fx__daily_rates group by currency "
        "order by currency",
    )
    # 2024-01-05 .. 2024-01-10 = 6 days for EUR, GBP, JPY, USD
    assert found == [
        {"currency": c, "days": 6, "distinct_days": 6, "last_day": date(2024, 1, 10)}
        for c in ("EUR", "GBP", "JPY", "USD")
    ]
    assert rate(con, "GBP", "2024-01-10") == pytest.approx(1.6)

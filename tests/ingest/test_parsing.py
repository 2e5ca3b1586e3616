"""Each reader takes the common spelling with one plain cast and every other spelling through
the general reading; a value reads the same whichever path it takes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from pipeline.ingest import parsing
from pipeline.ingest.objects import LogicalType


def read(kind: LogicalType, text: str | None, report_timezone: str = "UTC") -> Any:
    con = duckdb.connect()
    con.execute(parsing.SFID18_MACRO)
    expression = parsing.typed("v", kind, report_timezone)
    found = con.execute(f"select {expression} from (select ?::varchar as v)", [text]).fetchone()
    assert found is not None
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("-3", -3),
        ("007", 7),  # not written back unchanged: general reading
        ("+5", 5),
        (" 12 ", 12),
        ("1,234", 1234),
        ("12.0", 12),
        ("12.5", None),  # the plain cast would round it to 13
        ("1e3", None),  # the plain cast would read 1000
        ("0x10", None),  # the plain cast would read 16
        (None, None),
    ],
)
def test_integers(text: str | None, expected: int | None) -> None:
    assert read("int", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-23T20:55:00Z", dt.datetime(2026, 2, 23, 20, 55)),
        ("2026-02-23T20:55:00.000+0000", dt.datetime(2026, 2, 23, 20, 55)),
        ("2026-02-23T20:55:00.250Z", dt.datetime(2026, 2, 23, 20, 55, 0, 250000)),
        ("2026-02-23T20:55:00+01:00", dt.datetime(2026, 2, 23, 19, 55)),
        ("2026-02-23T20:55:00.000+0100", dt.datetime(2026, 2, 23, 19, 55)),
        ("2026-02-23T20:55:00Z+0000", dt.datetime(2026, 2, 23, 20, 55)),  # Marketo's quirk
        ("2026-02-23T20:55:00-05:00Z", None),
        ("02/23/26 08:55 PM", dt.datetime(2026, 2, 23, 20, 55)),
    ],
)
def test_timestamps_are_utc(text: str, expected: dt.datetime | None) -> None:
    assert read("timestamp", text) == expected


def test_report_style_timestamps_are_read_in_the_report_time_zone() -> None:
    assert read("timestamp", "02/23/26 08:55 PM", "America/New_York") == dt.datetime(
        2026, 2, 24, 1, 55
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", dt.date(2026, 1, 5)),
        (" 2026-01-05 ", dt.date(2026, 1, 5)),
        ("2026-01-05T23:30:00-05:00", dt.date(2026, 1, 5)),  # the date as written
        ("01/05/2026", dt.date(2026, 1, 5)),
        ("02/03/24", dt.date(2024, 2, 3)),  # DuckDB's plain cast reads the year 2
        ("31.03.2026", dt.date(2026, 3, 31)),
        ("not a date", None),
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert read("date", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", Decimal("12.5")),
        ("1,234.56", Decimal("1234.56")),
        (" 7 ", Decimal("7")),
        ("1,5", None),  # not a `.`-decimal amount: `,` groups three digits
        ("12.345678", Decimal("12.345678")),
        ("12.3456789", None),  # more places than decimal(18, 6) keeps: never rounded
        ("(500.00)", Decimal("-500")),
        ("USD 1,234.56", Decimal("1234.56")),
        ("twelve", None),
    ],
)
def test_decimals(text: str, expected: Decimal | None) -> None:
    assert read("decimal", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("false", False), ("TRUE", True), ("1", True), (" no ", False), (None, False)],
)
def test_booleans(text: str | None, expected: bool) -> None:
    assert read("bool", text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00Q000000000001AAA", "00Q000000000001AAA"),
        ("00Q000000000001", "00Q000000000001EAA"),  # Q is upper case: bit 2 of chunk 1
        ("00Q3000000AbCdE", "00Q3000000AbCdEEAV"),  # A, C, E: bits 0, 2, 4 of chunk 3 = 21
        (" 00Q000000000001 ", "00Q000000000001EAA"),
        (" 00Q000000000001AAA", "00Q000000000001AAA"),
        ("3f2a9c", "3f2a9c"),
    ],
)
def test_salesforce_ids(text: str, expected: str) -> None:
    assert read("id", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [('{"a": 1}', '{"a": 1}'), ("null", "null"), ("{bad", None)]
)
def test_json(text: str, expected: str | None) -> None:
    assert read("json", text) == expected

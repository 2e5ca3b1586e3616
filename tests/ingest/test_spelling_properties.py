"""Properties: a date, a timestamp or an amount written in any supported spelling reads back as
itself (ambiguous spellings with the order or separator configured), and a value that could be
read two ways in its file never loads."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.warehouse import connect
from tests.ingest.helpers import rows, run_ingest

ZONE = "America/New_York"
EXAMPLES = settings(max_examples=15, deadline=None)


def ingest(relative: str, text: str, conventions: str = "") -> list[dict[str, Any]]:
    """Deliver one file (with an `ingest.yml` of `conventions`), ingest it, return its object's
    raw rows in file order and the quarantine."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "ingest.yml").write_text(conventions)
        path = root / "landing" / relative
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        con = connect(root / "warehouse.duckdb")
        try:
            run_ingest(con, root / "landing", report_timezone=ZONE)
            table = "raw.salesforce__" + ("lead" if "Lead" in relative else "opportunity")
            return rows(con, f"select * from {table} order by _line")
        finally:
            con.close()


# --- dates ------------------------------------------------------------------------------------

Spelling = tuple[str, str, Callable[[dt.date], str]]

DATE_SPELLINGS: list[Spelling] = [
    ("ISO", "month_first", lambda d: d.isoformat()),
    ("M/D/YYYY", "month_first", lambda d: f"{d.month:02}/{d.day:02}/{d.year}"),
    ("M/D/YY", "month_first", lambda d: f"{d.month}/{d.day}/{d.year % 100:02}"),
    ("D/M/YYYY", "day_first", lambda d: f"{d.day:02}/{d.month:02}/{d.year}"),
    ("D/M/YY", "day_first", lambda d: f"{d.day}/{d.month:02}/{d.year % 100:02}"),
    ("D.M.YYYY", "month_first", lambda d: f"{d.day:02}.{d.month:02}.{d.year}"),
]
# A two-digit year is 1969-2068 (`%y`), so within the plausible window 1990-2068.
FOUR_DIGITS = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
TWO_DIGITS = st.dates(dt.date(1990, 1, 1), dt.date(2068, 12, 31))


@st.composite
def dated_file(draw: st.DrawFn) -> tuple[Spelling, list[dt.date]]:
    spelling = draw(st.sampled_from(DATE_SPELLINGS))
    dates = TWO_DIGITS if spelling[0].endswith("/YY") else FOUR_DIGITS
    return spelling, draw(st.lists(dates, min_size=1, max_size=6))


@EXAMPLES
@given(dated_file())
def test_dates_read_back_in_every_spelling(case: tuple[Spelling, list[dt.date]]) -> None:
    (_, order, write), dates = case
    body = "".join(f"00600000000000{i}AAA,{write(d)}\n" for i, d in enumerate(dates))
    found = ingest(
        "salesforce/Opportunity/o.csv",
        "Id,CloseDate\n" + body,
        f"defaults: {{date_order: {order}}}\n",
    )
    assert [r["close_date"] for r in found] == dates


TIME_SPELLINGS: list[tuple[str, Callable[[dt.datetime], str]]] = [
    ("%m/%d/%y %I:%M %p", lambda t: t.strftime("%m/%d/%y %I:%M %p")),
    ("%m/%d/%Y %H:%M:%S", lambda t: t.strftime("%m/%d/%Y %H:%M:%S")),
    ("%m/%d/%y", lambda t: t.strftime("%m/%d/%y")),
    ("ISO offset", lambda t: t.isoformat()),
    ("ISO Z", lambda t: t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
]


@st.composite
def local_times(draw: st.DrawFn) -> dt.datetime:
    """Report-zone times away from the daylight-saving changes (at 01:00-03:00)."""
    day = draw(TWO_DIGITS)
    time = dt.time(draw(st.integers(3, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59)))
    return dt.datetime.combine(day, time, ZoneInfo(ZONE))


@EXAMPLES
@given(st.sampled_from(TIME_SPELLINGS), st.lists(local_times(), min_size=1, max_size=5))
def test_timestamps_read_back_as_utc(
    spelling: tuple[str, Callable[[dt.datetime], str]], times: list[dt.datetime]
) -> None:
    name, write = spelling
    if "%S" not in name and "ISO" not in name:
        times = [t.replace(second=0) for t in times]
    if name == "%m/%d/%y":  # a date alone is midnight in the report time zone
        times = [t.replace(hour=0, minute=0, second=0) for t in times]
    body = "".join(f"00Q00000000000{i}AAA,{write(t)}\n" for i, t in enumerate(times))
    found = ingest("salesforce/Lead/l.csv", "Id,CreatedDate\n" + body)
    expected = [t.astimezone(dt.UTC).replace(tzinfo=None) for t in times]
    assert [r["created_date"] for r in found] == expected


@st.composite
def contradicting_file(draw: st.DrawFn) -> tuple[str, dt.date]:
    """Dates only readable day first and others only month first, and one that is either."""
    day_first = draw(st.lists(st.integers(13, 28), min_size=1, max_size=3))
    month_first = draw(st.lists(st.integers(13, 28), min_size=1, max_size=3))
    a, b = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    if a == b:
        b = a % 12 + 1
    lines = [f"{d}/01/2026" for d in day_first] + [f"01/{d}/2026" for d in month_first]
    ambiguous = f"{a:02}/{b:02}/2026"
    lines.insert(draw(st.integers(0, len(lines))), ambiguous)
    body = "".join(f"00600000000000{i}AAA,{v}\n" for i, v in enumerate(lines))
    return body, dt.date(2026, a, b)


@EXAMPLES
@given(contradicting_file(), st.sampled_from(["month_first", "day_first"]))
def test_a_date_readable_two_ways_in_a_file_that_disagrees_never_loads(
    case: tuple[str, dt.date], order: str
) -> None:
    body, month_first = case
    found = ingest(
        "salesforce/Opportunity/o.csv",
        "Id,CloseDate\n" + body,
        f"defaults: {{date_order: {order}}}\n",
    )
    either = {month_first, dt.date(2026, month_first.day, month_first.month)}
    assert not either & {r["close_date"] for r in found}


# --- amounts ----------------------------------------------------------------------------------

AMOUNTS = st.decimals(
    min_value=Decimal("-999999999.999999"), max_value=Decimal("999999999.999999"), places=6
).map(lambda d: d.normalize() if d != 0 else Decimal(0))


def grouped(value: Decimal, separator: str) -> str:
    """`value` with thousands grouped, in `separator`'s convention (`1,234.5` / `1.234,5`)."""
    text = f"{abs(value):,f}"
    if separator == ",":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


AMOUNT_STYLES: list[tuple[str, Callable[[str, bool], str]]] = [
    ("signed", lambda t, neg: ("-" if neg else "") + t),
    ("dollar", lambda t, neg: ("-" if neg else "") + "$" + t),
    ("code", lambda t, neg: "USD " + ("-" if neg else "") + t),
    ("euro after", lambda t, neg: ("-" if neg else "") + t + " €"),
    ("accounting", lambda t, neg: f"({t})" if neg else t),
]


@EXAMPLES
@given(
    st.lists(AMOUNTS, min_size=1, max_size=6),
    st.sampled_from([".", ","]),
    st.sampled_from(AMOUNT_STYLES),
    st.booleans(),
)
def test_amounts_read_back_in_every_spelling(
    amounts: list[Decimal],
    separator: str,
    style: tuple[str, Callable[[str, bool], str]],
    grouping: bool,
) -> None:
    def write(value: Decimal) -> str:
        text = grouped(value, separator) if grouping else f"{abs(value):f}"
        if not grouping and separator == ",":
            text = text.replace(".", ",")
        return '"' + style[1](text, value < 0) + '"'

    body = "".join(f"00600000000000{i}AAA,{write(a)}\n" for i, a in enumerate(amounts))
    found = ingest(
        "salesforce/Opportunity/o.csv",
        "Id,Amount\n" + body,
        f"defaults: {{decimal_separator: '{separator}'}}\n",
    )
    assert [r["amount"] for r in found] == amounts


@EXAMPLES
@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from([".", ","]))
def test_an_amount_readable_two_ways_in_a_file_that_disagrees_never_loads(
    high: int, low: int, separator: str
) -> None:
    ambiguous = f"{high}{',' if separator == '.' else '.'}{low:03}"
    body = (
        '006000000000001AAA,"1,234.5"\n'
        '006000000000002AAA,"0,25"\n'
        f'006000000000003AAA,"{ambiguous}"\n'
    )
    found = ingest(
        "salesforce/Opportunity/o.csv",
        "Id,Amount\n" + body,
        f"defaults: {{decimal_separator: '{separator}'}}\n",
    )
    assert "006000000000003AAA" not in {r["id"] for r in found}

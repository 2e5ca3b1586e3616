"""Dates and amounts are read the way their file spells them, decided once per file and column;
what cannot be read one way only is quarantined with its reason."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest

CLOSE = "Id,CloseDate\n"


def close_dates(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    found = rows(con, "select id, close_date from raw.salesforce__opportunity")
    return {r["id"][-4:-3]: r["close_date"] for r in found}


def formats(con: duckdb.DuckDBPyConnection, path: str) -> dict[str, Any]:
    found = one(con, f"select formats from meta.load_log where path = '{path}'")
    return dict(json.loads(found))


def quarantined(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return rows(con, "select line, column_name, reason, value from meta.quarantine order by line")


def opportunity(n: int, close: str) -> str:
    return f"00600000000000{n}AAA,{close}\n"


def test_us_report_dates_are_month_first_and_never_a_year(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/o.csv", CLOSE + opportunity(1, "02/03/24"))
    run_ingest(warehouse, landing)
    assert close_dates(warehouse) == {"1": dt.date(2024, 2, 3)}
    assert formats(warehouse, "salesforce/Opportunity/o.csv")["close_date"] == {
        "spelling": ["M/D/YY"],
        "order": "month_first",
        "decided_by": "setting",
    }


def test_a_day_over_12_makes_the_whole_file_day_first(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        CLOSE + opportunity(1, "13/02/2026") + opportunity(2, "02/03/2026"),
    )
    run_ingest(warehouse, landing)
    assert close_dates(warehouse) == {"1": dt.date(2026, 2, 13), "2": dt.date(2026, 3, 2)}
    assert formats(warehouse, "salesforce/Opportunity/o.csv")["close_date"]["decided_by"] == (
        "values"
    )


def test_each_file_decides_for_itself(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/a.csv", CLOSE + opportunity(1, "02/03/2026"))
    deliver(
        "salesforce/Opportunity/b.csv",
        CLOSE + opportunity(2, "02/03/2026") + opportunity(3, "25/12/2026"),
    )
    run_ingest(warehouse, landing)
    assert close_dates(warehouse) == {
        "1": dt.date(2026, 2, 3),
        "2": dt.date(2026, 3, 2),
        "3": dt.date(2026, 12, 25),
    }


def test_a_european_org_sets_day_first_for_its_system(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter, tmp_path: Path
) -> None:
    (tmp_path / "ingest.yml").write_text(
        "systems:\n  salesforce: {date_order: day_first, decimal_separator: ','}\n"
    )
    deliver(
        "salesforce/Opportunity/o.csv", 'Id,CloseDate,Amount\n006000000000001AAA,02/03/24,"1,234"\n'
    )
    run_ingest(warehouse, landing)
    found = rows(warehouse, "select close_date, amount from raw.salesforce__opportunity")
    assert found == [{"close_date": dt.date(2024, 3, 2), "amount": Decimal("1.234")}]


def test_dates_that_contradict_the_file_are_quarantined(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        CLOSE
        + opportunity(1, "13/02/2026")
        + opportunity(2, "14/02/2026")
        + opportunity(3, "02/13/2026")  # only month first: the minority
        + opportunity(4, "02/03/2026")  # either way, in a file that disagrees
        + opportunity(5, "05/05/2026"),  # the same date either way
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_loaded, result.rows_quarantined) == (3, 2)
    assert close_dates(warehouse) == {
        "1": dt.date(2026, 2, 13),
        "2": dt.date(2026, 2, 14),
        "5": dt.date(2026, 5, 5),
    }
    assert [(q["line"], q["reason"]) for q in quarantined(warehouse)] == [
        (4, "close_date: only readable month first, but most dates of this file are day first"),
        (5, "close_date: could be read day first or month first, and this file's dates disagree"),
    ]
    assert formats(warehouse, "salesforce/Opportunity/o.csv")["close_date"] == {
        "spelling": ["D/M/YYYY"],
        "order": "day_first",
        "decided_by": "majority",
        "contradicting_values": True,
    }


def test_a_date_alone_in_a_timestamp_column_is_midnight_in_the_report_time_zone(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,CreatedDate\n00Q000000000001AAA,02/23/26\n00Q000000000002AAA,02/23/26 08:55 PM\n"
        "00Q000000000003AAA,2026-02-23\n",
    )
    run_ingest(warehouse, landing, report_timezone="America/New_York")
    found = rows(warehouse, "select created_date from raw.salesforce__lead order by id")
    assert [r["created_date"] for r in found] == [
        dt.datetime(2026, 2, 23, 5, 0),
        dt.datetime(2026, 2, 24, 1, 55),
        dt.datetime(2026, 2, 23, 5, 0),
    ]


def test_day_dot_month_dates(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/o.csv", CLOSE + opportunity(1, "02.03.2026"))
    run_ingest(warehouse, landing)
    assert close_dates(warehouse) == {"1": dt.date(2026, 3, 2)}
    assert formats(warehouse, "salesforce/Opportunity/o.csv")["close_date"]["spelling"] == [
        "D.M.YYYY"
    ]


def test_dates_outside_the_plausible_window_are_quarantined(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        CLOSE
        + opportunity(1, "1899-12-30")
        + opportunity(2, "01/02/85")
        + opportunity(3, "2026-01-02"),
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 2)
    reason = "close_date: outside the plausible dates 1990-01-01..2100-12-31"
    assert [(q["value"], q["reason"]) for q in quarantined(warehouse)] == [
        ("1899-12-30", reason),
        ("01/02/85", reason),
    ]


def test_the_plausible_window_is_one_setting(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter, tmp_path: Path
) -> None:
    (tmp_path / "ingest.yml").write_text("defaults:\n  plausible_dates: [1950-01-01, 2030-12-31]\n")
    deliver(
        "salesforce/Opportunity/o.csv",
        CLOSE + opportunity(1, "1985-01-02") + opportunity(2, "2031-01-01"),
    )
    [result] = run_ingest(warehouse, landing)
    assert close_dates(warehouse) == {"1": dt.date(1985, 1, 2)}
    assert result.rows_quarantined == 1


AMOUNT = "Id,Amount\n"


def amounts(con: duckdb.DuckDBPyConnection) -> list[Decimal]:
    found = rows(con, "select amount from raw.salesforce__opportunity order by _file, _line")
    return [r["amount"] for r in found]


def test_a_decimal_comma_file(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        AMOUNT
        + '006000000000001AAA,"1.234,56"\n'
        + '006000000000002AAA,"0,5"\n'
        + '006000000000003AAA,"12,00"\n'
        + "006000000000004AAA,1.234\n"  # a thousands separator in this file
        + "006000000000005AAA,7\n",
    )
    run_ingest(warehouse, landing)
    assert amounts(warehouse) == [
        Decimal("1234.56"),
        Decimal("0.5"),
        Decimal("12"),
        Decimal("1234"),
        Decimal("7"),
    ]
    assert formats(warehouse, "salesforce/Opportunity/o.csv")["amount"] == {
        "decimal_separator": ",",
        "decided_by": "values",
    }


def test_currency_symbols_codes_and_accounting_negatives(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        AMOUNT
        + '006000000000001AAA,"$1,234.56"\n'
        + '006000000000002AAA,"USD 1,234.56"\n'
        + "006000000000003AAA,(500.00)\n"
        + "006000000000004AAA,-$20.50\n"
        + "006000000000005AAA,12.345678\n",
    )
    deliver("salesforce/Opportunity/p.csv", AMOUNT + '006000000000006AAA,"1.234,56 €"\n')
    run_ingest(warehouse, landing)
    assert amounts(warehouse) == [
        Decimal("1234.56"),
        Decimal("1234.56"),
        Decimal("-500"),
        Decimal("-20.5"),
        Decimal("12.345678"),
        Decimal("1234.56"),
    ]


def test_more_places_than_a_decimal_keeps_is_quarantined_not_rounded(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/o.csv", AMOUNT + "006000000000001AAA,12.3456789\n")
    run_ingest(warehouse, landing)
    assert [(q["value"], q["reason"]) for q in quarantined(warehouse)] == [
        ("12.3456789", "amount: more than 6 decimal places (not rounded)")
    ]


def test_amounts_that_disagree_on_the_decimal_separator_are_quarantined(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Opportunity/o.csv",
        AMOUNT
        + '006000000000001AAA,"1,234.56"\n'
        + "006000000000002AAA,0.5\n"
        + '006000000000003AAA,"2,5"\n'  # decimal comma: the minority
        + '006000000000004AAA,"1,234"\n',  # 1234 or 1.234, in a file that disagrees
    )
    [result] = run_ingest(warehouse, landing)
    assert amounts(warehouse) == [Decimal("1234.56"), Decimal("0.5")]
    assert result.rows_quarantined == 2
    assert [q["reason"] for q in quarantined(warehouse)] == [
        "amount: only readable with ',' as decimal separator, but most amounts of this file "
        "use '.'",
        "amount: could be read with either decimal separator, and this file uses both",
    ]


def test_old_warehouses_widen_decimals_and_log_formats(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Opportunity/a.csv", AMOUNT + "006000000000001AAA,1\n")
    run_ingest(warehouse, landing)
    warehouse.execute("alter table meta.load_log drop column formats")
    warehouse.execute(
        "alter table raw.salesforce__opportunity alter column amount set data type decimal(18, 4)"
    )
    deliver("salesforce/Opportunity/b.csv", AMOUNT + "006000000000002AAA,0.123456\n")
    run_ingest(warehouse, landing)
    assert amounts(warehouse)[-1] == Decimal("0.123456")
    assert formats(warehouse, "salesforce/Opportunity/b.csv")["amount"]["decimal_separator"] == "."


def test_a_blank_required_id_is_missing(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.csv", "Id,Email\n   ,a@x.com\n00Q000000000002AAA,b@x.com\n")
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantined(warehouse)[0]["reason"] == "id: required value is missing"


def test_nul_in_text_is_quarantined_and_other_white_space_kept(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,Company,Title\n00Q000000000001AAA,Ac\x00me,\n"
        '00Q000000000002AAA,"Two\tlines\nkept",VP\n',
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    [bad] = quarantined(warehouse)
    assert (bad["reason"], bad["value"]) == ("company: NUL character in text", "Ac\\0me")
    assert one(warehouse, "select company from raw.salesforce__lead") == "Two\tlines\nkept"

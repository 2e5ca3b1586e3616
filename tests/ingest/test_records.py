"""Every record a CSV file holds is loaded or quarantined with its own line, whatever the reader
makes of broken quoting, blank lines, multi-line fields or a very wide line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import repair as repair_module
from pipeline.ingest.census import take_census
from pipeline.ingest.repair import repair
from tests.conftest import LandingWriter
from tests.ingest.helpers import one, rows, run_ingest


def _log(con: duckdb.DuckDBPyConnection, path: str) -> dict[str, object]:
    [logged] = rows(
        con,
        "select rows_read, rows_loaded, rows_quarantined, lines_skipped from meta.load_log "
        f"where path = '{path}'",
    )
    return logged


def _quarantined(con: duckdb.DuckDBPyConnection, path: str) -> list[tuple[int, str]]:
    found = con.execute(
        "select line, reason from meta.quarantine where path = ? order by line", [path]
    ).fetchall()
    return [(int(line), str(reason)) for line, reason in found]


def _lines(con: duckdb.DuckDBPyConnection, path: str) -> list[tuple[int, str]]:
    found = con.execute(
        "select _line, id from raw.salesforce__lead where _file = ? order by _line", [path]
    ).fetchall()
    return [(int(line), str(id_)) for line, id_ in found]


def test_an_unterminated_quote_loses_only_its_own_line(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        'Id,Email\n00Q1,a@x.com\n00Q2,"b@x.com\n00Q3,c@x.com\n00Q4,d@x.com\n00Q5,e@x.com\n',
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 4, 1)
    assert _quarantined(warehouse, "salesforce/Lead/l.csv") == [
        (3, "unterminated quote: the quote opened on this line never closes")
    ]
    assert _lines(warehouse, "salesforce/Lead/l.csv") == [
        (2, "00Q1"),
        (4, "00Q3"),
        (5, "00Q4"),
        (6, "00Q5"),
    ]


def test_a_quote_swallowing_later_lines_gives_them_back(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    # Lines 3-5 would read as one record of 2 fields (the header has 3): line 3 opened the quote
    # wrongly, line 4 is a good record, line 5 opens a quote of its own that never closes.
    deliver(
        "salesforce/Lead/l.csv",
        'Id,Email,Company\n00Q1,a@x.com,A\n00Q2,"b@x.com,B\n00Q3,c@x.com,C\n00Q4,d@x.com,D"\n',
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    [(line3, swallowed), (line5, unterminated)] = _quarantined(warehouse, "salesforce/Lead/l.csv")
    assert (line3, line5) == (3, 5)
    assert "runs over 3 lines into a record of 2 fields (the header has 3)" in swallowed
    assert unterminated.startswith("unterminated quote")
    assert _lines(warehouse, "salesforce/Lead/l.csv") == [(2, "00Q1"), (4, "00Q3")]


def test_lines_stay_exact_after_a_multi_line_field_and_a_blank_line(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        'Id,Email\n00Q1,"first\nsecond\nthird"\n\n00Q2,b@x.com\n00Q3,c@x.com,extra\n00Q4,d@x.com\n',
    )
    run_ingest(warehouse, landing)
    assert _log(warehouse, "salesforce/Lead/l.csv") == {
        "rows_read": 4,
        "rows_loaded": 3,
        "rows_quarantined": 1,
        "lines_skipped": 1,
    }
    assert _lines(warehouse, "salesforce/Lead/l.csv") == [(2, "00Q1"), (6, "00Q2"), (8, "00Q4")]
    assert [line for line, _ in _quarantined(warehouse, "salesforce/Lead/l.csv")] == [7]
    assert one(warehouse, "select email from raw.salesforce__lead where id = '00Q1'") == (
        "first\nsecond\nthird"
    )


def test_bad_lines_in_one_file_do_not_shift_another_files_lines(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/Lead_A.csv",
        "Id,Email\n00QA1,a@x.com\n00QA2,b,c\n00QA3,d,e\n00QA4,f@x.com\n",
    )
    deliver("salesforce/Lead/Lead_B.csv", "Id,Email\n00QB1,a@x.com\n00QB2,b@x.com\n00QB3,c@x.com\n")
    run_ingest(warehouse, landing)
    assert _lines(warehouse, "salesforce/Lead/Lead_B.csv") == [
        (2, "00QB1"),
        (3, "00QB2"),
        (4, "00QB3"),
    ]
    assert _lines(warehouse, "salesforce/Lead/Lead_A.csv") == [(2, "00QA1"), (5, "00QA4")]
    assert [line for line, _ in _quarantined(warehouse, "salesforce/Lead/Lead_A.csv")] == [3, 4]


def test_a_line_of_100000_fields_is_quarantined_with_its_real_count(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver(
        "salesforce/Lead/l.csv",
        "Id,Email\n00Q1,a@x.com\n" + "x," * 99_999 + "x\n00Q2,b@x.com\n",
    )
    [result] = run_ingest(warehouse, landing)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert _quarantined(warehouse, "salesforce/Lead/l.csv") == [
        (3, "TOO MANY COLUMNS: 100,000 fields, over the limit of 20 (10x the header's 2)")
    ]
    assert _lines(warehouse, "salesforce/Lead/l.csv") == [(2, "00Q1"), (4, "00Q2")]


def test_a_wide_line_is_counted_once_and_never_reaches_the_reader(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    normal = "".join(f"00Q{i},a{i}@x.com\n" for i in range(1000))
    source.write_text("Id,Email\n" + normal + "x," * 99_999 + "x\n" + normal)
    census = take_census(source, ",", 20)
    assert census.wide_lines
    repaired = repair(source, tmp_path / "clean.csv", census, 0, ",", 2)
    # Only the wide line's fields are counted (the short lines are left to DuckDB): linear work.
    assert repaired.fields_scanned == 100_000
    assert repaired.records == 2000
    assert [r.line for r in repaired.rejects] == [1002]
    assert max(len(line) for line in (tmp_path / "clean.csv").read_text().splitlines()) < 100


def test_a_clean_file_is_read_without_the_scan(tmp_path: Path) -> None:
    source = tmp_path / "l.csv"
    source.write_text('Id,Email\n00Q1,"a@x.com"\n00Q2,b@x.com')
    census = take_census(source, ",", 20)
    assert (census.lines, census.encoding, census.needs_repair) == (3, "utf-8", False)


def test_rows_in_file_equal_loaded_plus_quarantined_for_every_broken_shape(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    shapes = {
        "unterminated.csv": 'Id,Email\n00Q1,"a\n00Q2,b\n',
        "multi_line.csv": 'Id,Email\n00Q1,"a\nb"\n00Q2,b\n',
        "blank.csv": "Id,Email\n\n00Q1,a\n\n",
        "extra.csv": "Id,Email\n00Q1,a,b\n00Q2,b\n",
        "missing.csv": "Id,Email\n00Q1\n00Q2,b\n",
        "crlf.csv": "Id,Email\r\n00Q1,a\r\n\r\n00Q2,b\r\n",
        "no_newline.csv": "Id,Email\n00Q1,a\n00Q2,b",
    }
    for name, content in shapes.items():
        deliver(f"salesforce/Lead/{name}", content)
    results = run_ingest(warehouse, landing)
    assert {r.path.rsplit("/", 1)[1]: r.rows_read for r in results} == {
        "unterminated.csv": 2,
        "multi_line.csv": 2,
        "blank.csv": 1,
        "extra.csv": 2,
        "missing.csv": 2,
        "crlf.csv": 2,
        "no_newline.csv": 2,
    }
    assert all(r.rows_read == r.rows_loaded + r.rows_quarantined for r in results)
    assert one(warehouse, "select count(*) from meta.quarantine") == sum(
        r.rows_quarantined for r in results
    )


def test_a_repeated_contract_column_rejects_the_file_naming_the_names(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.csv", "Id,Email,FirstName,email\n00Q1,a@x.com,Ann,b@x.com\n")
    [result] = run_ingest(warehouse, landing)
    assert result.status == "rejected"
    assert result.error == (
        "repeated column(s) in the header: Email and email all mean email; keep one of each "
        "and deliver the file again"
    )


def test_repeated_extra_columns_keep_every_value_with_a_suffix(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter
) -> None:
    deliver("salesforce/Lead/l.csv", "Id,Note,Note,Note\n00Q1,one,two,three\n")
    run_ingest(warehouse, landing)
    assert one(warehouse, "select _extra::varchar from raw.salesforce__lead") == (
        '{"Note":"one","Note_2":"two","Note_3":"three"}'
    )
    assert one(warehouse, "select extra_columns from meta.load_log") == ["Note", "Note_2", "Note_3"]


def test_clean_blocks_and_single_lines_give_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of clean lines go whole; a block with a quote left open, a blank line or a long
    line is read line by line (also when a record starts in one block and ends in another)."""
    source = tmp_path / "l.csv"
    source.write_bytes(
        b'Id,Email\n00Q1,a\n00Q2,b\n00Q3,"multi\nline"\n00Q4,d\n\n00Q5,"open\n00Q6,f\n'
        + b"00Q7,"
        + b"x" * 1500
        + b"\n00Q8,h\n00Q9,i,j\n00QA,k"
    )

    def scanned(block: int) -> tuple[bytes, object, object, int]:
        monkeypatch.setattr(repair_module, "_BLOCK", block)
        target = tmp_path / f"clean_{block}.csv"
        found = repair(source, target, take_census(source, ",", 20), 0, ",", 2)
        rejects = [(r.line, r.reason[:20]) for r in found.rejects]
        return target.read_bytes(), found.runs, rejects, found.skipped

    whole = scanned(1 << 20)
    assert whole[1] == [(1, 2, 3), (4, 6, 1), (5, 9, 5)]
    assert whole[2] == [(8, "unterminated quote: ")]
    assert all(scanned(block) == whole for block in (8, 20, 64))


def test_blank_lines_at_the_end_are_skipped_and_counted(
    warehouse: duckdb.DuckDBPyConnection, landing: Path, deliver: LandingWriter, tmp_path: Path
) -> None:
    content = "Id,Email\r\n00Q1,a@x.com\r\n00Q2,b@x.com\r\n\r\n\r\n"
    (tmp_path / "l.csv").write_text(content, newline="")
    assert take_census(tmp_path / "l.csv", ",", 20).trailing_blank == 2
    deliver("salesforce/Lead/l.csv", content)
    run_ingest(warehouse, landing)
    assert _log(warehouse, "salesforce/Lead/l.csv") == {
        "rows_read": 2,
        "rows_loaded": 2,
        "rows_quarantined": 0,
        "lines_skipped": 2,
    }
    assert _lines(warehouse, "salesforce/Lead/l.csv") == [(2, "00Q1"), (3, "00Q2")]

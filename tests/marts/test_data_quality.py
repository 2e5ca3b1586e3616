"""mart_data_quality counts a loaded row as a duplicate when its record key was delivered
before: earlier in the same file, or in an earlier load (loads ordered by load time, then path)."""

from __future__ import annotations

from pathlib import Path

from tests.funnel.people_world import sfid
from tests.funnel.touch_world import build, rows

HEADER = "Id,Email,SystemModstamp"
A, B, C = sfid("00Q", 1), sfid("00Q", 2), sfid("00Q", 3)


def test_duplicates_count_earlier_rows_of_the_same_file_and_earlier_files(tmp_path: Path) -> None:
    day1 = [f"{A},a@x.com,2026-03-01T00:00:00Z", f"{B},b@x.com,2026-03-01T00:00:00Z",
            f"{A},a@y.com,2026-03-01T01:00:00Z"]  # fmt: skip
    day2 = [f"{B},b@y.com,2026-03-02T00:00:00Z", f"{C},c@x.com,2026-03-02T00:00:00Z"]
    con = build(
        tmp_path,
        {
            "salesforce/Lead/Lead_2026-03-01.csv": "\n".join([HEADER, *day1]) + "\n",
            "salesforce/Lead/Lead_2026-03-02.csv": "\n".join([HEADER, *day2]) + "\n",
        },
        "mart_data_quality",
    )
    found = rows(
        con,
        "select path, rows_loaded, duplicate_rows from marts.mart_data_quality "
        "where object = 'Lead' order by path",
    )
    assert found == [
        {"path": "salesforce/Lead/Lead_2026-03-01.csv", "rows_loaded": 3, "duplicate_rows": 1},
        {"path": "salesforce/Lead/Lead_2026-03-02.csv", "rows_loaded": 2, "duplicate_rows": 1},
    ]

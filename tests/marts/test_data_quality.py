"""mart_data_quality counts a loaded row as a re-delivery (redelivered_rows, a CDC version of one
record, not a duplicate person) when its record key was delivered before: earlier in the same
file, or in an earlier load (loads ordered by load time, then path)."""

from __future__ import annotations

from pathlib import Path

from pipeline.engine import build as build_models
from pipeline.engine import load_project
from tests.funnel.harness import MODELS_DIR, land
from tests.funnel.people_world import sfid
from tests.funnel.touch_world import build, rows

HEADER = "Id,Email,SystemModstamp"
A, B, C = sfid("00Q", 1), sfid("00Q", 2), sfid("00Q", 3)


DAY1 = [f"{A},a@x.com,2026-03-01T00:00:00Z", f"{B},b@x.com,2026-03-01T00:00:00Z",
        f"{A},a@y.com,2026-03-01T01:00:00Z"]  # fmt: skip
DAY2 = [f"{B},b@y.com,2026-03-02T00:00:00Z", f"{C},c@x.com,2026-03-02T00:00:00Z"]
EXPECTED = [
    {"path": "salesforce/Lead/Lead_2026-03-01.csv", "rows_loaded": 3, "redelivered_rows": 1},
    {"path": "salesforce/Lead/Lead_2026-03-02.csv", "rows_loaded": 2, "redelivered_rows": 1},
]
QUERY = (
    "select path, rows_loaded, redelivered_rows from marts.mart_data_quality "
    "where object = 'Lead' order by path"
)


def _file(lines: list[str]) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def test_redeliveries_count_earlier_rows_of_the_same_file_and_earlier_files(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "salesforce/Lead/Lead_2026-03-01.csv": _file(DAY1),
            "salesforce/Lead/Lead_2026-03-02.csv": _file(DAY2),
        },
        "mart_data_quality",
    )
    assert rows(con, QUERY) == EXPECTED


def test_a_night_adds_its_new_loads_with_the_same_counts_as_a_full_build(tmp_path: Path) -> None:
    con = build(tmp_path, {"salesforce/Lead/Lead_2026-03-01.csv": _file(DAY1)}, "mart_data_quality")
    land(con, tmp_path / "landing", {"salesforce/Lead/Lead_2026-03-02.csv": _file(DAY2)})
    [night] = build_models(con, load_project(MODELS_DIR), ["mart_data_quality"])
    assert night.ok, night.message
    assert rows(con, QUERY) == EXPECTED


def test_a_night_leaves_the_rows_of_earlier_loads_as_they_are(tmp_path: Path) -> None:
    con = build(tmp_path, {"salesforce/Lead/Lead_2026-03-01.csv": _file(DAY1)}, "mart_data_quality")
    con.execute("update marts.mart_data_quality set redelivered_rows = 99 where object = 'Lead'")
    land(con, tmp_path / "landing", {"salesforce/Lead/Lead_2026-03-02.csv": _file(DAY2)})
    build_models(con, load_project(MODELS_DIR), ["mart_data_quality"])
    assert [r["redelivered_rows"] for r in rows(con, QUERY)] == [99, 1]

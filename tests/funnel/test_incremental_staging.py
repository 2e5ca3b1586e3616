"""Incremental staging reads the loads it has not seen: stg_salesforce__campaign_member
recomputes the CDC of their ids over all versions (hard deletes leave the table; the result
equals a full rebuild), and a late file is applied whatever the date in its name, in the
Salesforce and the Marketo activity models alike."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.engine import build, load_project
from pipeline.warehouse import connect
from tests.funnel.harness import MODELS_DIR, build_selected, land, rows
from tests.funnel.people_world import csv, empty_warehouse, sfid
from tests.funnel.touch_world import ACTIVITY_HEADER, marketo_activity

HEADER = "Id,CampaignId,LeadId,Status,IsDeleted,SystemModstamp,LastModifiedDate"
CAMPAIGN = sfid("701", 1)
M1, M2, M3, M4 = (sfid("00v", n) for n in (1, 2, 3, 4))
TARGET = "select campaign_member_id, status from staging.stg_salesforce__campaign_member"


def member(member_id: str, status: str, deleted: bool, at: str) -> str:
    return f"{member_id},{CAMPAIGN},{sfid('00Q', 1)},{status},{str(deleted).lower()},{at},{at}"


NIGHT_1 = {
    "salesforce/CampaignMember/CampaignMember_2024-01-01.csv": csv(
        HEADER,
        [
            member(M1, "Sent", False, "2024-01-01T08:00:00Z"),
            member(M2, "Sent", False, "2024-01-01T08:00:00Z"),
            member(M3, "Sent", False, "2024-01-01T08:00:00Z"),
        ],
    )
}
NIGHT_2 = {
    # M1 deleted, M2 responded (and an older version of M2 re-delivered after it), M4 new
    "salesforce/CampaignMember/CampaignMember_2024-01-02.csv": csv(
        HEADER,
        [
            member(M1, "Sent", True, "2024-01-02T08:00:00Z"),
            member(M2, "Responded", False, "2024-01-02T08:00:00Z"),
            member(M2, "Old", False, "2023-12-31T08:00:00Z"),
            member(M4, "Sent", False, "2024-01-02T08:00:00Z"),
        ],
    )
}


def deliver_and_build(
    con: duckdb.DuckDBPyConnection, landing: Path, files: dict[str, str], full_refresh: bool
) -> None:
    land(con, landing, files)
    project = load_project(MODELS_DIR)
    [result] = build(con, project, ["stg_salesforce__campaign_member"], full_refresh=full_refresh)
    assert result.ok, result.message


def test_a_night_applies_updates_deletes_and_new_members(tmp_path: Path) -> None:
    con = connect(tmp_path / "warehouse.duckdb")
    deliver_and_build(con, tmp_path / "landing", NIGHT_1, full_refresh=False)
    deliver_and_build(con, tmp_path / "landing", NIGHT_2, full_refresh=False)
    nightly = rows(con, TARGET + " order by 1")
    assert nightly == [
        {"campaign_member_id": M2, "status": "Responded"},
        {"campaign_member_id": M3, "status": "Sent"},
        {"campaign_member_id": M4, "status": "Sent"},
    ]
    deliver_and_build(con, tmp_path / "landing", {}, full_refresh=True)
    assert rows(con, TARGET + " order by 1") == nightly


def test_a_late_file_named_long_before_the_lookback_is_applied(tmp_path: Path) -> None:
    con = connect(tmp_path / "warehouse.duckdb")
    deliver_and_build(con, tmp_path / "landing", NIGHT_1, full_refresh=False)
    late = {
        "salesforce/CampaignMember/CampaignMember_2020-06-30.csv": csv(
            HEADER, [member(M3, "Responded", False, "2024-01-03T08:00:00Z")]
        )
    }
    deliver_and_build(con, tmp_path / "landing", late, full_refresh=False)
    assert rows(con, TARGET + f" where campaign_member_id = '{M3}'") == [
        {"campaign_member_id": M3, "status": "Responded"}
    ]


def test_a_late_activity_file_named_long_ago_reaches_the_activities_and_touches(
    tmp_path: Path,
) -> None:
    con = empty_warehouse(tmp_path)
    form = {"Query Parameters": "utm_source=google&utm_medium=cpc"}
    night_1 = {
        "marketo/activities/activities_2024-03-06.csv": csv(
            ACTIVITY_HEADER, [marketo_activity("a1", 1, "2024-03-04T10:00:00Z", 2, form)]
        )
    }
    late = {
        "marketo/activities/activities_2020-01-01.csv": csv(
            ACTIVITY_HEADER, [marketo_activity("a0", 1, "2024-03-05T10:00:00Z", 2, form)]
        )
    }
    land(con, tmp_path / "landing", night_1)
    build_selected(con, "+int_touch__marketo")
    land(con, tmp_path / "landing", late)
    build_selected(con, "+int_touch__marketo")
    activities = rows(con, "select activity_id from staging.stg_marketo__activities order by 1")
    touches = rows(con, "select touch_id from intermediate.int_touch__marketo order by 1")
    assert [a["activity_id"] for a in activities] == ["a0", "a1"]
    assert [t["touch_id"] for t in touches] == ["marketo:a0", "marketo:a1"]

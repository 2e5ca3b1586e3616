"""Staging: CDC keeps the latest version, deletes are dropped, Marketo extracts are cleaned."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.funnel.people_world import build, csv, rows, sfid

LEAD_1 = sfid("00Q", 1)
LEAD_2 = sfid("00Q", 2)
ACTIVITY_HEADER = (
    "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
    "primaryAttributeValue,attributes"
)


def test_cdc_keeps_the_version_with_the_latest_modstamp(tmp_path: Path) -> None:
    # the second file is delivered later but carries an older version of lead 1
    header = "Id,Status,SystemModstamp"
    con = build(
        tmp_path,
        {
            "salesforce/Lead/1.csv": csv(header, [f"{LEAD_1},MQL,2024-01-05T00:00:00Z"]),
            "salesforce/Lead/2.csv": csv(header, [f"{LEAD_1},Open,2024-01-02T00:00:00Z"]),
        },
    )
    assert rows(con, "select lead_id, status from staging.stg_salesforce__lead") == [
        {"lead_id": LEAD_1, "status": "MQL"}
    ]


def test_cdc_breaks_modstamp_ties_by_delivery(tmp_path: Path) -> None:
    header = "Id,Status,SystemModstamp"
    con = build(
        tmp_path,
        {
            "salesforce/Lead/1.csv": csv(header, [f"{LEAD_1},Open,2024-01-05T00:00:00Z"]),
            "salesforce/Lead/2.csv": csv(header, [f"{LEAD_1},SQL,2024-01-05T00:00:00Z"]),
        },
    )
    assert rows(con, "select status from staging.stg_salesforce__lead") == [{"status": "SQL"}]


def test_deleted_salesforce_records_are_dropped(tmp_path: Path) -> None:
    header = "Id,IsDeleted,SystemModstamp"
    con = build(
        tmp_path,
        {
            "salesforce/Lead/1.csv": csv(
                header,
                [f"{LEAD_1},false,2024-01-01T00:00:00Z", f"{LEAD_2},false,2024-01-01T00:00:00Z"],
            ),
            "salesforce/Lead/2.csv": csv(header, [f"{LEAD_2},true,2024-01-03T00:00:00Z"]),
        },
    )
    assert rows(con, "select lead_id from staging.stg_salesforce__lead") == [{"lead_id": LEAD_1}]


def test_deleted_marketo_leads_and_their_activities_are_dropped(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "marketo/leads/m.csv": csv(
                "id,email,updatedAt",
                ["1,a@x.com,2024-01-01T00:00:00Z", "2,b@x.com,2024-01-01T00:00:00Z"],
            ),
            "marketo/activities/a.csv": csv(
                ACTIVITY_HEADER,
                [
                    "g-1,1,2024-01-02T00:00:00Z,1,,,/pricing,",
                    "g-2,2,2024-01-02T00:00:00Z,1,,,/pricing,",
                    "g-3,2,2024-01-03T00:00:00Z,37,,,,",
                ],
            ),
        },
    )
    assert rows(con, "select lead_id from staging.stg_marketo__leads") == [{"lead_id": 1}]
    assert rows(con, "select activity_id from staging.stg_marketo__activities") == [
        {"activity_id": "g-1"}
    ]


def test_marketo_activities_are_deduplicated_and_named(tmp_path: Path) -> None:
    # g-1 delivered twice; type 11 is not in the instance's extract: standard name used
    con = build(
        tmp_path,
        {
            "marketo/activity_types/t.csv": csv("id,name", ["100001,Attended Booth"]),
            "marketo/activities/1.csv": csv(
                ACTIVITY_HEADER, ["g-1,1,2024-01-02T00:00:00Z,11,,,Newsletter,"]
            ),
            "marketo/activities/2.csv": csv(
                ACTIVITY_HEADER,
                [
                    "g-1,1,2024-01-02T00:00:00Z,11,,,Newsletter,",
                    "g-2,1,2024-01-04T00:00:00Z,100001,,,Booth 12,",
                ],
            ),
        },
    )
    assert rows(
        con,
        "select activity_id, activity_type_name from staging.stg_marketo__activities "
        "order by activity_id",
    ) == [
        {"activity_id": "g-1", "activity_type_name": "Click Email"},
        {"activity_id": "g-2", "activity_type_name": "Attended Booth"},
    ]


def test_program_synced_campaign_id_is_18_characters(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "marketo/programs/p.csv": csv(
                "id,name,type,channel,sfdcId,updatedAt",
                ["7,Webinar Q1,Event,Webinar,701000000000001,2024-01-01T00:00:00Z"],
            ),
        },
    )
    found = rows(con, "select program_id, sfdc_campaign_id from staging.stg_marketo__programs")
    assert found == [{"program_id": 7, "sfdc_campaign_id": "701000000000001AAA"}]


@pytest.mark.skipif(importlib.util.find_spec("pipeline.generate") is None, reason="no generator")
def test_the_generated_world_builds_end_to_end(tmp_path: Path) -> None:
    generate = pytest.importorskip("pipeline.generate")
    generate_world = getattr(generate, "generate_world", None)
    if generate_world is None:
        pytest.skip("pipeline.generate has no generate_world yet")
    generate_world(tmp_path / "landing", people=300, days=30)
    con = build(tmp_path, {}, strict=False)
    people = rows(con, "select count(*) as n from marts.dim_person")[0]["n"]
    assert people > 0
    assert rows(con, "select count(*) as n from marts.fct_opportunity")[0]["n"] > 0

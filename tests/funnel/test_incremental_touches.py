"""fct_touch is incremental on person_id: a night recomputes exactly the people whose inputs
changed (a record moving person, new activities or campaign members, an edited campaign), and
the result equals a full rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.engine import rebuilt_relation
from tests.funnel.harness import build_selected, land, rows
from tests.funnel.people_world import empty_warehouse
from tests.funnel.touch_world import ACTIVITY_HEADER, csv, marketo_activity, sfid

CONTACT = sfid("003", 1)
WEBINAR, EBOOK = sfid("701", 1), sfid("701", 2)
FORM = 2
LEAD_HEADER = "id,email,createdAt,updatedAt,sfdcContactId"
CAMPAIGN_HEADER = "Id,Name,Type,SystemModstamp"
MEMBER_HEADER = (
    "Id,CampaignId,LeadId,ContactId,HasResponded,FirstRespondedDate,IsDeleted,SystemModstamp"
)


def form_fill(guid: str, lead: int, day: str) -> str:
    return marketo_activity(guid, lead, f"2024-03-{day}T10:00:00Z", FORM, {"Query Parameters": ""})


NIGHT_1 = {
    "salesforce/Contact/contact_2024-03-06.csv": csv(
        "Id,Email,CreatedDate", [f"{CONTACT},ann@acme.com,2024-01-01T00:00:00Z"]
    ),
    "salesforce/Campaign/campaign_2024-03-06.csv": csv(
        CAMPAIGN_HEADER,
        [
            f"{WEBINAR},Webinar,Webinar,2024-03-01T00:00:00Z",
            f"{EBOOK},Ebook,Content Syndication,2024-03-01T00:00:00Z",
        ],
    ),
    "salesforce/CampaignMember/member_2024-03-06.csv": csv(
        MEMBER_HEADER,
        [
            f"{sfid('00v', 1)},{WEBINAR},,{CONTACT},true,2024-03-02,false,2024-03-02T00:00:00Z",
            f"{sfid('00v', 2)},{EBOOK},,{CONTACT},true,2024-03-03,false,2024-03-03T00:00:00Z",
        ],
    ),
    "marketo/leads/leads_2024-03-06.csv": csv(
        LEAD_HEADER,
        [
            f"1,ann@acme.com,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,{CONTACT}",
            "2,bob@beta.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,",
            "3,cat@gamma.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,",
            "4,dan@delta.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,",
        ],
    ),
    "marketo/activities/activities_2024-03-06.csv": csv(
        ACTIVITY_HEADER,
        [
            form_fill(g, lead, day)
            for g, lead, day in (("a1", 1, "04"), ("b1", 2, "06"), ("c1", 3, "04"), ("d1", 4, "04"))
        ],
    ),
}
NIGHT_2 = {
    # bob's lead is now synced to ann's contact: his touches move to ann, his person goes
    "marketo/leads/leads_2024-03-07.csv": csv(
        LEAD_HEADER, [f"2,bob@beta.com,2024-03-01T00:00:00Z,2024-03-02T00:00:00Z,{CONTACT}"]
    ),
    # cat fills in another form, and a late one of March 1st arrives
    "marketo/activities/activities_2024-03-07.csv": csv(
        ACTIVITY_HEADER, [form_fill("c2", 3, "07"), form_fill("c0", 3, "01")]
    ),
    # the ebook campaign is re-typed as a webinar; its member is deleted
    "salesforce/Campaign/campaign_2024-03-07.csv": csv(
        CAMPAIGN_HEADER, [f"{EBOOK},Ebook,Webinar,2024-03-02T00:00:00Z"]
    ),
    "salesforce/CampaignMember/member_2024-03-07.csv": csv(
        MEMBER_HEADER,
        [f"{sfid('00v', 2)},{EBOOK},,{CONTACT},true,2024-03-03,true,2024-03-04T00:00:00Z"],
    ),
}
TOUCHES = "select * from marts.fct_touch order by touch_id"


def person_of(con: duckdb.DuckDBPyConnection, lead_id: int) -> str:
    found = con.execute(
        "select person_id from intermediate.int_identity__crosswalk "
        "where source_system = 'marketo' and source_object = 'leads' and source_id = ?",
        [str(lead_id)],
    ).fetchone()
    assert found is not None
    return str(found[0])


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("incremental_touches")
    con = empty_warehouse(root)
    land(con, root / "landing", NIGHT_1)
    build_selected(con, "+fct_touch")
    before = {"bob": person_of(con, 2), "touches": rows(con, TOUCHES)}
    land(con, root / "landing", NIGHT_2)
    build_selected(con, "+fct_touch")
    changed = {
        r["person_id"]
        for r in rows(con, f"select * from {rebuilt_relation(con, 'marts.fct_touch')}")
    }
    nightly = rows(con, TOUCHES)
    people = {name: person_of(con, lead) for name, lead in (("ann", 1), ("cat", 3), ("dan", 4))}
    build_selected(con, "+fct_touch", full_refresh=True)
    return {"before": before, "changed": changed, "nightly": nightly, "people": people,
            "rebuilt": rows(con, TOUCHES)}  # fmt: skip


def test_the_night_recomputes_exactly_the_people_whose_inputs_changed(
    nights: dict[str, Any],
) -> None:
    people = nights["people"]
    assert people["ann"] != nights["before"]["bob"]
    # ann (bob's lead joined her, her ebook member went), bob's vanished person, cat (new
    # activities); not dan
    assert nights["changed"] == {people["ann"], nights["before"]["bob"], people["cat"]}


def test_the_night_moves_adds_and_deletes_touches(nights: dict[str, Any]) -> None:
    by_id = {t["touch_id"]: t for t in nights["nightly"]}
    people = nights["people"]
    assert by_id["marketo:b1"]["person_id"] == people["ann"]
    assert {"marketo:c0", "marketo:c2"} <= by_id.keys()
    assert f"salesforce:{sfid('00v', 2)}" not in by_id
    assert nights["before"]["bob"] not in {t["person_id"] for t in nights["nightly"]}


def test_the_night_equals_a_full_rebuild(nights: dict[str, Any]) -> None:
    assert nights["nightly"] == nights["rebuilt"]
    assert len(nights["rebuilt"]) == 7  # a1 b1 c0 c1 c2 d1 and the webinar response


def test_a_changed_channel_rule_recomputes_everyone(tmp_path: Path) -> None:
    con = empty_warehouse(tmp_path)
    land(con, tmp_path / "landing", NIGHT_1)
    build_selected(con, "+fct_touch")
    everyone = {r["person_id"] for r in rows(con, "select distinct person_id from marts.fct_touch")}
    # webinar campaign responses now count as events (the campaign type's channel)
    con.execute(
        "update seeds.campaign_type_channels set channel = 'events' "
        "where lower(source_field) = 'campaign_type' and lower(value) = 'webinar'"
    )
    build_selected(con, "+fct_touch")
    changed = rows(con, f"select person_id from {rebuilt_relation(con, 'marts.fct_touch')}")
    assert {r["person_id"] for r in changed} == everyone
    nightly = rows(con, TOUCHES)
    assert f"salesforce:{sfid('00v', 1)}" in {
        t["touch_id"] for t in nightly if t["channel"] == "events"
    }
    build_selected(con, "+fct_touch", full_refresh=True)
    assert rows(con, TOUCHES) == nightly

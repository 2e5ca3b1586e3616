"""int_identity__crosswalk is incremental: a night relabels the records of every person with a
changed record or link (and the new records), and the crosswalk equals a full rebuild."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.engine import rebuilt_relation
from tests.funnel.harness import build_selected, land, rows
from tests.funnel.people_world import csv, empty_warehouse, sfid

CONTACT, HAL_CONTACT, HAL_LEAD = sfid("003", 1), sfid("003", 2), sfid("00Q", 1)
LEAD_HEADER = "id,email,createdAt,updatedAt,sfdcContactId,sfdcLeadId"
SF_LEAD_HEADER = "Id,Email,CreatedDate,SystemModstamp,IsConverted,ConvertedContactId"
NIGHT_1 = {
    "salesforce/Contact/contact_2024-03-06.csv": csv(
        "Id,Email,CreatedDate", [f"{CONTACT},ann@acme.com,2024-01-01T00:00:00Z"]
    ),
    "salesforce/Lead/lead_2024-03-06.csv": csv(
        SF_LEAD_HEADER, [f"{HAL_LEAD},hal@eta.com,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,,"]
    ),
    "marketo/leads/leads_2024-03-06.csv": csv(
        LEAD_HEADER,
        [
            f"1,ann@acme.com,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,{CONTACT},",
            "2,bob@beta.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,,",
            "3,cat@gamma.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,,",
            "4,dan@delta.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,,",
            "6,fay@phi.com,2024-03-01T00:00:00Z,2024-03-01T00:00:00Z,,",
            f"8,hal.m@eta.com,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,,{HAL_LEAD}",
        ],
    ),
}
NIGHT_2 = {
    "marketo/leads/leads_2024-03-07.csv": csv(
        LEAD_HEADER,
        [
            # bob is now synced to ann's contact; cat now uses dan's address; eve is new
            f"2,bob@beta.com,2024-03-01T00:00:00Z,2024-03-07T00:00:00Z,{CONTACT},",
            "3,dan@delta.com,2024-03-01T00:00:00Z,2024-03-07T00:00:00Z,,",
            "5,eve@eps.com,2024-03-07T00:00:00Z,2024-03-07T00:00:00Z,,",
        ],
    ),
    # hal's CRM lead converts to a new contact: hal's MAP lead (8), whose own link to the CRM
    # lead did not change, moves to the contact's person with them
    "salesforce/Contact/contact_2024-03-07.csv": csv(
        "Id,Email,CreatedDate", [f"{HAL_CONTACT},hal@eta.com,2024-03-07T00:00:00Z"]
    ),
    "salesforce/Lead/lead_2024-03-07.csv": csv(
        SF_LEAD_HEADER,
        [f"{HAL_LEAD},hal@eta.com,2024-01-01T00:00:00Z,2024-03-07T00:00:00Z,true,{HAL_CONTACT}"],
    ),
}
CROSSWALK = "select * from intermediate.int_identity__crosswalk order by record_key"


def lead(number: int) -> str:
    return f"3|marketo|leads|{number}"


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("incremental_identity")
    con = empty_warehouse(root)
    land(con, root / "landing", NIGHT_1)
    build_selected(con, "+int_identity__crosswalk")
    land(con, root / "landing", NIGHT_2)
    build_selected(con, "+int_identity__crosswalk")
    affected = rows(
        con,
        f"select record_key from {rebuilt_relation(con, 'intermediate.int_identity__crosswalk')}",
    )
    nightly = rows(con, CROSSWALK)
    build_selected(con, "+int_identity__crosswalk", full_refresh=True)
    return {"affected": {r["record_key"] for r in affected}, "nightly": nightly,
            "rebuilt": rows(con, CROSSWALK)}  # fmt: skip


def test_the_night_relabels_the_people_with_a_changed_record_or_link(
    nights: dict[str, Any],
) -> None:
    # ann's person (bob's new link ends at her contact), bob, cat and dan (cat's new email
    # link), eve (new), hal's three records; not fay
    assert nights["affected"] == {
        f"1|salesforce|Contact|{CONTACT}", lead(1), lead(2), lead(3), lead(4), lead(5),
        f"1|salesforce|Contact|{HAL_CONTACT}", f"2|salesforce|Lead|{HAL_LEAD}", lead(8),
    }  # fmt: skip


def test_the_night_joins_and_splits_people(nights: dict[str, Any]) -> None:
    person = {r["record_key"]: r["person_key"] for r in nights["nightly"]}
    assert person[lead(2)] == person[lead(1)] == f"1|salesforce|Contact|{CONTACT}"
    assert person[lead(3)] == person[lead(4)] == lead(3)
    assert person[lead(5)] == lead(5)
    assert person[lead(8)] == f"1|salesforce|Contact|{HAL_CONTACT}"


def test_the_night_equals_a_full_rebuild(nights: dict[str, Any]) -> None:
    assert nights["nightly"] == nights["rebuilt"]
    assert len(nights["rebuilt"]) == 10

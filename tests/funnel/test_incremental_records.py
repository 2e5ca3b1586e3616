"""int_identity__records is incremental: a night rebuilds the records named in its new loads,
the contacts of re-delivered accounts, the leads that Marketo deletes or merges, and the
records whose local part entered or left role_mailboxes; the result equals a full rebuild."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.engine import rebuilt_relation
from tests.funnel.harness import build_selected, land, rows
from tests.funnel.people_world import csv, empty_warehouse, sfid

ACME, BETA = sfid("001", 1), sfid("001", 2)
ANN, CY, LIV = sfid("003", 1), sfid("003", 2), sfid("003", 3)
EVE, GUS = sfid("00Q", 1), sfid("00Q", 2)
T0, T1 = "2024-03-01T00:00:00Z", "2024-03-07T00:00:00Z"
CONTACT_HEADER = "Id,AccountId,FirstName,LastName,Email,CreatedDate"
SF_LEAD_HEADER = "Id,FirstName,LastName,Email,Company,CreatedDate,IsDeleted"
LEAD_HEADER = "id,email,firstName,lastName,createdAt,updatedAt"
ACTIVITY_HEADER = (
    "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
    "primaryAttributeValue,attributes"
)
MERGE_104 = '"{""Merge Ids"": [104]}"'
MERGE_111 = '"{""Merge Ids"": [111]}"'
NIGHT_1 = {
    "salesforce/Account/account_2024-03-06.csv": csv(
        "Id,Name", [f"{ACME},Acme Corp", f"{BETA},Beta Inc"]
    ),
    "salesforce/Contact/contact_2024-03-06.csv": csv(
        CONTACT_HEADER,
        [f"{ANN},{ACME},Ann,Lee,ann@acme.com,{T0}", f"{CY},{BETA},Cy,Ng,cy@beta.com,{T0}"],
    ),
    "salesforce/Lead/lead_2024-03-06.csv": csv(
        SF_LEAD_HEADER,
        [f"{EVE},Eve,Li,eve@eta.com,Eta,{T0},false", f"{GUS},Gus,Ho,gus@chi.com,Chi,{T0},false"],
    ),
    "marketo/leads/leads_2024-03-06.csv": csv(
        LEAD_HEADER,
        [
            f"101,hal@a.com,Hal,Ito,{T0},{T0}",
            f"102,ida@b.com,Ida,Jo,{T0},{T0}",
            f"103,jo@c.com,Jo,Ko,{T0},{T0}",
            f"104,jo@d.com,Jo,Ko,{T0},{T0}",
            f"105,kim@e.com,Kim,Lu,{T0},{T0}",
            f"107,sales@y.com,,,{T0},{T0}",
            f"110,ola@g.com,Ola,Pi,{T0},{T0}",
            f"111,ola@h.com,Ola,Pi,{T0},{T0}",
        ],
    ),
    "marketo/activities/activities_2024-03-06.csv": csv(
        ACTIVITY_HEADER,
        [f"g-1,105,{T0},1,,,https://example.com,", f"g-4,110,{T0},32,,,,{MERGE_111}"],
    ),
}
NIGHT_2 = {
    "salesforce/Account/account_2024-03-07.csv": csv("Id,Name", [f"{ACME},Acme Holdings"]),
    "salesforce/Contact/contact_2024-03-07.csv": csv(
        CONTACT_HEADER, [f"{LIV},{BETA},Liv,Ma,liv@beta.com,{T1}"]
    ),
    "salesforce/Lead/lead_2024-03-07.csv": csv(
        SF_LEAD_HEADER, [f"{GUS},Gus,Ho,gus@chi.com,Chi,{T0},true"]
    ),
    "marketo/leads/leads_2024-03-07.csv": csv(
        LEAD_HEADER, [f"101,hal@a.com,Harold,Ito,{T0},{T1}", f"108,max@f.com,Max,No,{T1},{T1}"]
    ),
    "marketo/activities/activities_2024-03-07.csv": csv(
        ACTIVITY_HEADER,
        [f"g-2,102,{T1},37,,,,", f"g-3,103,{T1},32,,,,{MERGE_104}", f"g-5,110,{T1},37,,,,"],
    ),
}
RECORDS = "select * from intermediate.int_identity__records order by record_key"


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("incremental_records")
    con = empty_warehouse(root)
    land(con, root / "landing", NIGHT_1)
    build_selected(con, "+int_identity__records")
    land(con, root / "landing", NIGHT_2)
    con.execute("delete from seeds.role_mailboxes where local_part = 'sales'")
    build_selected(con, "+int_identity__records")
    changed = rows(
        con, f"select * from {rebuilt_relation(con, 'intermediate.int_identity__records')}"
    )
    nightly = rows(con, RECORDS)
    build_selected(con, "+int_identity__records", full_refresh=True)
    return {"changed": {(r["source_object"], r["source_id"]) for r in changed},
            "nightly": nightly, "rebuilt": rows(con, RECORDS)}  # fmt: skip


def test_the_night_rebuilds_exactly_the_records_whose_inputs_changed(
    nights: dict[str, Any],
) -> None:
    # Ann's account was renamed, Liv is new, Gus deleted; Hal updated, Max new, Ida deleted,
    # Jo (103) merged 104; 107's "sales" left role_mailboxes; Ola's 110 deleted, which restores
    # the 111 it had merged. Not Cy, Eve or Kim (105).
    assert nights["changed"] == {
        ("Contact", ANN), ("Contact", LIV), ("Lead", GUS),
        ("leads", "101"), ("leads", "108"), ("leads", "102"), ("leads", "103"),
        ("leads", "104"), ("leads", "107"), ("leads", "110"), ("leads", "111"),
    }  # fmt: skip


def test_the_night_applies_renames_updates_deletes_merges_and_role_changes(
    nights: dict[str, Any],
) -> None:
    by_id = {r["source_id"]: r for r in nights["nightly"]}
    assert by_id[ANN]["company"] == "Acme Holdings"
    assert by_id["101"]["first_name"] == "Harold"
    assert {LIV, "108"} <= by_id.keys()
    assert not {GUS, "102", "104", "110"} & by_id.keys()
    assert "111" in by_id
    assert by_id["107"]["is_role_mailbox"] is False


def test_the_night_equals_a_full_rebuild(nights: dict[str, Any]) -> None:
    assert nights["nightly"] == nights["rebuilt"]
    assert len(nights["rebuilt"]) == 10

"""Identity resolution: each linking rule, the exclusions, and survivorship (hand-made worlds)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.funnel.people_world import build, csv, rows, sfid

CONTACT_1 = sfid("003", 1)
CONTACT_2 = sfid("003", 2)
LEAD_1 = sfid("00Q", 1)
LEAD_2 = sfid("00Q", 2)
ACCOUNT_1 = sfid("001", 1)

SF_LEAD_HEADER = "Id,FirstName,LastName,Email,Company,IsConverted,ConvertedContactId,CreatedDate"
SF_CONTACT_HEADER = "Id,AccountId,FirstName,LastName,Email,IsDeleted,MasterRecordId,CreatedDate"
MKTO_LEAD_HEADER = "id,email,firstName,lastName,createdAt,updatedAt,sfdcLeadId,sfdcContactId"
MKTO_ACTIVITY_HEADER = (
    "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
    "primaryAttributeValue,attributes"
)
T0 = "2024-01-01T00:00:00Z"


def crosswalk(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source_id -> (person_id, match_rule)."""
    found = rows(
        con,
        "select source_id, person_id, match_rule from intermediate.int_identity__crosswalk",
    )
    return {r["source_id"]: (r["person_id"], r["match_rule"]) for r in found}


def test_marketo_lead_joins_the_crm_contact_it_carries(tmp_path: Path) -> None:
    # different emails: only sfdcContactId can link them
    con = build(
        tmp_path,
        {
            "salesforce/Contact/c.csv": csv(
                SF_CONTACT_HEADER, [f"{CONTACT_1},,Ann,Lee,ann@acme.com,false,,{T0}"]
            ),
            "marketo/leads/m.csv": csv(
                MKTO_LEAD_HEADER, [f"101,ann.lee@gmail.com,Ann,Lee,{T0},{T0},,{CONTACT_1}"]
            ),
        },
    )
    links = crosswalk(con)
    assert links["101"][0] == links[CONTACT_1][0]
    assert links["101"][1] == links[CONTACT_1][1] == "map_crm_id"
    assert rows(con, "select count(*) as n from marts.dim_person") == [{"n": 1}]


def test_converted_lead_joins_its_contact(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "salesforce/Lead/l.csv": csv(
                SF_LEAD_HEADER, [f"{LEAD_1},Bo,Ng,bo@old.com,Old,true,{CONTACT_1},{T0}"]
            ),
            "salesforce/Contact/c.csv": csv(
                SF_CONTACT_HEADER, [f"{CONTACT_1},,Bo,Ng,bo@new.com,false,,{T0}"]
            ),
        },
    )
    links = crosswalk(con)
    assert links[LEAD_1] == (links[CONTACT_1][0], "lead_conversion")


def test_salesforce_merge_loser_joins_the_survivor(tmp_path: Path) -> None:
    # contact 2 was merged into contact 1: deleted, MasterRecordId = 1; emails differ
    con = build(
        tmp_path,
        {
            "salesforce/Contact/c.csv": csv(
                SF_CONTACT_HEADER,
                [
                    f"{CONTACT_1},,Cy,Fox,cy@a.com,false,,{T0}",
                    f"{CONTACT_2},,Cy,Fox,cy@b.com,true,{CONTACT_1},{T0}",
                ],
            ),
        },
    )
    found = rows(
        con,
        "select source_id, person_id, match_rule, is_merged_away "
        "from intermediate.int_identity__crosswalk order by source_id",
    )
    assert [(r["source_id"], r["match_rule"], r["is_merged_away"]) for r in found] == [
        (CONTACT_1, "merge", False),
        (CONTACT_2, "merge", True),
    ]
    assert found[0]["person_id"] == found[1]["person_id"]
    # the merged-away contact is not a live record of the person
    assert rows(con, "select source_records from marts.dim_person") == [{"source_records": 1}]


def test_marketo_merge_activity_joins_the_merged_leads(tmp_path: Path) -> None:
    merge = '"{""Merge Ids"": [202, 203], ""Merge Source"": ""Web""}"'
    con = build(
        tmp_path,
        {
            "marketo/leads/m.csv": csv(
                MKTO_LEAD_HEADER,
                [
                    f"201,dee@a.com,Dee,Ray,{T0},{T0},,",
                    f"202,dee@b.com,Dee,Ray,{T0},{T0},,",
                ],
            ),
            "marketo/activities/a.csv": csv(
                MKTO_ACTIVITY_HEADER, [f"g-1,201,2024-02-01T00:00:00Z,32,,,,{merge}"]
            ),
        },
    )
    links = crosswalk(con)
    # 202 (still in the old lead extract) and 203 (never extracted) both join 201's person
    assert links["202"] == (links["201"][0], "merge")
    assert links["203"] == (links["201"][0], "merge")
    live = rows(con, "select lead_id from staging.stg_marketo__leads")
    assert live == [{"lead_id": 201}]


def test_same_normalised_email_links_records(tmp_path: Path) -> None:
    # full-width letters, upper case and padding normalise to the same address (NFKC, lower, trim)
    con = build(
        tmp_path,
        {
            "salesforce/Lead/l.csv": csv(
                SF_LEAD_HEADER, [f"{LEAD_1},Eve,Li,eve@example.com,Acme,false,,{T0}"]
            ),
            "marketo/leads/m.csv": csv(
                MKTO_LEAD_HEADER, [f'301,"  ＥＶＥ@Example.COM ",Eve,Li,{T0},{T0},,']
            ),
        },
    )
    links = crosswalk(con)
    assert links["301"] == (links[LEAD_1][0], "email")
    assert links[LEAD_1][1] == "email"
    emails = rows(con, "select email from marts.dim_person")
    assert emails == [{"email": "eve@example.com"}]


def test_role_mailboxes_never_link_people(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "salesforce/Lead/l.csv": csv(
                SF_LEAD_HEADER,
                [
                    f"{LEAD_1},Al,One,info@acme.com,Acme,false,,{T0}",
                    f"{LEAD_2},Bea,Two,Info+events@ACME.com,Acme,false,,{T0}",
                ],
            ),
        },
    )
    links = crosswalk(con)
    assert links[LEAD_1][0] != links[LEAD_2][0]
    assert links[LEAD_1][1] == links[LEAD_2][1] == "self"
    flags = rows(con, "select distinct is_role_mailbox, is_valid_email from marts.dim_person")
    assert flags == [{"is_role_mailbox": True, "is_valid_email": True}]


def test_invalid_emails_never_link_people(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "marketo/leads/m.csv": csv(
                MKTO_LEAD_HEADER,
                [f"401,n/a@none,Al,One,{T0},{T0},,", f"402,n/a@none,Bea,Two,{T0},{T0},,"],
            ),
        },
    )
    links = crosswalk(con)
    assert links["401"][0] != links["402"][0]
    assert rows(con, "select distinct is_valid_email from marts.dim_person") == [
        {"is_valid_email": False}
    ]


def test_links_are_transitive_across_rules(tmp_path: Path) -> None:
    # 501 -email- lead 1 -conversion- contact 1 -sfdcContactId- 502: one person, four records
    con = build(
        tmp_path,
        {
            "salesforce/Lead/l.csv": csv(
                SF_LEAD_HEADER, [f"{LEAD_1},Flo,Ma,flo@x.com,X,true,{CONTACT_1},{T0}"]
            ),
            "salesforce/Contact/c.csv": csv(
                SF_CONTACT_HEADER, [f"{CONTACT_1},,Flo,Ma,florence@x.com,false,,{T0}"]
            ),
            "marketo/leads/m.csv": csv(
                MKTO_LEAD_HEADER,
                [
                    f"501,FLO@x.com,Flo,Ma,{T0},{T0},,",
                    f"502,fm@y.com,Flo,Ma,{T0},{T0},,{CONTACT_1}",
                ],
            ),
        },
    )
    links = crosswalk(con)
    assert len({person for person, _ in links.values()}) == 1
    assert {k: rule for k, (_, rule) in links.items()} == {
        "501": "email",
        LEAD_1: "lead_conversion",
        CONTACT_1: "map_crm_id",
        "502": "map_crm_id",
    }
    assert rows(con, "select source_records from marts.dim_person") == [{"source_records": 4}]


def test_survivorship_prefers_contact_then_crm_lead_then_marketo(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "salesforce/Account/a.csv": csv("Id,Name", [f"{ACCOUNT_1},Acme Corp"]),
            "salesforce/Lead/l.csv": csv(
                SF_LEAD_HEADER + ",Title",
                [f"{LEAD_1},Gus,LeadName,gus@acme.com,Acme Lead Co,true,{CONTACT_1},{T0},CTO"],
            ),
            "salesforce/Contact/c.csv": csv(
                SF_CONTACT_HEADER,
                [f"{CONTACT_1},{ACCOUNT_1},Gustav,ContactName,gus@acme.com,false,,{T0}"],
            ),
            "marketo/leads/m.csv": csv(
                MKTO_LEAD_HEADER + ",title,utmSource",
                [f"601,gus@acme.com,G,MapName,{T0},{T0},{LEAD_1},,Intern,linkedin"],
            ),
        },
    )
    person = rows(
        con,
        "select first_name, last_name, title, company, account_id, utm_source "
        "from marts.dim_person",
    )
    assert person == [
        {
            "first_name": "Gustav",  # contact
            "last_name": "ContactName",  # contact
            "title": "CTO",  # the contact has none: CRM lead
            "company": "Acme Corp",  # the contact's account name
            "account_id": ACCOUNT_1,
            "utm_source": "linkedin",  # from the Marketo lead
        }
    ]

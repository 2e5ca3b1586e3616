"""Touches: extraction per touch type, UTM parsing, channel mapping, de-duplication of synced
programs and campaign responses, and the acquisition channel."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.funnel.touch_world import ACTIVITY_HEADER, build, csv, marketo_activity, rows, sfid

CONTACT = sfid("003", 1)
WEBINAR, SYNDICATION, IGNORED = sfid("701", 1), sfid("701", 2), sfid("701", 3)
CLICK, FORM, VISIT, PROGRESSION, OPEN = 11, 2, 1, 104, 10


def act(guid: str, lead: int, at: str, type_id: int, attributes: dict[str, Any]) -> str:
    return marketo_activity(guid, lead, f"2024-03-{at}Z", type_id, attributes)


def progression(program: int, success: bool) -> dict[str, Any]:
    return {"Program Id": program, "New Status": "Attended", "Success": success}


WORLD = {
    "salesforce/Contact/contact.csv": csv(
        "Id,Email,CreatedDate", [f"{CONTACT},ann@acme.com,2024-01-01T00:00:00Z"]
    ),
    "salesforce/Campaign/campaign.csv": csv(
        "Id,Name,Type",
        [
            f"{WEBINAR},Attribution Webinar,Webinar",
            f"{SYNDICATION},Ebook,Content Syndication",
            f"{IGNORED},Ebook,Content Syndication",  # same name: never joined on names
        ],
    ),
    "salesforce/CampaignMember/member.csv": csv(
        "Id,CampaignId,ContactId,HasResponded,FirstRespondedDate",
        [
            f"{sfid('00v', 1)},{WEBINAR},{CONTACT},true,2024-03-05",  # synced: the program's
            f"{sfid('00v', 2)},{SYNDICATION},{CONTACT},true,2024-03-07",
            f"{sfid('00v', 3)},{IGNORED},{CONTACT},false,",
        ],
    ),
    "marketo/leads/leads.csv": csv(
        "id,email,createdAt,sfdcContactId",
        [f"1,ann@acme.com,2024-01-01T00:00:00Z,{CONTACT}", "2,bob@beta.com,2024-03-01T12:00:00Z,"],
    ),
    "marketo/programs/programs.csv": csv(
        "id,name,type,channel,sfdcId",
        ["2001,RevOps Summit,Event,Tradeshow,", f"2002,Webinar,Event,Webinar,{WEBINAR}"],
    ),
    "marketo/activities/activities.csv": csv(
        ACTIVITY_HEADER,
        [
            act("a01", 1, "10T10:00:00", CLICK, {"Link": "https://x.com/p?utm_source=marketo&"
                "utm_medium=email&utm_campaign=Spring%20Sale+2024#top"}),
            act("a02", 1, "10T11:00:00", CLICK, {"Link": "https://x.com/pricing"}),
            act("a03", 1, "11T09:00:00", VISIT, {"Webpage URL": "https://x.com/",
                "Query Parameters": "utm_source=google&utm_medium=cpc&utm_campaign=brand"}),
            act("a12", 1, "11T09:00:00", VISIT, {"Webpage URL": "https://x.com/",
                "Query Parameters": "utm_source=google&utm_medium=cpc&utm_campaign=brand"}),
            act("a04", 1, "11T10:00:00", VISIT, {"Webpage URL": "https://x.com/",
                "Query Parameters": ""}),
            act("a05", 1, "12T10:00:00", VISIT, {"Query Parameters": "",
                "Webpage URL": "https://x.com/?UTM_SOURCE=LinkedIn&utm_medium=paid_social"}),
            act("a06", 1, "13T10:00:00", FORM, {"Query Parameters":
                "utm_source=newsletter&utm_medium=email", "Referrer URL": None}),
            act("a07", 1, "13T11:00:00", FORM, {"Query Parameters": "", "Referrer URL": None}),
            act("a13", 1, "13T12:00:00", FORM, {"Query Parameters": "utm_source=a&utm_medium=b"}),
            act("a08", 1, "14T10:00:00", PROGRESSION, progression(2001, False)),
            act("a09", 1, "14T11:00:00", PROGRESSION, progression(2001, True)),
            act("a10", 1, "14T12:00:00", OPEN, {"Device": "Desktop"}),
            act("a11", 1, "05T15:00:00", PROGRESSION, progression(2002, True)),
            act("b01", 2, "01T12:00:00", FORM, {"Query Parameters":
                "utm_source=google&utm_medium=cpc"}),
            act("b02", 2, "02T12:00:00", VISIT, {"Query Parameters":
                "utm_source=linkedin&utm_medium=paid_social"}),
        ],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def touch_world(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("touches"), WORLD, "+fct_touch +int_person__acquisition")


def touch(con: duckdb.DuckDBPyConnection, touch_id: str) -> dict[str, Any] | None:
    found = rows(con, f"select * from marts.fct_touch where touch_id = '{touch_id}'")
    return found[0] if found else None


def test_email_click_utms_are_parsed_from_the_link_and_url_decoded(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    found = touch(touch_world, "marketo:a01")
    assert found is not None
    assert (found["touch_type"], found["utm_source"], found["utm_medium"]) == (
        "email_click",
        "marketo",
        "email",
    )
    assert found["utm_campaign"] == "Spring Sale 2024"  # %20 and + decoded, #fragment cut
    assert (found["channel"], found["channel_rule"]) == ("email", "utm")


def test_email_click_without_utms_is_email_by_touch_type(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    found = touch(touch_world, "marketo:a02")
    assert found is not None
    assert (found["channel"], found["channel_rule"]) == ("email", "touch_type")


def test_web_visits_count_only_with_utms(touch_world: duckdb.DuckDBPyConnection) -> None:
    visit = touch(touch_world, "marketo:a03")
    assert visit is not None
    assert (visit["touch_type"], visit["channel"]) == ("web_visit", "paid_search")
    assert touch(touch_world, "marketo:a04") is None


def test_utm_names_are_case_insensitive_and_read_from_the_page_url(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    found = touch(touch_world, "marketo:a05")
    assert found is not None
    assert (found["utm_source"], found["channel"]) == ("LinkedIn", "paid_social")


def test_form_fills_take_their_utm_channel_else_direct(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    with_utms, without = touch(touch_world, "marketo:a06"), touch(touch_world, "marketo:a07")
    assert with_utms is not None and without is not None
    assert (with_utms["touch_type"], with_utms["channel"]) == ("form_fill", "email")
    assert (without["channel"], without["channel_rule"]) == ("direct", "touch_type")


def test_utms_matching_no_rule_are_unassigned(touch_world: duckdb.DuckDBPyConnection) -> None:
    found = touch(touch_world, "marketo:a13")
    assert found is not None
    assert (found["touch_type"], found["channel"], found["channel_rule"]) == (
        "form_fill",
        "unassigned",
        "unassigned",
    )


def test_program_success_needs_success_and_takes_the_program_channel(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    assert touch(touch_world, "marketo:a08") is None  # Success false
    found = touch(touch_world, "marketo:a09")
    assert found is not None
    assert (found["touch_type"], found["program_id"], found["campaign_id"]) == (
        "program_success",
        2001,
        None,
    )
    assert (found["channel"], found["channel_rule"]) == ("events", "program_channel")


def test_other_activities_and_unresponded_members_are_not_touches(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    assert touch(touch_world, "marketo:a10") is None  # Open Email
    assert touch(touch_world, f"salesforce:{sfid('00v', 3)}") is None


def test_campaign_response_at_midnight_utc_with_the_campaign_type_channel(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    found = touch(touch_world, f"salesforce:{sfid('00v', 2)}")
    assert found is not None
    assert found["touched_at"] == datetime(2024, 3, 7, 0, 0)
    assert (found["touch_type"], found["campaign_id"], found["channel"]) == (
        "campaign_response",
        SYNDICATION,
        "content_syndication",
    )


def test_a_synced_program_and_its_campaign_response_count_once(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    found = rows(
        touch_world,
        "select touch_id, touched_at, channel from marts.fct_touch "
        f"where campaign_id = '{WEBINAR}'",
    )
    # the Marketo program success is kept (exact time), the CRM copy is dropped
    assert found == [
        {"touch_id": "marketo:a11", "touched_at": datetime(2024, 3, 5, 15, 0), "channel": "webinar"}
    ]


def test_one_touch_per_person_time_channel_and_campaign(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    assert touch(touch_world, "marketo:a03") is not None
    assert touch(touch_world, "marketo:a12") is None  # same visit twice: smaller touch_id kept


def test_both_people_get_their_touches(touch_world: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        touch_world,
        "select count(distinct person_id) as people, count(*) as touches from marts.fct_touch",
    )
    # a01 a02 a03 a05 a06 a07 a09 a11 a13, response 2, b01 b02
    assert found == [{"people": 2, "touches": 12}]


def test_acquisition_channel_is_the_first_touch_at_or_before_lead_creation(
    touch_world: duckdb.DuckDBPyConnection,
) -> None:
    found = rows(
        touch_world,
        "select acquisition.acquisition_channel, acquisition.first_touch_id "
        "from intermediate.int_person__acquisition as acquisition "
        "order by acquisition.first_touch_id nulls first",
    )
    # Ann became a lead (Jan 1) before any touch; Bob's form fill created him (Mar 1 12:00)
    assert found == [
        {"acquisition_channel": "unattributed", "first_touch_id": None},
        {"acquisition_channel": "paid_search", "first_touch_id": "marketo:b01"},
    ]


def test_a_campaign_response_is_its_contacts_persons_else_its_leads(tmp_path: Path) -> None:
    contact, lead, unknown_lead = sfid("003", 7), sfid("00Q", 7), sfid("00Q", 8)
    con = build(
        tmp_path,
        {
            "salesforce/Contact/contact.csv": csv(
                "Id,Email,CreatedDate", [f"{contact},ann@acme.com,2024-01-01T00:00:00Z"]
            ),
            "salesforce/Lead/lead.csv": csv(
                "Id,Email,CreatedDate", [f"{lead},bob@beta.com,2024-01-01T00:00:00Z"]
            ),
            "salesforce/Campaign/campaign.csv": csv("Id,Name,Type", [f"{WEBINAR},Webinar,Webinar"]),
            "salesforce/CampaignMember/member.csv": csv(
                "Id,CampaignId,LeadId,ContactId,HasResponded,FirstRespondedDate",
                [
                    f"{sfid('00v', 7)},{WEBINAR},{lead},{contact},true,2024-03-02",
                    f"{sfid('00v', 8)},{WEBINAR},{lead},,true,2024-03-03",
                    f"{sfid('00v', 9)},{WEBINAR},{unknown_lead},,true,2024-03-04",
                ],
            ),
        },
        "+fct_touch",
    )
    found = rows(
        con,
        "select touch.touch_id, crosswalk.source_object as persons_record "
        "from marts.fct_touch as touch "
        "inner join intermediate.int_identity__crosswalk as crosswalk using (person_id) "
        "order by touch.touch_id",
    )
    # ann's contact and bob's lead are two people; the unknown lead has none: no touch
    assert found == [
        {"touch_id": f"salesforce:{sfid('00v', 7)}", "persons_record": "Contact"},
        {"touch_id": f"salesforce:{sfid('00v', 8)}", "persons_record": "Lead"},
    ]

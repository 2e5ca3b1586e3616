"""Lifecycle: stage entry times from MAP status changes, conversion, deals; skips; regressions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.funnel.people_world import build, csv, rows, sfid

LEAD_1 = sfid("00Q", 1)
CONTACT_1 = sfid("003", 1)
OPP_1 = sfid("006", 1)
ACTIVITY_HEADER = (
    "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
    "primaryAttributeValue,attributes"
)
STAGES = "lead_at, mql_at, sql_at, opportunity_at, customer_at"


def status_change(guid: str, lead: int, at: str, new_value: str) -> str:
    attributes = (
        f'"{{""Attribute Name"": ""Lead Status"", ""New Value"": ""{new_value}"", '
        f'""Old Value"": ""Open""}}"'
    )
    return f"{guid},{lead},{at},13,,,Lead Status,{attributes}"


def day(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_every_stage_from_its_source(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "marketo/leads/m.csv": csv(
                "id,email,createdAt,updatedAt,sfdcLeadId",
                [f"1,ann@x.com,2024-01-01T09:00:00Z,2024-01-01T09:00:00Z,{LEAD_1}"],
            ),
            "marketo/activities/a.csv": csv(
                ACTIVITY_HEADER,
                [
                    # matched case-insensitively through the seed lead_status_stages
                    status_change("g-1", 1, "2024-01-10T10:00:00Z", "marketing qualified"),
                    status_change("g-2", 1, "2024-01-20T10:00:00Z", "Sales Qualified"),
                ],
            ),
            "salesforce/Lead/l.csv": csv(
                "Id,Email,IsConverted,ConvertedDate,ConvertedContactId,CreatedDate",
                [f"{LEAD_1},ann@x.com,true,2024-01-25,{CONTACT_1},2024-01-05T00:00:00Z"],
            ),
            "salesforce/Contact/c.csv": csv(
                "Id,Email,CreatedDate", [f"{CONTACT_1},ann@x.com,2024-01-25T08:00:00Z"]
            ),
            "salesforce/Opportunity/o.csv": csv(
                "Id,Name,Type,IsClosed,IsWon,CloseDate,Amount,CreatedDate",
                [f"{OPP_1},Deal,New Business,true,true,2024-03-01,100,2024-02-01T12:00:00Z"],
            ),
            "salesforce/OpportunityContactRole/r.csv": csv(
                "Id,OpportunityId,ContactId,IsPrimary",
                [f"{sfid('00K', 1)},{OPP_1},{CONTACT_1},true"],
            ),
        },
    )
    assert rows(con, f"select {STAGES} from marts.dim_person") == [
        {
            "lead_at": day("2024-01-01 09:00"),  # the Marketo lead's creation
            "mql_at": day("2024-01-10 10:00"),
            "sql_at": day("2024-01-20 10:00"),  # status change, before the conversion (01-25)
            "opportunity_at": day("2024-02-01 12:00"),
            "customer_at": day("2024-03-01 00:00"),  # close date of the won new-business deal
        }
    ]


def test_a_skipped_mql_is_reached_at_the_sql_time_but_no_true_mql_entry(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "marketo/leads/m.csv": csv(
                "id,email,createdAt,updatedAt",
                ["2,bo@x.com,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z"],
            ),
            "marketo/activities/a.csv": csv(
                ACTIVITY_HEADER, [status_change("g-1", 2, "2024-01-15T00:00:00Z", "SQL")]
            ),
        },
    )
    assert rows(
        con,
        "select mql_entered_at, mql_or_later_at, mql_at, is_sales_generated, sql_at, "
        "opportunity_at from intermediate.int_lifecycle__stages",
    ) == [
        {
            "mql_entered_at": None,  # never an MQL directly...
            "mql_or_later_at": day("2024-01-15 00:00"),  # ...reached mql-or-later at SQL time
            "mql_at": None,  # ...but no true MQL entry: a sales-generated SQL
            "is_sales_generated": True,
            "sql_at": day("2024-01-15 00:00"),
            "opportunity_at": None,
        }
    ]


def test_a_won_then_lost_deal_makes_no_customer(tmp_path: Path) -> None:
    # history: Closed Won on 02-10, then Closed Lost on 02-20 (latest state: lost)
    history = sfid("008", 0)[:-4]
    con = build(
        tmp_path,
        {
            "salesforce/Contact/c.csv": csv(
                "Id,Email,CreatedDate", [f"{CONTACT_1},cy@x.com,2024-01-01T00:00:00Z"]
            ),
            "salesforce/Opportunity/o.csv": csv(
                "Id,Type,StageName,IsClosed,IsWon,CloseDate,CreatedDate",
                [f"{OPP_1},New Business,Closed Lost,true,false,2024-02-20,2024-02-01T00:00:00Z"],
            ),
            "salesforce/OpportunityHistory/h.csv": csv(
                "Id,OpportunityId,StageName,CreatedDate",
                [
                    f"{history}1AAA,{OPP_1},Prospecting,2024-02-01T00:00:00Z",
                    f"{history}2AAA,{OPP_1},Closed Won,2024-02-10T00:00:00Z",
                    f"{history}3AAA,{OPP_1},Closed Lost,2024-02-20T00:00:00Z",
                ],
            ),
            "salesforce/OpportunityContactRole/r.csv": csv(
                "Id,OpportunityId,ContactId,IsPrimary",
                [f"{sfid('00K', 1)},{OPP_1},{CONTACT_1},true"],
            ),
        },
    )
    assert rows(con, "select opportunity_at, customer_at from marts.dim_person") == [
        {"opportunity_at": day("2024-02-01 00:00"), "customer_at": None}
    ]

"""Opportunities: type groups, reporting-currency amounts at the close date, people links,
stage history of a regressed deal."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from tests.funnel.people_world import build, csv, rows, sfid

OPP_HEADER = "Id,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,Probability,CurrencyIsoCode"


def opp(number: int) -> str:
    return sfid("006", number)


def test_types_map_to_groups_with_new_business_as_default(tmp_path: Path) -> None:
    con = build(
        tmp_path,
        {
            "salesforce/Opportunity/o.csv": csv(
                "Id,Type",
                [
                    f"{opp(1)},Upsell",
                    f"{opp(2)},existing customer - replacement",  # case-insensitive
                    f"{opp(3)},New Customer",
                    f"{opp(4)},Partner Resale",  # unlisted
                    f"{opp(5)},",  # empty
                ],
            ),
        },
    )
    found = rows(con, "select type_group from marts.fct_opportunity order by opportunity_id")
    assert [r["type_group"] for r in found] == [
        "expansion",
        "renewal",
        "new_business",
        "new_business",
        "new_business",
    ]


def test_amounts_convert_at_the_close_date_rate(tmp_path: Path) -> None:
    # ECB rates are units per EUR; GBP->USD = USD_per_EUR / GBP_per_EUR
    con = build(
        tmp_path,
        {
            "fx/ecb_rates/x.csv": csv(
                "Date,USD,GBP", ["2024-03-07,1.0800,0.8600", "2024-03-08,1.0900,0.8500"]
            ),
            "salesforce/Opportunity/o.csv": csv(
                OPP_HEADER,
                [
                    # closes Friday 03-08: 1000 * 1.09 / 0.85 = 1282.35; 40% -> 512.94
                    f"{opp(1)},A,New Business,Proposal,false,false,2024-03-08,1000,40,GBP",
                    # closes Saturday 03-09, no ECB rate that day: Friday's rate carries forward
                    f"{opp(2)},B,New Business,Proposal,false,false,2024-03-09,1000,40,GBP",
                    # closes 03-07: 1000 * 1.08 / 0.86 = 1255.81
                    f"{opp(3)},C,New Business,Won,true,true,2024-03-07,1000,100,GBP",
                    # EUR: 200 * 1.09 = 218.00
                    f"{opp(4)},D,New Business,Won,true,true,2024-03-08,200,100,EUR",
                    # the reporting currency itself converts at 1
                    f"{opp(5)},E,New Business,Won,true,true,2024-03-08,300,100,USD",
                ],
            ),
        },
    )
    found = rows(
        con,
        "select amount_reporting, expected_revenue_reporting, reporting_currency "
        "from marts.fct_opportunity order by opportunity_id",
    )
    assert [(r["amount_reporting"], r["expected_revenue_reporting"]) for r in found] == [
        (Decimal("1282.35"), Decimal("512.94")),
        (Decimal("1282.35"), Decimal("512.94")),
        (Decimal("1255.81"), Decimal("1255.81")),
        (Decimal("218.00"), Decimal("218.00")),
        (Decimal("300.00"), Decimal("300.00")),
    ]
    assert {r["reporting_currency"] for r in found} == {"USD"}


def test_people_link_through_contact_roles_and_lead_conversion(tmp_path: Path) -> None:
    contact_1, contact_2 = sfid("003", 1), sfid("003", 2)
    lead_1, lead_2 = sfid("00Q", 1), sfid("00Q", 2)
    con = build(
        tmp_path,
        {
            "salesforce/Contact/c.csv": csv(
                "Id,Email", [f"{contact_1},ann@x.com", f"{contact_2},bo@x.com"]
            ),
            # lead 1 became contact 1 (linked both ways: keeps the contact role);
            # lead 2 converted without a contact role: linked by conversion only
            "salesforce/Lead/l.csv": csv(
                "Id,Email,IsConverted,ConvertedContactId,ConvertedOpportunityId,ConvertedDate",
                [
                    f"{lead_1},ann@x.com,true,{contact_1},{opp(1)},2024-01-05",
                    f"{lead_2},cy@x.com,true,,{opp(2)},2024-01-06",
                ],
            ),
            "salesforce/Opportunity/o.csv": csv(
                "Id,Name", [f"{opp(1)},Same Name", f"{opp(2)},Same Name"]
            ),
            "salesforce/OpportunityContactRole/r.csv": csv(
                "Id,OpportunityId,ContactId,Role,IsPrimary",
                [
                    f"{sfid('00K', 1)},{opp(1)},{contact_1},Decision Maker,true",
                    f"{sfid('00K', 2)},{opp(1)},{contact_2},Influencer,false",
                ],
            ),
        },
    )
    found = rows(
        con,
        "select links.opportunity_id, people.email, links.role, links.is_primary, "
        "links.link_rule from intermediate.int_opportunity__people as links "
        "join marts.dim_person as people using (person_id) order by 1, 2",
    )
    assert [tuple(r.values()) for r in found] == [
        (opp(1), "ann@x.com", "Decision Maker", True, "contact_role"),
        (opp(1), "bo@x.com", "Influencer", False, "contact_role"),
        (opp(2), "cy@x.com", None, True, "lead_conversion"),
    ]


def test_a_regressed_deal_keeps_first_entry_times_and_latest_outcome(tmp_path: Path) -> None:
    prefix = "0080000000000"
    con = build(
        tmp_path,
        {
            "salesforce/Opportunity/o.csv": csv(
                "Id,StageName,IsClosed,IsWon,CloseDate",
                [f"{opp(1)},Closed Won,true,true,2024-03-01"],
            ),
            # Closed Won (02-10) -> Negotiation (02-15, reopened) -> Closed Won again (03-01);
            # the 02-12 row only changed the amount
            "salesforce/OpportunityHistory/h.csv": csv(
                "Id,OpportunityId,StageName,Amount,CreatedDate",
                [
                    f"{prefix}01AAA,{opp(1)},Negotiation,100,2024-02-01T00:00:00Z",
                    f"{prefix}02AAA,{opp(1)},Closed Won,100,2024-02-10T00:00:00Z",
                    f"{prefix}03AAA,{opp(1)},Closed Won,120,2024-02-12T00:00:00Z",
                    f"{prefix}04AAA,{opp(1)},Negotiation,120,2024-02-15T00:00:00Z",
                    f"{prefix}05AAA,{opp(1)},Closed Won,120,2024-03-01T00:00:00Z",
                ],
            ),
        },
    )
    assert rows(
        con,
        "select stage_name, first_entered_at, last_entered_at, times_entered "
        "from intermediate.int_opportunity__stage_history order by stage_name",
    ) == [
        {
            "stage_name": "Closed Won",
            "first_entered_at": datetime(2024, 2, 10),
            "last_entered_at": datetime(2024, 3, 1),
            "times_entered": 2,
        },
        {
            "stage_name": "Negotiation",
            "first_entered_at": datetime(2024, 2, 1),
            "last_entered_at": datetime(2024, 2, 15),
            "times_entered": 2,
        },
    ]
    assert rows(
        con,
        "select is_won, current_stage_first_entered_at, has_reentered_stage "
        "from marts.fct_opportunity",
    ) == [
        {
            "is_won": True,
            "current_stage_first_entered_at": datetime(2024, 2, 10),
            "has_reentered_stage": True,
        }
    ]

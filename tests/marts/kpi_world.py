"""A hand-made world for the KPI marts, small enough to check every number by hand.

Reporting currency USD; as_of defaults to the latest data date, 2024-06-28 (the last ad-spend
row and the last lead). Times are UTC. Ids: `sfid('001', 1)` is account A1, and so on.

Accounts (seed icp_rules: industry, employees 100-5000, country):
    A1 Technology, 500, United States -> icp      A2 Retail, 50, Brazil -> non_icp
    A3 Technology, 200, Germany -> icp

People (Marketo lead n; C = Salesforce contact of the same person, same email):
    P1 lead 2023-01-02 10:00 (+C1, A1)  first touch: campaign response CMP1 (type Paid Search)
       at 2023-01-02 00:00, then a google/cpc visit at 10:00 -> paid_search
       mql 2023-01-03 10:00, sql 2023-01-04 10:00 (24 h: SLA met)
    P2 lead 2023-03-01 09:00 (+C2, A2)  linkedin/paid_social visit at creation -> paid_social
       mql 2023-03-02 09:00, sql 2023-03-10 09:00 (8 days: SLA missed)
    P3 lead 2023-05-10 12:00 (A1 via sfdcAccountId)  email click at creation -> email
       mql 2023-05-11 12:00, never sql
    P4 lead 2024-05-06 08:00 (+C4, A3)  google/cpc visit at creation -> paid_search
       mql 2024-05-07 08:00, sql 2024-05-07 20:00 (12 h)
    P5 lead 2024-06-03 09:00, email `not-an-email` (invalid), no account, no touch
    P6 lead 2024-06-28 09:00, no account, no touch; its Marketo lead is delivered twice
Email activities on 2024-05-14: delivered to P1, P3, P4; opened by P1, P3; clicked by P3;
on 2024-05-28 delivered to P3 again (May still has three people delivered).

Opportunities (USD; contact role in brackets):
    O1 A1 New Business  created 2023-01-05 10:00  won  2023-01-15  1200  [C1]
    O2 A2 New Business  created 2023-03-12 09:00  won  2023-03-20   600  [C2]
    O7 A2 Expansion     created 2023-03-22 00:00  won  2023-03-25   200  [nobody]
    O3 A1 Expansion     created 2023-06-01 00:00  won  2023-06-05   300  [C1, no touch in window]
    O4 A1 Renewal       created 2023-12-15 00:00  won  2024-01-10  1800  [C1, no touch]
    O6 A3 New Business  created 2024-05-08 00:00  lost 2024-05-30  2000  [C4]
    O8 A3 New Business  created 2024-05-10 00:00  won  2024-05-31  3000  [C4]
    O5 A3 New Business  created 2024-05-20 00:00  open (close 2024-07-31)  5000  [C4]

Ad spend (ECB: 1.2 USD and 0.8 GBP per EUR on both days, so EUR->USD 1.2, GBP->USD 1.5):
    google_ads (paid_search, EUR, campaign named after CMP1) 2024-05-06: 100 EUR = 120 USD,
        1000 impressions, 50 clicks
    meta_ads (paid_social, GBP) 2024-05-06: 40 GBP = 60 USD, 2000 impressions, 20 clicks;
        2024-06-28: 0 GBP, 100 impressions, 0 clicks (a zero-spend month)
"""

from __future__ import annotations

import json
from typing import Any

from tests.funnel.touch_world import ACTIVITY_HEADER, csv, marketo_activity, sfid

__all__ = ["KPI_MODELS", "WORLD", "sfid"]

KPI_MODELS = (
    "+mart_kpis+ +mart_campaign_performance +mart_data_quality +mart_opportunity_attribution "
    "+kpi_definitions +mart_ad_spend_links"
)

A1, A2, A3 = sfid("001", 1), sfid("001", 2), sfid("001", 3)
C1, C2, C4 = sfid("003", 1), sfid("003", 2), sfid("003", 4)
CMP1 = sfid("701", 1)


def _visit(guid: str, lead: int, at: str, source: str, medium: str) -> str:
    query = f"utm_source={source}&utm_medium={medium}&utm_campaign={guid}"
    return marketo_activity(
        guid, lead, at, 1, {"Webpage URL": "https://x.com/", "Query Parameters": query}
    )


def _status(guid: str, lead: int, at: str, status: str) -> str:
    return marketo_activity(
        guid, lead, at, 13, {"Attribute Name": "Lead Status", "New Value": status}
    )


def _email(guid: str, lead: int, at: str, type_id: int) -> str:
    return marketo_activity(guid, lead, at, type_id, {"Link": "https://x.com/offer"})


ACTIVITIES = [
    _visit("a1", 1, "2023-01-02T10:00:00Z", "google", "cpc"),
    _status("a2", 1, "2023-01-03T10:00:00Z", "MQL"),
    _status("a3", 1, "2023-01-04T10:00:00Z", "SQL"),
    _visit("b1", 2, "2023-03-01T09:00:00Z", "linkedin", "paid_social"),
    _status("b2", 2, "2023-03-02T09:00:00Z", "MQL"),
    _status("b3", 2, "2023-03-10T09:00:00Z", "SQL"),
    _email("c1", 3, "2023-05-10T12:00:00Z", 11),
    _status("c2", 3, "2023-05-11T12:00:00Z", "MQL"),
    _visit("d1", 4, "2024-05-06T08:00:00Z", "google", "cpc"),
    _status("d2", 4, "2024-05-07T08:00:00Z", "MQL"),
    _status("d3", 4, "2024-05-07T20:00:00Z", "SQL"),
    _email("e1", 1, "2024-05-14T10:00:00Z", 7),
    _email("e2", 3, "2024-05-14T10:00:00Z", 7),
    _email("e3", 4, "2024-05-14T10:00:00Z", 7),
    _email("e4", 1, "2024-05-14T11:00:00Z", 10),
    _email("e5", 3, "2024-05-14T11:00:00Z", 10),
    _email("e6", 3, "2024-05-14T11:05:00Z", 11),
    _email("e7", 3, "2024-05-28T10:00:00Z", 7),
]

# number -> (account, type, created, closed, won, close date, amount, contact)
OPPORTUNITIES: dict[int, tuple[str, str, str, bool, bool, str, int, str | None]] = {
    1: (A1, "New Business", "2023-01-05T10:00:00Z", True, True, "2023-01-15", 1200, C1),
    2: (A2, "New Business", "2023-03-12T09:00:00Z", True, True, "2023-03-20", 600, C2),
    7: (A2, "Expansion", "2023-03-22T00:00:00Z", True, True, "2023-03-25", 200, None),
    3: (A1, "Expansion", "2023-06-01T00:00:00Z", True, True, "2023-06-05", 300, C1),
    4: (A1, "Renewal", "2023-12-15T00:00:00Z", True, True, "2024-01-10", 1800, C1),
    6: (A3, "New Business", "2024-05-08T00:00:00Z", True, False, "2024-05-30", 2000, C4),
    8: (A3, "New Business", "2024-05-10T00:00:00Z", True, True, "2024-05-31", 3000, C4),
    5: (A3, "New Business", "2024-05-20T00:00:00Z", False, False, "2024-07-31", 5000, C4),
}


def _google_row() -> dict[str, Any]:
    return {
        "segments": {"date": "2024-05-06", "device": "DESKTOP", "adNetworkType": "SEARCH"},
        "customer": {"id": "111-222-3333", "currencyCode": "EUR", "timeZone": "Europe/Berlin"},
        "campaign": {"id": "21000000001", "name": f"brand {CMP1}"},
        "metrics": {"costMicros": "100000000", "impressions": "1000", "clicks": "50"},
    }


def _meta_row(day: str, spend: str, impressions: str, clicks: str) -> dict[str, Any]:
    return {
        "date_start": day, "date_stop": day, "account_id": "act_1", "account_currency": "GBP",
        "campaign_id": "120000000000000001", "campaign_name": "meta-prospecting",
        "spend": spend, "impressions": impressions, "clicks": clicks, "actions": [],
    }  # fmt: skip


LEAD_HEADER = "id,email,createdAt,updatedAt,sfdcContactId,sfdcAccountId"

WORLD: dict[str, str] = {
    "salesforce/Account/account.csv": csv(
        "Id,Name,Industry,NumberOfEmployees,BillingCountry,CreatedDate",
        [
            f"{A1},Acme,Technology,500,United States,2022-01-01T00:00:00Z",
            f"{A2},Shop,Retail,50,Brazil,2022-01-01T00:00:00Z",
            f"{A3},Tech GmbH,Technology,200,Germany,2022-01-01T00:00:00Z",
        ],
    ),
    "salesforce/Contact/contact.csv": csv(
        "Id,AccountId,Email,CreatedDate",
        [
            f"{C1},{A1},p1@acme.com,2023-01-02T10:00:00Z",
            f"{C2},{A2},p2@shop.com,2023-03-01T09:00:00Z",
            f"{C4},{A3},p4@tech.de,2024-05-06T08:00:00Z",
        ],
    ),
    "marketo/leads/leads_1.csv": csv(
        LEAD_HEADER,
        [
            f"1,p1@acme.com,2023-01-02T10:00:00Z,2023-01-02T10:00:00Z,{C1},",
            f"2,p2@shop.com,2023-03-01T09:00:00Z,2023-03-01T09:00:00Z,{C2},",
            f"3,p3@acme.com,2023-05-10T12:00:00Z,2023-05-10T12:00:00Z,,{A1}",
            f"4,p4@tech.de,2024-05-06T08:00:00Z,2024-05-06T08:00:00Z,{C4},",
            "5,not-an-email,2024-06-03T09:00:00Z,2024-06-03T09:00:00Z,,",
            "6,p6@other.com,2024-06-28T09:00:00Z,2024-06-28T09:00:00Z,,",
        ],
    ),
    # lead 6 delivered again: a re-delivery (duplicate row of this load), same person
    "marketo/leads/leads_2.csv": csv(
        LEAD_HEADER, ["6,p6@other.com,2024-06-28T09:00:00Z,2024-06-28T09:30:00Z,,"]
    ),
    "marketo/activities/activities.csv": csv(ACTIVITY_HEADER, ACTIVITIES),
    "salesforce/Campaign/campaign.csv": csv("Id,Name,Type", [f"{CMP1},Brand search,Paid Search"]),
    "salesforce/CampaignMember/member.csv": csv(
        "Id,CampaignId,ContactId,HasResponded,FirstRespondedDate,CreatedDate",
        [f"{sfid('00v', 1)},{CMP1},{C1},true,2023-01-02,2023-01-02T00:00:00Z"],
    ),
    "salesforce/Opportunity/opportunity.csv": csv(
        "Id,AccountId,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,CurrencyIsoCode,"
        "CreatedDate",
        [
            f"{sfid('006', n)},{account},Deal,{kind},X,{closed},{won},{close},{amount},USD,"
            f"{created}"
            for n, (account, kind, created, closed, won, close, amount, _) in OPPORTUNITIES.items()
        ],
    ),
    "salesforce/OpportunityContactRole/role.csv": csv(
        "Id,OpportunityId,ContactId,IsPrimary",
        [
            f"{sfid('00K', n)},{sfid('006', n)},{contact},true"
            for n, (*_, contact) in OPPORTUNITIES.items()
            if contact
        ],
    ),
    "fx/ecb_rates/eurofxref.csv": csv("Date,USD,GBP", ["2024-05-06,1.2,0.8", "2024-06-28,1.2,0.8"]),
    "google_ads/campaign_stats/campaign_stats_2024-05-06.json": json.dumps([_google_row()]),
    "meta_ads/insights/insights_2024-06-28.json": json.dumps(
        {
            "data": [
                _meta_row("2024-05-06", "40.00", "2000", "20"),
                _meta_row("2024-06-28", "0", "100", "0"),
            ]
        }
    ),
}

"""A hand-made world for what the KPIs mean (issue 20): true MQLs, ICP from the person, duplicates
within one system, message-level email and twelve-month retention. as_of = 2025-06-30 (var).

Accounts (seed icp_rules: industry, employees 100-5000, country):
    A1 Technology, 500, United States -> icp      A2 and A3: no firmographics -> unknown

People, all new leads in January 2025 (M = Marketo lead, L = Salesforce lead, C = contact):
    Q1 M1 created 01-06 09:00; status SQL 01-08 09:00 without an MQL status: sales-generated.
       M1's own firmographics Software, 200, USA -> icp from marketo_lead
    Q2 M2 created 01-06 10:00 with sfdcAccountId A1; MQL 01-07 10:00, SQL 01-08 09:00 (23 h,
       SLA met) -> icp from account
    Q3 M3 (sfdcLeadId L3) + L3 unconverted, a synced pair; MQL 01-07 11:00, SQL 01-10 11:00
       (72 h, SLA missed). L3: Retail, United States -> non_icp from salesforce_lead (M3 says
       Software but the Salesforce lead comes first)
    Q4 M4 and M5, one email: two Marketo leads of one person; no firmographics -> unknown
    Q5 L5 converted (01-20) to C5 (account A2): a converted pair; sales-generated at the
       conversion. A2 is unknown, L5 says Technology, 300, Germany -> icp from salesforce_lead
    Q6 L6 unconverted beside C6, one email: a duplicate in the CRM; no firmographics -> unknown

Email 1001 in February 2025: sent to Q1, Q2, Q3, Q4 on 02-03; delivered to Q1, Q3, Q4;
    Q2's bounced; Q1 opened it twice (02-03 and 02-04) and clicked; Q3 unsubscribed (02-05).

Contracts (opportunities won, USD):
    A1 O1 New Business won 2024-01-15 1000; O2 Renewal won 2025-01-10 1200 (replaces O1)
    A3 O3 New Business won 2024-02-01 500, ends 2025-02-01 unrenewed (churn);
       O4 Renewal won 2025-04-01 600 (after the lapse: a reactivation)
"""

from __future__ import annotations

from tests.funnel.touch_world import ACTIVITY_HEADER, csv, marketo_activity, sfid

__all__ = ["MEANING_MODELS", "VARS", "WORLD"]

MEANING_MODELS = "+mart_kpis +mart_retention +kpi_definitions"
VARS = {"as_of": "2025-06-30"}

A1, A2, A3 = sfid("001", 1), sfid("001", 2), sfid("001", 3)
L3, L5, L6 = sfid("00Q", 3), sfid("00Q", 5), sfid("00Q", 6)
C5, C6 = sfid("003", 5), sfid("003", 6)


def _status(guid: str, lead: int, at: str, status: str) -> str:
    return marketo_activity(
        guid, lead, at, 13, {"Attribute Name": "Lead Status", "New Value": status}
    )


def _email(guid: str, lead: int, at: str, type_id: int) -> str:
    return marketo_activity(guid, lead, at, type_id, {}, "1001", "Newsletter")


ACTIVITIES = [
    _status("s1", 1, "2025-01-08T09:00:00Z", "SQL"),
    _status("s2", 2, "2025-01-07T10:00:00Z", "MQL"),
    _status("s3", 2, "2025-01-08T09:00:00Z", "SQL"),
    _status("s4", 3, "2025-01-07T11:00:00Z", "MQL"),
    _status("s5", 3, "2025-01-10T11:00:00Z", "SQL"),
    *[_email(f"send{n}", n, "2025-02-03T09:00:00Z", 6) for n in (1, 2, 3, 4)],
    *[_email(f"dlv{n}", n, "2025-02-03T09:01:00Z", 7) for n in (1, 3, 4)],
    _email("bounce2", 2, "2025-02-03T09:02:00Z", 8),
    _email("open1a", 1, "2025-02-03T10:00:00Z", 10),
    _email("open1b", 1, "2025-02-04T08:00:00Z", 10),
    _email("click1", 1, "2025-02-04T08:01:00Z", 11),
    _email("unsub3", 3, "2025-02-05T12:00:00Z", 9),
]

OPPORTUNITIES = [
    (1, A1, "New Business", "2024-01-02T00:00:00Z", "2024-01-15", 1000),
    (2, A1, "Renewal", "2024-12-15T00:00:00Z", "2025-01-10", 1200),
    (3, A3, "New Business", "2024-01-20T00:00:00Z", "2024-02-01", 500),
    (4, A3, "Renewal", "2025-03-01T00:00:00Z", "2025-04-01", 600),
]

WORLD: dict[str, str] = {
    "salesforce/Account/account.csv": csv(
        "Id,Name,Industry,NumberOfEmployees,BillingCountry,CreatedDate",
        [
            f"{A1},Acme,Technology,500,United States,2022-01-01T00:00:00Z",
            f"{A2},Blank,,,,2022-01-01T00:00:00Z",
            f"{A3},Lapsed,,,,2022-01-01T00:00:00Z",
        ],
    ),
    "marketo/leads/leads.csv": csv(
        "id,email,createdAt,updatedAt,sfdcLeadId,sfdcAccountId,industry,numberOfEmployees,country",
        [
            "1,q1@one.com,2025-01-06T09:00:00Z,2025-01-06T09:00:00Z,,,Software,200,USA",
            f"2,q2@acme.com,2025-01-06T10:00:00Z,2025-01-06T10:00:00Z,,{A1},,,",
            f"3,q3@shop.com,2025-01-06T11:00:00Z,2025-01-06T11:00:00Z,{L3},,Software,200,USA",
            "4,q4@four.com,2025-01-06T12:00:00Z,2025-01-06T12:00:00Z,,,,,",
            "5,q4@four.com,2025-01-09T12:00:00Z,2025-01-09T12:00:00Z,,,,,",
        ],
    ),
    "marketo/activities/activities.csv": csv(ACTIVITY_HEADER, ACTIVITIES),
    "salesforce/Lead/lead.csv": csv(
        "Id,Email,Company,Industry,NumberOfEmployees,Country,Status,IsConverted,ConvertedDate,"
        "ConvertedContactId,ConvertedAccountId,CreatedDate",
        [
            f"{L3},q3@shop.com,Shop,Retail,,United States,Open,false,,,,2025-01-06T11:00:00Z",
            f"{L5},q5@five.de,Five,Technology,300,Germany,Closed - Converted,true,2025-01-20,"
            f"{C5},{A2},2025-01-13T08:00:00Z",
            f"{L6},q6@six.com,Six,,,,Open,false,,,,2025-01-14T08:00:00Z",
        ],
    ),
    "salesforce/Contact/contact.csv": csv(
        "Id,AccountId,Email,CreatedDate",
        [
            f"{C5},{A2},q5@five.de,2025-01-20T08:00:00Z",
            f"{C6},,q6@six.com,2025-01-15T08:00:00Z",
        ],
    ),
    "salesforce/Opportunity/opportunity.csv": csv(
        "Id,AccountId,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,CurrencyIsoCode,"
        "CreatedDate",
        [
            f"{sfid('006', n)},{account},Deal,{kind},Closed Won,true,true,{close},{amount},USD,"
            f"{created}"
            for n, account, kind, created, close, amount in OPPORTUNITIES
        ],
    ),
}

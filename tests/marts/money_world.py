"""A hand-made world for the money KPIs (issue 19), small enough to work every number out by hand.

as_of = 2024-09-30 (var). Reporting currency USD; every amount is in USD. Attribution
position_based (1 touch: 100 %, 2 touches: 50/50), lookback 90 days. Ids: `sfid('701', 2)` is
K2, and so on.

Salesforce campaigns (Type -> channel by seed campaign_type_channels; ActualCost):
    K1 Brand search        Paid Search  2024-04-01..06-30  5000  paid ad channel: left out
    K2 Spring Summit       Event        2024-04-29..05-04  3000  events: 500 a day (Apr 1000,
                                                                   May 2000)
    K3 Webinar Q2          Webinar      no dates, created 2024-05-15  900 on that day (webinar)
    K4 Outbound blitz      Outbound     2024-05-01..05-04   400  outbound (a sales channel)
    K5 Spring promo        Paid Social  no cost
    K6 Social retargeting  Paid Social  no cost; Marketo program 2001 syncs to it
Seed marketing_costs (inserted by the test): 2024-05 email tools 310 (10 a day);
    2024-06 events agency 100 (3.33, 3.34, 3.33 ... over 30 days).

Ad spend (USD accounts), the link rule each ad campaign's name meets:
    google_ads (paid_search)
        2024-05-06 G1 "brand <K1, 18 characters>"    300  campaign_id_in_name -> K1
        2024-05-07 G2 "<K1, 15 characters> generic"  100  campaign_id_in_name -> K1
        2024-05-08 G3 "Spring Summit"                 50  crm_campaign_name -> K2
        2024-05-09 G4 "webinar promo"                 30  mapping_seed -> K3
        2024-05-10 G5 "misc display test"             20  unlinked
    meta_ads (paid_social)
        2024-05-06 M1 "mkto-2001 retargeting"        200  program_id_in_name -> K6
        2024-05-06 M2 "spring-promo"                 100  utm_campaign -> K5 (Q2's visit with
            utm_campaign=spring-promo and Q2's K5 response are on the same day)

People (Marketo lead n = Salesforce contact Dn, account in brackets) and their touches:
    Q1 (B1) 2024-04-10 google/cpc visit -> paid_search
    Q2 (B2) 2024-05-06 K5 response (00:00) + facebook/paid_social visit, utm_campaign=spring-promo
            (10:00) -> paid_social
    Q3 (B3) 2024-05-02 K2 response -> events
    Q5 (B4) 2024-05-02 K4 response -> outbound

Opportunities (USD; contact role):
    N1 B1 New Business  created 2024-04-20  won 2024-05-20  2000  [D1]  paid_search, cycle 30
    N2 B2 New Business  created 2024-05-10  won 2024-05-25   900  [D2]  paid_social, cycle 15
    N3 B3 New Business  created 2024-05-05  won 2024-05-28  4000  [D3]  events, cycle 23
    N4 B1 Renewal       created 2024-05-01  won 2024-05-15  1500  [D1]  (B1's first won deal)
    N5 B1 Expansion     created 2024-05-11  won 2024-05-16   700  [nobody]
    N6 B4 New Business  created 2024-05-03  won 2024-05-30  1000  [D5]  outbound, cycle 27
Median new-business cycle (15, 23, 27, 30) = 25 days, so a touch-dated period is mature when its
last day + 90 + 25 days is on or before as_of.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from pipeline.engine import build as build_models
from pipeline.engine import load_project, select
from pipeline.seeds import load_seeds
from pipeline.warehouse import connect
from tests.funnel.harness import MODELS_DIR, SEEDS_DIR, land
from tests.funnel.people_world import _create_raw_tables
from tests.funnel.touch_world import ACTIVITY_HEADER, csv, marketo_activity, sfid

__all__ = ["AS_OF", "MONEY_MODELS", "WORLD", "K", "build_money_world"]

AS_OF = "2024-09-30"
MONEY_MODELS = (
    "+mart_kpis+ +mart_campaign_performance +mart_ad_spend_links +kpi_definitions "
    "+int_marketing_cost__daily"
)
K = {n: sfid("701", n) for n in range(1, 7)}
B = {n: sfid("001", n) for n in range(1, 5)}
D = {n: sfid("003", n) for n in (1, 2, 3, 5)}

CAMPAIGNS = [
    f"{K[1]},Brand search,Paid Search,2024-04-01,2024-06-30,5000,2024-03-20T00:00:00Z",
    f"{K[2]},Spring Summit,Event,2024-04-29,2024-05-04,3000,2024-03-20T00:00:00Z",
    f"{K[3]},Webinar Q2,Webinar,,,900,2024-05-15T09:00:00Z",
    f"{K[4]},Outbound blitz,Outbound,2024-05-01,2024-05-04,400,2024-04-20T00:00:00Z",
    f"{K[5]},Spring promo,Paid Social,,,,2024-04-01T00:00:00Z",
    f"{K[6]},Social retargeting,Paid Social,,,,2024-04-01T00:00:00Z",
]

# number -> (account, type, created, close date, amount, contact)
OPPORTUNITIES: dict[int, tuple[str, str, str, str, int, str | None]] = {
    1: (B[1], "New Business", "2024-04-20", "2024-05-20", 2000, D[1]),
    2: (B[2], "New Business", "2024-05-10", "2024-05-25", 900, D[2]),
    3: (B[3], "New Business", "2024-05-05", "2024-05-28", 4000, D[3]),
    4: (B[1], "Renewal", "2024-05-01", "2024-05-15", 1500, D[1]),
    5: (B[1], "Expansion", "2024-05-11", "2024-05-16", 700, None),
    6: (B[4], "New Business", "2024-05-03", "2024-05-30", 1000, D[5]),
}

# (platform, campaign id, name, day, spend)
AD_SPEND = [
    ("google_ads", "1", f"brand {K[1]}", "2024-05-06", 300),
    ("google_ads", "2", f"{K[1][:15]} generic", "2024-05-07", 100),
    ("google_ads", "3", "Spring Summit", "2024-05-08", 50),
    ("google_ads", "4", "webinar promo", "2024-05-09", 30),
    ("google_ads", "5", "misc display test", "2024-05-10", 20),
    ("meta_ads", "11", "mkto-2001 retargeting", "2024-05-06", 200),
    ("meta_ads", "12", "spring-promo", "2024-05-06", 100),
]

MARKETING_COSTS = [
    ("2024-05-01", "email", "tools", 310, "USD"),
    ("2024-06-01", "events", "agency", 100, "USD"),
]
AD_CAMPAIGN_MAPPING = [("google_ads", "4", K[3])]


def _visit(guid: str, lead: int, at: str, source: str, medium: str, campaign: str) -> str:
    query = f"utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
    return marketo_activity(
        guid, lead, at, 1, {"Webpage URL": "https://x.com/", "Query Parameters": query}
    )


def _google(campaign: str, name: str, day: str, spend: int) -> dict[str, Any]:
    return {
        "segments": {"date": day, "device": "DESKTOP", "adNetworkType": "SEARCH"},
        "customer": {"id": "111-222-3333", "currencyCode": "USD", "timeZone": "UTC"},
        "campaign": {"id": campaign, "name": name},
        "metrics": {"costMicros": str(spend * 1_000_000), "impressions": "100", "clicks": "10"},
    }


def _meta(campaign: str, name: str, day: str, spend: int) -> dict[str, Any]:
    return {
        "date_start": day, "date_stop": day, "account_id": "act_1", "account_currency": "USD",
        "campaign_id": campaign, "campaign_name": name, "spend": f"{spend}.00",
        "impressions": "100", "clicks": "10", "actions": [],
    }  # fmt: skip


LEADS = [
    f"1,q1@b1.com,2024-04-10T09:00:00Z,{D[1]}",
    f"2,q2@b2.com,2024-05-06T00:00:00Z,{D[2]}",
    f"3,q3@b3.com,2024-05-02T00:00:00Z,{D[3]}",
    f"5,q5@b4.com,2024-05-02T00:00:00Z,{D[5]}",
]

WORLD: dict[str, str] = {
    "salesforce/Account/account.csv": csv(
        "Id,Name,CreatedDate", [f"{B[n]},Account {n},2022-01-01T00:00:00Z" for n in B]
    ),
    "salesforce/Contact/contact.csv": csv(
        "Id,AccountId,Email,CreatedDate",
        [
            f"{D[1]},{B[1]},q1@b1.com,2024-04-10T09:00:00Z",
            f"{D[2]},{B[2]},q2@b2.com,2024-05-06T00:00:00Z",
            f"{D[3]},{B[3]},q3@b3.com,2024-05-02T00:00:00Z",
            f"{D[5]},{B[4]},q5@b4.com,2024-05-02T00:00:00Z",
        ],
    ),
    "marketo/leads/leads.csv": csv("id,email,createdAt,sfdcContactId", LEADS),
    "marketo/programs/programs.csv": csv(
        "id,name,type,channel,sfdcId", [f"2001,Social retargeting,Default,Paid Social,{K[6]}"]
    ),
    "marketo/activities/activities.csv": csv(
        ACTIVITY_HEADER,
        [
            _visit("v1", 1, "2024-04-10T09:00:00Z", "google", "cpc", "brand"),
            _visit("v2", 2, "2024-05-06T10:00:00Z", "facebook", "paid_social", "spring-promo"),
        ],
    ),
    "salesforce/Campaign/campaign.csv": csv(
        "Id,Name,Type,StartDate,EndDate,ActualCost,CreatedDate", CAMPAIGNS
    ),
    "salesforce/CampaignMember/member.csv": csv(
        "Id,CampaignId,ContactId,HasResponded,FirstRespondedDate,CreatedDate",
        [
            f"{sfid('00v', 2)},{K[5]},{D[2]},true,2024-05-06,2024-05-06T00:00:00Z",
            f"{sfid('00v', 3)},{K[2]},{D[3]},true,2024-05-02,2024-05-02T00:00:00Z",
            f"{sfid('00v', 5)},{K[4]},{D[5]},true,2024-05-02,2024-05-02T00:00:00Z",
        ],
    ),
    "salesforce/Opportunity/opportunity.csv": csv(
        "Id,AccountId,Name,Type,StageName,IsClosed,IsWon,CloseDate,Amount,CurrencyIsoCode,"
        "CreatedDate",
        [
            f"{sfid('006', n)},{account},Deal,{kind},Closed Won,true,true,{close},{amount},USD,"
            f"{created}T00:00:00Z"
            for n, (account, kind, created, close, amount, _) in OPPORTUNITIES.items()
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
    "google_ads/campaign_stats/campaign_stats_2024-05-10.json": json.dumps(
        [_google(c, name, day, spend) for p, c, name, day, spend in AD_SPEND if p == "google_ads"]
    ),
    "meta_ads/insights/insights_2024-05-06.json": json.dumps(
        {"data": [_meta(c, n, d, s) for p, c, n, d, s in AD_SPEND if p == "meta_ads"]}
    ),
}


def build_money_world(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Ingest WORLD, load the seeds plus this world's marketing costs and ad campaign mapping,
    and build MONEY_MODELS as of AS_OF."""
    _create_raw_tables(tmp_path)
    con = connect(tmp_path / "warehouse.duckdb")
    land(con, tmp_path / "landing", WORLD)
    load_seeds(con, SEEDS_DIR)
    con.executemany("insert into seeds.marketing_costs values (?, ?, ?, ?, ?)", MARKETING_COSTS)
    con.executemany("insert into seeds.ad_campaign_mapping values (?, ?, ?)", AD_CAMPAIGN_MAPPING)
    vars = {"as_of": AS_OF}
    project = load_project(MODELS_DIR, vars=vars)
    results = build_models(con, project, select(project, MONEY_MODELS), vars=vars)
    failed = [r for r in results if not r.ok]
    assert not failed, "\n".join(f"{r.name}: {r.status} {r.message}" for r in failed)
    return con

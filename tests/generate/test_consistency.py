"""One world: the ids that systems carry of each other exist, with valid checksums."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from pipeline.generate import WorldSummary, is_valid18, to18
from tests.generate.conftest import files, flatten, json_rows, read_csv


def _ids(world: WorldSummary, obj: str) -> set[str]:
    return set(read_csv(world, "salesforce", obj)["Id"].to_list())


def _refs(frame: pl.DataFrame, column: str) -> set[str]:
    return {to18(v) for v in frame[column].drop_nulls().to_list()}


def test_every_salesforce_id_is_18_characters_with_a_valid_checksum(world: WorldSummary) -> None:
    for path in sorted((world.out / "salesforce").glob("*")):
        frame = read_csv(world, "salesforce", path.name)
        for column in [c for c in frame.columns if c == "Id" or c.endswith("Id")]:
            values = frame[column].drop_nulls().to_list()
            full = [v for v in values if len(v) == 18]
            assert all(is_valid18(v) for v in full), (path.name, column)
            assert all(len(v) in (15, 18) for v in values), (path.name, column)
        assert frame["Id"].str.len_chars().eq(18).all()


def test_marketo_leads_carry_salesforce_ids_that_exist(world: WorldSummary) -> None:
    leads = read_csv(world, "marketo", "leads")
    assert _refs(leads, "sfdcLeadId") <= _ids(world, "Lead")
    assert _refs(leads, "sfdcContactId") <= _ids(world, "Contact")
    assert _refs(leads, "sfdcAccountId") <= _ids(world, "Account")
    flips = leads.group_by("id").agg(pl.col("sfdcType").unique().alias("types"))
    assert (
        flips.filter(
            pl.col("types").list.contains("Contact") & pl.col("types").list.contains("Lead")
        ).height
        > 0
    )


def test_salesforce_references_resolve(world: WorldSummary) -> None:
    contacts, accounts, opps = (
        _ids(world, "Contact"),
        _ids(world, "Account"),
        _ids(world, "Opportunity"),
    )
    roles = read_csv(world, "salesforce", "OpportunityContactRole")
    assert _refs(roles, "ContactId") <= contacts
    assert _refs(roles, "OpportunityId") <= opps
    assert roles.filter(pl.col("IsPrimary") == "true")["OpportunityId"].n_unique() == len(opps)
    history = read_csv(world, "salesforce", "OpportunityHistory")
    assert _refs(history, "OpportunityId") == opps
    assert _refs(read_csv(world, "salesforce", "Opportunity"), "AccountId") <= accounts
    assert _refs(read_csv(world, "salesforce", "Contact"), "AccountId") <= accounts
    lead = read_csv(world, "salesforce", "Lead")
    assert _refs(lead, "ConvertedContactId") <= contacts
    assert _refs(lead, "ConvertedAccountId") <= accounts
    assert _refs(lead, "ConvertedOpportunityId") <= opps
    members = read_csv(world, "salesforce", "CampaignMember")
    assert _refs(members, "CampaignId") <= _ids(world, "Campaign")
    assert _refs(members, "LeadId") <= _ids(world, "Lead")
    assert _refs(members, "ContactId") <= contacts


def test_synced_programs_point_at_campaigns_and_responses_show_in_both(world: WorldSummary) -> None:
    programs = [p for path in files(world, "marketo", "programs") for p in json_rows(path)]
    synced = {p["id"]: p["sfdcId"] for p in programs if p["sfdcId"]}
    assert synced and set(synced.values()) <= _ids(world, "Campaign")
    assert any(not p["sfdcId"] for p in programs)
    acts = read_csv(world, "marketo", "activities").filter(pl.col("activityTypeId") == "104")
    success = [json.loads(a) for a in acts["attributes"].to_list()]
    won_programs = {a["Program Id"] for a in success if a["Success"]}
    members = read_csv(world, "salesforce", "CampaignMember").filter(
        pl.col("HasResponded") == "true"
    )
    responded_campaigns = set(members["CampaignId"].to_list())
    assert {synced[p] for p in won_programs if p in synced} & responded_campaigns


def test_activities_are_valid_json_with_utm_parameters(world: WorldSummary) -> None:
    acts = read_csv(world, "marketo", "activities")
    assert acts["marketoGUID"].n_unique() == acts.height
    types = set(acts["activityTypeId"].to_list())
    assert {"1", "2", "6", "7", "10", "11", "13", "32", "104"} <= types
    attrs = [json.loads(a) for a in acts["attributes"].to_list()]
    assert any("utm_campaign=gads-" in a.get("Query Parameters", "") for a in attrs)
    assert any("utm_source=marketo" in a.get("Link", "") for a in attrs)
    status = [a for a in attrs if a.get("Attribute Name") == "Lead Status"]
    assert {("New", "SQL"), ("MQL", "SQL"), ("New", "MQL")} <= {
        (s["Old Value"], s["New Value"]) for s in status
    }
    assert (acts["primaryAttributeValueId"] == "null").any()
    assert acts["activityDate"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()


UNLINKED_AD_NAMES = {"Bing Generic UK 2024", "Lookalike EU - new creative"}


@pytest.mark.parametrize("system", ["google_ads", "meta_ads", "linkedin_ads", "microsoft_ads"])
def test_ad_campaign_names_carry_a_crm_name_or_id_or_a_program_id_as_teams_write_them(
    world: WorldSummary, system: str
) -> None:
    """Issue 19: ad campaigns are named after the CRM campaign (= its utm_campaign, any case),
    carry its Salesforce id (18 or 15 characters) or a Marketo program id (`mkto-1007`,
    `program-1011`), or are among the few names nothing links."""
    campaigns = read_csv(world, "salesforce", "Campaign")
    crm_names = {str(n).lower() for n in campaigns["Name"].to_list()}
    crm_ids = {str(i) for i in campaigns["Id"].to_list()}
    program_ids = {
        str(p["id"]) for path in files(world, "marketo", "programs") for p in json_rows(path)
    }

    def linkable(name: str) -> bool:
        words = set(re.split(r"[^0-9A-Za-z]+", name))
        return (
            name.lower() in crm_names
            or any(i in words or i[:15] in words for i in crm_ids)
            or any(
                (m := re.fullmatch(r"(?:mkto|program)-?(\d+)", w)) and m.group(1) in program_ids
                for w in re.split(r"[^0-9A-Za-z-]+", name)
            )
        )

    obj = {
        "google_ads": "campaign_stats",
        "meta_ads": "insights",
        "linkedin_ads": "ad_analytics",
        "microsoft_ads": "campaign_performance",
    }[system]
    names = set()
    for path in files(world, system, obj):
        if path.suffix == ".csv":
            names |= {
                line.split('","')[4]
                for line in path.read_text().splitlines()
                if line.startswith('"20')
            }
        else:
            for row in json_rows(path):
                flat = {k.split(".")[-1]: v for k, v in _flat(row).items()}
                name = flat.get("campaign_name") or flat.get("campaignGroupName") or flat["name"]
                names.add(str(name))
    assert names
    assert {n for n in names if not linkable(n)} <= UNLINKED_AD_NAMES


def _flat(row: dict[str, object]) -> dict[str, object]:
    return flatten(row)

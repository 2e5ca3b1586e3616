"""The dirt real data has is present, summarised, and never unparseable by default."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from pipeline.generate import WorldSummary, generate_world
from pipeline.generate.dirt import BAD_VALUES
from tests.generate.conftest import files, json_rows, read_csv


def test_summary_counts_every_kind_of_dirt(world: WorldSummary) -> None:
    assert world.dirt["dirty_rows"] == 0
    for kind, count in world.dirt.items():
        if kind != "dirty_rows":
            assert count > 0, kind


def test_duplicates_differ_only_in_email_case_and_whitespace(world: WorldSummary) -> None:
    leads = read_csv(world, "marketo", "leads")
    variants = leads.with_columns(norm=pl.col("email").str.strip_chars().str.to_lowercase())
    per_norm = variants.group_by("norm").agg(
        pl.col("id").n_unique(), pl.col("email").n_unique().alias("spellings")
    )
    assert per_norm.filter(pl.col("spellings") > 1).height > 0
    assert (leads["email"] != leads["email"].str.strip_chars()).any()


def test_role_mailboxes_are_shared_by_different_people(world: WorldSummary) -> None:
    leads = read_csv(world, "marketo", "leads").filter(
        pl.col("email").str.contains(r"^(info|sales|marketing|hello|contact)@")
    )
    shared = leads.group_by("email").agg(
        pl.col("id").n_unique().alias("people"), pl.col("firstName").n_unique()
    )
    assert shared.filter(pl.col("people") >= 2).height > 0


def test_salesforce_deletes_merges_conversions_and_short_ids(world: WorldSummary) -> None:
    lead = read_csv(world, "salesforce", "Lead")
    merged = lead.filter(pl.col("MasterRecordId").is_not_null())
    assert merged.height and (merged["IsDeleted"] == "true").all()
    converted = lead.filter(pl.col("IsConverted") == "true")
    assert (
        converted["ConvertedContactId"].is_not_null().all()
        and converted["ConvertedDate"].is_not_null().all()
    )
    assert lead.filter(
        (pl.col("Status") == "Closed - Converted") & (pl.col("IsConverted") == "false")
    ).height
    assert (lead.group_by("Id").len()["len"] > 1).any()  # re-delivered with newer modstamps
    assert (read_csv(world, "salesforce", "Opportunity")["AccountId"].str.len_chars() == 15).any()
    contact_emails = set(
        read_csv(world, "salesforce", "Contact")["Email"].str.strip_chars().str.to_lowercase()
    )
    lead_emails = set(lead["Email"].drop_nulls().str.strip_chars().str.to_lowercase())
    assert contact_emails & lead_emails  # a person both as lead and contact


def test_deals_regress_reopen_and_come_in_three_currencies_and_types(world: WorldSummary) -> None:
    opp = read_csv(world, "salesforce", "Opportunity")
    assert set(opp["CurrencyIsoCode"]) >= {"USD", "EUR", "GBP"}
    assert set(opp["Type"]) == {"New Business", "Expansion", "Renewal"}
    history = read_csv(world, "salesforce", "OpportunityHistory").sort("CreatedDate")
    paths = history.group_by("OpportunityId", maintain_order=True).agg(pl.col("StageName"))
    stages = [tuple(p) for p in paths["StageName"].to_list()]
    assert any(s[-2:] == ("Closed Won", "Closed Lost") for s in stages)
    assert any("Closed Lost" in s[:-1] and s[-1] != "Closed Lost" for s in stages)
    amounts = opp["Amount"].cast(pl.Float64)
    assert amounts.min() >= 5_000 and amounts.max() <= 200_000  # type: ignore[operator]


def test_ads_restate_recent_days_in_later_files(world: WorldSummary) -> None:
    seen: dict[tuple[str, str], set[str]] = {}
    for path in files(world, "google_ads", "campaign_stats"):
        for row in json_rows(path):
            key = (row["customer"]["id"], row["segments"]["date"])
            seen.setdefault(key, set()).add(path.name)
    assert any(len(names) > 1 for names in seen.values())
    wrappers = {
        type(__import__("json").loads(p.read_text())).__name__
        for p in files(world, "google_ads", "campaign_stats")
    }
    assert wrappers == {"list", "dict"}


def test_dirty_rows_flag_injects_unparseable_values(tmp_path: Path) -> None:
    summary = generate_world(
        tmp_path, people=300, days=10, end_date=date(2026, 3, 31), dirty_rows=True
    )
    assert summary.dirt["dirty_rows"] == sum(len(v) for v in BAD_VALUES.values())
    text = "".join(p.read_text(encoding="utf-8") for p in summary.files if p.suffix == ".csv")
    for values in BAD_VALUES.values():
        for _, value in values:
            assert value in text

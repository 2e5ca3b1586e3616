"""Salesforce objects as Bulk API CSV rows: one row per delivered version of a record, with
`_t` (the time of the change) deciding the daily file it is delivered in."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.generate.deals import LOST, STAGES, WON
from pipeline.generate.frames import ids, money, shorten
from pipeline.generate.spec import (
    DAY,
    HOUR,
    I64,
    ISO_DATE,
    NEVER,
    SF_TS,
    Arr,
    fmt_time,
    gamma_seconds,
    uniform_seconds,
)
from pipeline.generate.world import World

ID15_SHARE = 0.02  # reference ids delivered in their 15-character form


def _audit(
    world: World, created: I64, modified: I64, creator: Arr | None = None
) -> dict[str, object]:
    by = creator if creator is not None else np.full(len(created), world.users[0])
    return {
        "CreatedDate": fmt_time(created, SF_TS),
        "CreatedById": by,
        "LastModifiedDate": fmt_time(modified, SF_TS),
        "LastModifiedById": by,
        "SystemModstamp": fmt_time(modified, SF_TS),
        "_t": modified,
    }


def _owner(world: World, company: I64) -> Arr:
    return world.users[1 + company % (len(world.users) - 1)]


def leads(world: World) -> pl.DataFrame:
    """Lead versions: created, MQL, recycled, converted, deleted as spam; duplicate leads and
    their merge into the surviving lead (loser deleted with `MasterRecordId`)."""
    spec, p, r, c = world.spec, world.people, world.records, world.companies
    rng = spec.rng("salesforce")
    base = np.flatnonzero(p.sf_lead)
    spam = (p.mql_t[base] == NEVER) & (p.sql_t[base] == NEVER) & (rng.random(len(base)) < 0.01)
    delete_t = np.where(spam, p.sf_lead_t[base] + gamma_seconds(rng, len(base), 5.0), NEVER)
    mismatch = rng.random(len(base)) < 0.05  # recycled leads left with a "converted" status
    # (person, time, deleted, master) per version
    parts = [
        (base, p.sf_lead_t[base], False),
        (base, p.mql_t[base], False),
        (base, p.recycle_t[base], False),
        (base, p.convert_t[base], False),
        (base, delete_t, True),
    ]
    person = np.concatenate([x[0] for x in parts])
    t = np.concatenate([x[1] for x in parts])
    deleted = np.concatenate([np.full(len(x[0]), x[2]) for x in parts])
    is_mismatch = np.tile(mismatch, len(parts))
    keep = t < spec.t_end
    person, t, deleted, is_mismatch = person[keep], t[keep], deleted[keep], is_mismatch[keep]

    converted = p.convert_t[person] <= t
    status = np.where(
        converted,
        "Closed - Converted",
        np.where(
            p.recycle_t[person] <= t,
            np.where(is_mismatch, "Closed - Converted", "Closed - Not Converted"),
            np.where(p.mql_t[person] <= t, "Working - Contacted", "Open - Not Contacted"),
        ),
    )
    company = p.company[person]
    main = pl.DataFrame(
        {
            "Id": r.lead_id[person],
            "IsDeleted": deleted,
            "MasterRecordId": pl.Series([None] * len(person), dtype=pl.String),
            "FirstName": p.first[person],
            "LastName": p.last[person],
            "Email": p.email[person].astype(str),
            "Company": c.name[company],
            "Title": p.title[person],
            "Country": c.country[company],
            "Industry": c.industry[company],
            "NumberOfEmployees": c.employees[company],
            "LeadSource": p.lead_source[person],
            "Status": status,
            "Rating": np.where(p.mql_t[person] <= t, "Warm", "Cold"),
            "OwnerId": _owner(world, company),
            "IsConverted": converted,
            "ConvertedDate": fmt_time(np.where(converted, p.convert_t[person], NEVER), ISO_DATE),
            "ConvertedAccountId": ids(np.where(converted, r.account_id[company], "")),
            "ConvertedContactId": ids(
                shorten(np.where(converted, r.contact_id[person], ""), rng, ID15_SHARE)
            ),
            "ConvertedOpportunityId": ids(np.where(converted, world.person_opp_id[person], "")),
            "CurrencyIsoCode": c.currency[company],
            **_audit(world, p.sf_lead_t[person], t),
        }
    )
    return pl.concat([main, _duplicate_leads(world, rng)], how="vertical_relaxed")


def _duplicate_leads(world: World, rng: np.random.Generator) -> pl.DataFrame:
    spec, p, r, c, d = world.spec, world.people, world.records, world.companies, world.records.dups
    j = np.flatnonzero(d.sf_lead)
    created = d.created[j] + rng.integers(30, 900, len(j))
    merged = d.sf_merge_t[j] < spec.t_end
    j = np.r_[j, j[merged]]
    t = np.r_[created, d.sf_merge_t[j[len(created) :]]]
    is_merge = np.r_[np.zeros(len(created), bool), np.ones(int(merged.sum()), bool)]
    created = np.r_[created, created[merged]]
    keep = t < spec.t_end
    j, t, is_merge, created = j[keep], t[keep], is_merge[keep], created[keep]
    person = d.person[j]
    company = p.company[person]
    return pl.DataFrame(
        {
            "Id": d.sf_lead_id[j],
            "IsDeleted": is_merge,
            "MasterRecordId": ids(np.where(is_merge, r.lead_id[person], "")),
            "FirstName": p.first[person],
            "LastName": p.last[person],
            "Email": d.email[j].astype(str),
            "Company": c.name[company],
            "Title": p.title[person],
            "Country": c.country[company],
            "Industry": c.industry[company],
            "NumberOfEmployees": c.employees[company],
            "LeadSource": np.full(len(j), "Web"),
            "Status": np.full(len(j), "Open - Not Contacted"),
            "Rating": np.full(len(j), "Cold"),
            "OwnerId": _owner(world, company),
            "IsConverted": np.zeros(len(j), bool),
            "ConvertedDate": pl.Series([None] * len(j), dtype=pl.String),
            "ConvertedAccountId": pl.Series([None] * len(j), dtype=pl.String),
            "ConvertedContactId": pl.Series([None] * len(j), dtype=pl.String),
            "ConvertedOpportunityId": pl.Series([None] * len(j), dtype=pl.String),
            "CurrencyIsoCode": c.currency[company],
            **_audit(world, created, t),
        }
    )


def contacts(world: World) -> pl.DataFrame:
    """Contacts (existing ones and those created by conversion); some re-delivered later."""
    spec, p, r, c = world.spec, world.people, world.records, world.companies
    rng = np.random.default_rng([spec.seed, 5, 2])
    base = np.flatnonzero(p.contact_t < spec.t_end)
    again = base[rng.random(len(base)) < 0.1]
    again_t = np.maximum(p.contact_t[again], spec.t_start) + uniform_seconds(
        rng, DAY, 20 * DAY, len(again)
    )
    person = np.r_[base, again]
    t = np.r_[p.contact_t[base], again_t]
    keep = t < spec.t_end
    person, t = person[keep], t[keep]
    company = p.company[person]
    title = np.where(
        np.arange(len(person)) >= len(base), "Senior " + p.title[person], p.title[person]
    )
    return pl.DataFrame(
        {
            "Id": r.contact_id[person],
            "IsDeleted": np.zeros(len(person), bool),
            "MasterRecordId": pl.Series([None] * len(person), dtype=pl.String),
            "AccountId": ids(shorten(r.account_id[company], rng, ID15_SHARE)),
            "FirstName": p.first[person],
            "LastName": p.last[person],
            "Email": p.email[person].astype(str),
            "Title": title,
            "MailingCountry": c.country[company],
            "LeadSource": p.lead_source[person],
            "OwnerId": _owner(world, company),
            **_audit(world, p.contact_t[person], t),
        }
    )


def accounts(world: World) -> pl.DataFrame:
    """Accounts as created, and again when they first win a deal (Type -> Customer)."""
    spec, c, r, d = world.spec, world.companies, world.records, world.deals
    base = np.flatnonzero(r.account_t < spec.t_end)
    won_t = np.full(c.n, NEVER, dtype=np.int64)
    won = d.event_stage == WON
    np.minimum.at(won_t, d.company[d.event_opp[won]], d.event_t[won])
    again = base[won_t[base] < spec.t_end]
    company = np.r_[base, again]
    t = np.r_[r.account_t[base], won_t[again]]
    return pl.DataFrame(
        {
            "Id": r.account_id[company],
            "IsDeleted": np.zeros(len(company), bool),
            "MasterRecordId": pl.Series([None] * len(company), dtype=pl.String),
            "Name": c.name[company],
            "Type": np.where(won_t[company] <= t, "Customer", "Prospect"),
            "Industry": c.industry[company],
            "NumberOfEmployees": c.employees[company],
            "BillingCountry": c.country[company],
            "Website": np.char.add("www.", c.domain[company].astype(str)),
            "OwnerId": _owner(world, company),
            "CurrencyIsoCode": c.currency[company],
            **_audit(world, r.account_t[company], t),
        }
    )


def _stage_cols(stage: I64, amount: Arr) -> dict[str, object]:
    prob = np.array([s[1] for s in STAGES])[stage]
    return {
        "StageName": np.array([s[0] for s in STAGES])[stage],
        "Amount": money(amount),
        "Probability": prob,
        "ExpectedRevenue": money(amount * prob / 100.0),
    }


def opportunities(world: World) -> pl.DataFrame:
    """One row per stage event (the opportunity as it was after that change), plus deletions."""
    spec, d, c, r = world.spec, world.deals, world.companies, world.records
    rng = np.random.default_rng([spec.seed, 5, 3])
    e = np.flatnonzero(d.event_t < spec.t_end)
    opp, t, stage = d.event_opp[e], d.event_t[e], d.event_stage[e]
    company = d.company[opp]
    label = fmt_time(d.created[opp], "%b %Y").to_numpy().astype(str)
    name = np.char.add(
        np.char.add(np.char.add(c.name[company].astype(str), " - "), d.type[opp]), " - "
    )
    campaign = np.where(
        d.campaign[opp] >= 0, world.catalogue.sf_id[np.maximum(d.campaign[opp], 0)], ""
    )
    frame = pl.DataFrame(
        {
            "Id": world.opp_id[opp],
            "IsDeleted": np.zeros(len(e), bool),
            "AccountId": ids(shorten(r.account_id[company], rng, ID15_SHARE)),
            "Name": np.char.add(name, label),
            **_stage_cols(stage, d.event_amount[e]),
            "CloseDate": fmt_time(d.event_close_t[e], ISO_DATE),
            "Type": d.type[opp],
            "LeadSource": d.lead_source[opp],
            "IsClosed": (stage == WON) | (stage == LOST),
            "IsWon": stage == WON,
            "ForecastCategory": np.array([s[2] for s in STAGES])[stage],
            "CampaignId": ids(campaign),
            "OwnerId": _owner(world, company),
            "CurrencyIsoCode": c.currency[company],
            **_audit(world, d.created[opp], t, _owner(world, company)),
        }
    )
    # a few deals deleted after their last change
    last = frame.group_by("Id", maintain_order=True).last()
    doomed = last.filter(pl.Series(rng.random(last.height) < 0.005))
    gone_t = doomed["_t"].to_numpy() + rng.integers(HOUR, 10 * DAY, doomed.height)
    doomed = doomed.with_columns(
        IsDeleted=pl.lit(True),
        LastModifiedDate=fmt_time(gone_t, SF_TS),
        SystemModstamp=fmt_time(gone_t, SF_TS),
        _t=pl.Series(gone_t),
    ).filter(pl.col("_t") < spec.t_end)
    return pl.concat([frame, doomed])


def opportunity_history(world: World) -> pl.DataFrame:
    spec, d = world.spec, world.deals
    from pipeline.generate.sfid import make_ids

    e = np.flatnonzero(d.event_t < spec.t_end)
    t = d.event_t[e]
    owner = _owner(world, d.company[d.event_opp[e]])
    return pl.DataFrame(
        {
            "Id": make_ids("OpportunityHistory", len(e)),
            "IsDeleted": np.zeros(len(e), bool),
            "OpportunityId": world.opp_id[d.event_opp[e]],
            **_stage_cols(d.event_stage[e], d.event_amount[e]),
            "CloseDate": fmt_time(d.event_close_t[e], ISO_DATE),
            "ForecastCategory": np.array([s[2] for s in STAGES])[d.event_stage[e]],
            "CreatedDate": fmt_time(t, SF_TS),
            "CreatedById": owner,
            "SystemModstamp": fmt_time(t, SF_TS),
            "_t": t,
        }
    )


def contact_roles(world: World) -> pl.DataFrame:
    from pipeline.generate.sfid import make_ids
    from pipeline.generate.vocab import OPP_ROLES

    spec, d, r = world.spec, world.deals, world.records
    rng = np.random.default_rng([spec.seed, 5, 4])
    extra = np.flatnonzero(d.extra_person >= 0)
    opp = np.r_[np.arange(d.n), extra]
    person = np.r_[d.primary_person, d.extra_person[extra]]
    primary = np.r_[np.ones(d.n, bool), np.zeros(len(extra), bool)]
    t = d.created[opp] + np.where(primary, 60, 3600)
    keep = t < spec.t_end
    opp, person, primary, t = opp[keep], person[keep], primary[keep], t[keep]
    role = np.where(primary, "Decision Maker", np.array(OPP_ROLES)[rng.integers(1, 5, len(opp))])
    return pl.DataFrame(
        {
            "Id": make_ids("OpportunityContactRole", len(opp)),
            "IsDeleted": np.zeros(len(opp), bool),
            "OpportunityId": world.opp_id[opp],
            "ContactId": r.contact_id[person],
            "Role": role,
            "IsPrimary": primary,
            **_audit(world, t, t, _owner(world, d.company[opp])),
        }
    )


def campaigns(world: World) -> pl.DataFrame:
    """Campaign versions: Planned when created, In Progress at start, Completed at end."""
    spec, k = world.spec, world.catalogue
    idx = k.where(k.has_sf)
    parts = [(k.created[idx], "Planned"), (k.start[idx], "In Progress"), (k.end[idx], "Completed")]
    camp = np.tile(idx, 3)
    t = np.concatenate([x[0] for x in parts])
    status = np.repeat([x[1] for x in parts], len(idx))
    keep = t < spec.t_end
    camp, t, status = camp[keep], t[keep], status[keep]
    completed = status == "Completed"
    return pl.DataFrame(
        {
            "Id": k.sf_id[camp],
            "IsDeleted": np.zeros(len(camp), bool),
            "Name": k.name[camp],
            "ParentId": pl.Series([None] * len(camp), dtype=pl.String),
            "Type": k.kind[camp],
            "Status": status,
            "StartDate": fmt_time(k.start[camp], ISO_DATE),
            "EndDate": fmt_time(k.end[camp], ISO_DATE),
            "BudgetedCost": money(k.budget[camp]),
            "ActualCost": pl.Series(money(k.budget[camp] * 0.93)).zip_with(
                pl.Series(completed), pl.Series([None] * len(camp), dtype=pl.String)
            ),
            "IsActive": status != "Completed",
            "OwnerId": world.users[1 + camp % (len(world.users) - 1)],
            **_audit(world, k.created[camp], t),
        }
    )


def campaign_members(world: World) -> pl.DataFrame:
    """Members as added (not responded), and again when they respond."""
    from pipeline.generate.sfid import make_ids

    spec, m, r, k = world.spec, world.members, world.records, world.catalogue
    rng = np.random.default_rng([spec.seed, 5, 5])
    idx = np.flatnonzero(m.in_sf)
    member_id = make_ids("CampaignMember", len(idx))
    late = (m.resp_t[idx] > m.t[idx]) & (m.resp_t[idx] < spec.t_end)
    rows = np.r_[np.arange(len(idx)), np.flatnonzero(late)]
    j = idx[rows]
    t = np.r_[m.t[idx], m.resp_t[idx][late]]
    responded = m.resp_t[j] <= t
    person = m.person[j]
    lead = np.where(m.as_lead[j], r.lead_id[person], "")
    contact = np.where(m.as_lead[j], "", r.contact_id[person])
    return pl.DataFrame(
        {
            "Id": member_id[rows],
            "IsDeleted": np.zeros(len(j), bool),
            "CampaignId": k.sf_id[m.campaign[j]],
            "LeadId": ids(shorten(lead, rng, ID15_SHARE)),
            "ContactId": ids(contact),
            "Status": np.where(
                responded, k.responded_status[m.campaign[j]], k.member_status[m.campaign[j]]
            ),
            "HasResponded": responded,
            "FirstRespondedDate": fmt_time(np.where(responded, m.resp_t[j], NEVER), ISO_DATE),
            **_audit(world, m.t[j], t),
        }
    )

"""Marketo: lead extract rows (one per delivered version), programs and activity types."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import polars as pl

from pipeline.generate.campaigns import AD_ACCOUNTS, UTM
from pipeline.generate.frames import ids
from pipeline.generate.spec import I64, MK_TS, NEVER, Arr, fmt_time
from pipeline.generate.world import World

STATUSES = ("New", "MQL", "SQL", "Recycled")
PROGRAM_TS = "%Y-%m-%dT%H:%M:%SZ+0000"  # what the asset API really sends


def _status(world: World, person: I64, t: I64) -> Arr:
    p = world.people
    return np.where(
        p.sql_t[person] <= t,
        "SQL",
        np.where(
            p.recycle_t[person] <= t, "Recycled", np.where(p.mql_t[person] <= t, "MQL", "New")
        ),
    )


def _utm(world: World, person: I64) -> dict[str, pl.Series]:
    k, p = world.catalogue, world.people
    campaign = p.paid_campaign[person]
    paid = campaign >= 0
    platform = np.array([a.platform for a in AD_ACCOUNTS])[k.ad_account[np.maximum(campaign, 0)]]
    source = np.array([UTM[x][0] for x in platform])
    medium = np.array([UTM[x][1] for x in platform])
    return {
        "utmSource": ids(np.where(paid, source, "")),
        "utmMedium": ids(np.where(paid, medium, "")),
        "utmCampaign": ids(np.where(paid, k.name[np.maximum(campaign, 0)], "")),
    }


def leads(world: World) -> pl.DataFrame:
    """Lead versions: synced, MQL, SQL, recycled, converted (sfdcType Lead -> Contact), and the
    winner of a Marketo merge; duplicate records as first created (gone after their merge)."""
    spec, p, r, c, d = world.spec, world.people, world.records, world.companies, world.records.dups
    first_t = np.where(p.sf_lead, np.maximum(p.created, p.sf_lead_t), p.created)
    merge_t = np.full(p.n, NEVER, dtype=np.int64)
    np.minimum.at(merge_t, d.person, d.mk_merge_t)
    everyone = np.arange(p.n, dtype=np.int64)
    times = (first_t, p.mql_t, p.sql_t, p.recycle_t, p.convert_t, merge_t)
    person = np.tile(everyone, len(times))
    t = np.concatenate(times)
    keep = t < spec.t_end
    person, t = person[keep], t[keep]
    company = p.company[person]
    contact = p.contact_t[person] <= t
    lead = p.sf_lead[person] & (p.sf_lead_t[person] <= t)
    status = _status(world, person, t)
    score = p.score_base[person] + np.select(
        [status == "SQL", status == "MQL", status == "Recycled"], [110, 70, 35], 0
    )
    main = pl.DataFrame(
        {
            "id": r.marketo_id[person],
            "email": p.email[person].astype(str),
            "firstName": p.first[person],
            "lastName": p.last[person],
            "company": c.name[company],
            "title": p.title[person],
            "country": c.country[company],
            "industry": c.industry[company],
            "numberOfEmployees": c.employees[company],
            "createdAt": fmt_time(p.created[person], MK_TS),
            "updatedAt": fmt_time(t, MK_TS),
            "sfdcType": ids(np.where(contact, "Contact", np.where(lead, "Lead", ""))),
            "sfdcLeadId": ids(np.where(lead, r.lead_id[person], "")),
            "sfdcContactId": ids(np.where(contact, r.contact_id[person], "")),
            "sfdcAccountId": ids(np.where(contact, r.account_id[company], "")),
            "leadStatus": status,
            "leadScore": score,
            "leadSource": p.lead_source[person],
            **_utm(world, person),
            "_t": t,
        }
    )
    j = np.flatnonzero(d.created < spec.t_end)
    if len(j) == 0:
        return main  # a small world may have no duplicate lead yet
    dp = d.person[j]
    dc = p.company[dp]
    dup_t = d.created[j] + 900
    dup = pl.DataFrame(
        {
            "id": d.marketo_id[j],
            "email": d.email[j].astype(str),
            "firstName": p.first[dp],
            "lastName": p.last[dp],
            "company": c.name[dc],
            "title": p.title[dp],
            "country": c.country[dc],
            "industry": c.industry[dc],
            "numberOfEmployees": c.employees[dc],
            "createdAt": fmt_time(d.created[j], MK_TS),
            "updatedAt": fmt_time(dup_t, MK_TS),
            "sfdcType": ids(np.where(d.sf_lead[j], "Lead", "")),
            "sfdcLeadId": ids(d.sf_lead_id[j]),
            "sfdcContactId": ids(np.full(len(j), "")),
            "sfdcAccountId": ids(np.full(len(j), "")),
            "leadStatus": np.full(len(j), "New"),
            "leadScore": p.score_base[dp],
            "leadSource": np.full(len(j), "Web"),
            "utmSource": ids(np.full(len(j), "")),
            "utmMedium": ids(np.full(len(j), "")),
            "utmCampaign": ids(np.full(len(j), "")),
            "_t": dup_t,
        }
    )
    return pl.concat([main, dup.filter(pl.col("_t") < spec.t_end)])


def programs(world: World) -> list[tuple[int, dict[str, Any]]]:
    """(delivery time, program) pairs as the asset API returns programs."""
    k = world.catalogue
    out = []
    for i in k.where(k.program_id > 0):
        created = fmt_time(np.array([k.created[i]]), PROGRAM_TS)[0]
        out.append(
            (
                int(k.created[i]),
                {
                    "id": int(k.program_id[i]),
                    "name": str(k.name[i]),
                    "description": f"{k.kind[i]} program",
                    "createdAt": created,
                    "updatedAt": created,
                    "url": f"https://app-ab01.marketo.com/#PG{int(k.program_id[i])}A1",
                    "type": str(k.program_type[i]),
                    "channel": str(k.channel[i]),
                    "folder": {"type": "Folder", "value": 27, "folderName": str(k.kind[i])},
                    "status": "on" if k.program_type[i] == "Engagement" else "",
                    "workspace": "Default",
                    "sfdcId": str(k.sf_id[i]) or None,
                    "sfdcName": str(k.name[i]) if k.sf_id[i] else None,
                },
            )
        )
    return out


_TYPES: tuple[tuple[int, str, str, str, list[str]], ...] = (
    (
        1,
        "Visit Webpage",
        "User visits a web page",
        "Webpage ID",
        ["Webpage URL", "Query Parameters", "Referrer URL", "Client IP Address"],
    ),
    (
        2,
        "Fill Out Form",
        "User fills out and submits form on web page",
        "Webpage ID",
        ["Form Fields", "Query Parameters", "Referrer URL", "Webpage ID"],
    ),
    (
        6,
        "Send Email",
        "Send Marketo Email to a person",
        "Mailing ID",
        ["Campaign Run ID", "Step ID", "Choice Number"],
    ),
    (
        7,
        "Email Delivered",
        "Marketo Email is delivered to a lead",
        "Mailing ID",
        ["Campaign Run ID", "Step ID", "Choice Number"],
    ),
    (8, "Email Bounced", "Marketo Email bounced", "Mailing ID", ["Category", "Details"]),
    (
        9,
        "Unsubscribe Email",
        "Person unsubscribed from Marketo emails",
        "Mailing ID",
        ["Campaign Run ID"],
    ),
    (10, "Open Email", "User opens Marketo Email", "Mailing ID", ["Device", "Is Mobile Device"]),
    (
        11,
        "Click Email",
        "User clicks on a link in a Marketo Email",
        "Mailing ID",
        ["Link", "Device", "Is Mobile Device"],
    ),
    (
        13,
        "Change Data Value",
        "Changed attribute value for a person",
        "Attribute Name",
        ["New Value", "Old Value", "Reason", "Source"],
    ),
    (
        32,
        "Merge Leads",
        "Merge two or more person records",
        "Lead ID",
        ["Merge IDs", "Merge Source", "Master Updated"],
    ),
    (
        104,
        "Change Status in Progression",
        "Change a program status",
        "Program ID",
        ["Program Id", "New Status", "Old Status", "Success", "Reason"],
    ),
)


def activity_types() -> list[dict[str, Any]]:
    return [
        {
            "id": type_id,
            "name": name,
            "description": description,
            "primaryAttribute": {"name": primary, "dataType": "integer"},
            "attributes": [{"name": a, "dataType": "string"} for a in attributes],
        }
        for type_id, name, description, primary, attributes in _TYPES
    ]


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

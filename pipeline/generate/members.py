"""Campaign and program membership: who joined which initiative when, and whether they responded.

A membership of a Salesforce campaign becomes a CampaignMember (on the lead, or on the contact once
converted); a membership of a Marketo program becomes progression-status activities. A program
synced to a campaign produces both: the same response, seen by two systems."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generate.campaigns import Catalogue
from pipeline.generate.people import People
from pipeline.generate.spec import DAY, I64, NEVER, Bool, WorldSpec, uniform_seconds

MEMBERSHIPS_PER_30_DAYS = 0.9


@dataclass(frozen=True)
class Members:
    n: int
    person: I64
    campaign: I64
    t: I64
    responded: Bool
    resp_t: I64  # NEVER when no response (yet)
    as_lead: Bool  # Salesforce member through the lead (else through the contact)
    in_sf: Bool  # a CampaignMember exists


def build_members(spec: WorldSpec, people: People, catalogue: Catalogue) -> Members:
    rng = spec.rng("campaigns")
    active_days = (spec.t_end - people.active_from) / DAY
    counts = rng.poisson(MEMBERSHIPS_PER_30_DAYS * active_days / 30.0)
    person = np.repeat(np.arange(people.n, dtype=np.int64), counts)
    eligible = catalogue.where((catalogue.ad_account < 0) & (catalogue.kind != "Nurture"))
    campaign = eligible[rng.integers(0, len(eligible), len(person))]
    low = np.maximum(people.active_from[person], catalogue.created[campaign])
    high = np.minimum(catalogue.end[campaign], spec.t_end)
    keep = low < high
    person, campaign, low, high = person[keep], campaign[keep], low[keep], high[keep]
    t = uniform_seconds(rng, low, high, len(person))

    paid = np.flatnonzero(people.paid_campaign >= 0)
    person = np.r_[person, paid]
    campaign = np.r_[campaign, people.paid_campaign[paid]]
    t = np.r_[t, people.created[paid] + 1000]  # added by the sync, after the lead exists

    imported, syndication = _syndicated(spec, people, catalogue)
    person = np.r_[person, imported]
    campaign = np.r_[campaign, syndication]
    t = np.r_[t, people.created[imported] - 60]  # the vendor's delivery, then the list import
    keep = t < spec.t_end
    person, campaign, t = person[keep], campaign[keep], t[keep]

    # one membership per (person, campaign): the earliest
    order = np.lexsort((t, campaign, person))
    person, campaign, t = person[order], campaign[order], t[order]
    first = np.r_[True, (person[1:] != person[:-1]) | (campaign[1:] != campaign[:-1])]
    person, campaign, t = person[first], campaign[first], t[first]

    n = len(person)
    responded = rng.random(n) < catalogue.response_p[campaign]
    start, end = catalogue.start[campaign], catalogue.end[campaign]
    resp_t = np.maximum(t, start) + uniform_seconds(rng, 0, np.maximum(end - start, 3600), n)
    resp_t = np.where(catalogue.ad_account[campaign] >= 0, t, resp_t)  # paid: the click itself
    resp_t = np.where(catalogue.kind[campaign] == "Content Syndication", t, resp_t)
    resp_t = np.where(responded & (resp_t < spec.t_end), resp_t, NEVER)

    as_lead = (people.sf_lead_t[person] <= t) & (t < people.convert_t[person])
    as_contact = ~as_lead & (people.contact_t[person] <= t)
    in_sf = catalogue.has_sf[campaign] & (as_lead | as_contact)
    return Members(
        n=n,
        person=person.astype(np.int64),
        campaign=campaign.astype(np.int64),
        t=t.astype(np.int64),
        responded=resp_t < NEVER,
        resp_t=resp_t.astype(np.int64),
        as_lead=as_lead,
        in_sf=in_sf,
    )


def _syndicated(spec: WorldSpec, people: People, catalogue: Catalogue) -> tuple[I64, I64]:
    """List-imported leads of the window and the content-syndication campaign that delivered
    each: the latest one started at or before the lead's creation."""
    imported = np.flatnonzero(
        (people.lead_source == "List Import") & (people.created >= spec.t_start)
    )
    campaigns = catalogue.where(catalogue.kind == "Content Syndication")
    campaigns = campaigns[np.argsort(catalogue.start[campaigns], kind="stable")]
    pos = np.searchsorted(catalogue.start[campaigns], people.created[imported], side="right") - 1
    found = pos >= 0
    return imported[found].astype(np.int64), campaigns[pos[found]].astype(np.int64)

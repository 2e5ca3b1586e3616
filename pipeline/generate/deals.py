"""Opportunities and their stage histories: deals from qualified people, historical won deals
of existing customers (before the window), and renewals ~12 months after a won deal or a won
renewal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generate.campaigns import Catalogue
from pipeline.generate.companies import Companies
from pipeline.generate.people import People
from pipeline.generate.records import Records
from pipeline.generate.spec import (
    DAY,
    F64,
    I64,
    NEVER,
    Arr,
    Bool,
    WorldSpec,
    uniform_seconds,
)

# (stage name, probability %, forecast category); codes are indexes
STAGES = (
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 20, "Pipeline"),
    ("Needs Analysis", 40, "Pipeline"),
    ("Proposal", 60, "Best Case"),
    ("Negotiation", 80, "Commit"),
    ("Closed Won", 100, "Closed"),
    ("Closed Lost", 0, "Omitted"),
)
WON, LOST = 5, 6
P_WON = 0.25
P_RENEWAL_WON = 0.8


@dataclass(frozen=True)
class Deals:
    """Per opportunity (index j) and per stage event (index e, sorted by opportunity, time)."""

    n: int
    company: I64
    primary_person: I64
    type: Arr
    created: I64
    amount: F64
    planned_close: I64
    campaign: I64  # catalogue index of the primary campaign source, -1 if none
    lead_source: Arr
    event_opp: I64
    event_t: I64
    event_stage: I64
    event_amount: F64
    event_close_t: I64
    extra_person: I64  # a second contact role (person index), -1 if none
    regressed: Bool  # Closed Won later turned Closed Lost
    reopened: Bool


@dataclass(frozen=True)
class _Path:
    opp: I64
    t: I64
    stage: I64
    position: I64
    regressed: Bool
    reopened: Bool


def _simulate(
    rng: np.random.Generator, created: I64, p_won: float, history_only: bool = False
) -> _Path:
    """Stage paths: open stages up to a last one, a close, then maybe a regression or reopen."""
    n = len(created)
    won = rng.random(n) < p_won
    last_open = np.where(won, 4, rng.integers(0, 5, n))
    regress = won & (rng.random(n) < 0.05) & (not history_only)
    reopen = ~won & (rng.random(n) < 0.06) & (not history_only)
    if not history_only:  # at least one of each, however small the world
        if won.any():
            regress[np.argmax(won)] = True
        if (~won).any():
            reopen[np.argmax(~won)] = True
    reopen_won = reopen & (rng.random(n) < 0.5)
    stage = np.full((n, 8), -1, dtype=np.int64)
    for j in range(5):
        stage[:, j] = np.where(j <= last_open, j, -1)
    stage[:, 5] = np.where(won, WON, LOST)
    stage[:, 6] = np.where(regress, LOST, np.where(reopen, 4, -1))
    stage[:, 7] = np.where(reopen, np.where(reopen_won, WON, LOST), -1)
    gaps = rng.gamma(2.0, 3.0 * DAY, (n, 8)).astype(np.int64)
    gaps[:, 0] = 0
    gaps[stage < 0] = 0
    times = created[:, None] + np.cumsum(gaps, axis=1)
    valid = stage >= 0
    opp = np.repeat(np.arange(n, dtype=np.int64)[:, None], 8, axis=1)
    position = np.repeat(np.arange(8, dtype=np.int64)[None, :], n, axis=0)
    return _Path(opp[valid], times[valid], stage[valid], position[valid], regress, reopen)


def build_deals(
    spec: WorldSpec, people: People, records: Records, companies: Companies, catalogue: Catalogue
) -> Deals:
    rng = spec.rng("opportunities")
    # 1. deals of qualified people
    person = np.flatnonzero(people.opp_t < NEVER).astype(np.int64)
    p_created = people.opp_t[person]
    # 2. historical won deals of existing customers, anniversaries around the window
    customer, hist_person = _customers(rng, people, companies)
    # anniversaries spread over a year: only some renewals start inside the window
    anniversary = uniform_seconds(
        rng, spec.t_start - 240 * DAY, spec.t_end + 60 * DAY, len(customer)
    )
    h_close = anniversary - 365 * DAY
    h_created = h_close - uniform_seconds(rng, 30 * DAY, 60 * DAY, len(customer))
    customer_since = np.full(companies.n, NEVER, dtype=np.int64)
    customer_since[customer] = h_close
    p_type = np.where(
        customer_since[people.company[person]] < p_created, "Expansion", "New Business"
    )
    first = _simulate(rng, p_created, P_WON)
    hist = _simulate(rng, h_created, 1.0, history_only=True)
    # squeeze historical paths into [created, close]
    last_t = np.zeros(len(customer), dtype=np.int64)
    np.maximum.at(last_t, hist.opp, hist.t)
    span = np.maximum(last_t - h_created, 1)
    frac = (hist.t - h_created[hist.opp]) / span[hist.opp]
    hist_t = h_created[hist.opp] + (frac * (h_close - h_created)[hist.opp]).astype(np.int64)

    n1, n2 = len(person), len(customer)
    opp = np.r_[first.opp, hist.opp + n1]
    t = np.r_[first.t, hist_t]
    stage = np.r_[first.stage, hist.stage]
    position = np.r_[first.position, hist.position]
    created = np.r_[p_created, h_created]
    company = np.r_[people.company[person], customer]
    primary = np.r_[person, hist_person]
    types = np.r_[p_type, np.full(n2, "New Business")]
    base_amount = _amounts(rng, n1 + n2)
    campaign = np.r_[people.paid_campaign[person], np.full(n2, -1)]
    source = np.r_[people.lead_source[person], np.full(n2, "Sales")]
    regressed = np.r_[first.regressed, hist.regressed]
    reopened = np.r_[first.reopened, hist.reopened]

    # 3. a renewal ~320 days after each deal whose final delivered state is Closed Won, and of
    # each won renewal in turn, so customers keep renewing through the window
    base = n1 + n2
    won_idx, won_t = _won(opp, t, stage, base, spec.t_end)
    while True:
        r_created = won_t + 320 * DAY
        keep = r_created < spec.t_end
        won_idx, r_created = won_idx[keep], r_created[keep]
        if not len(won_idx):
            break
        renew = _simulate(rng, r_created, P_RENEWAL_WON)
        n3 = len(won_idx)
        opp = np.r_[opp, renew.opp + base]
        t = np.r_[t, renew.t]
        stage = np.r_[stage, renew.stage]
        position = np.r_[position, renew.position]
        created = np.r_[created, r_created]
        company = np.r_[company, company[won_idx]]
        primary = np.r_[primary, primary[won_idx]]
        types = np.r_[types, np.full(n3, "Renewal")]
        base_amount = np.r_[
            base_amount, np.minimum(base_amount[won_idx] * rng.uniform(1.0, 1.15, n3), 200_000)
        ]
        campaign = np.r_[campaign, np.full(n3, -1)]
        source = np.r_[source, np.full(n3, "Existing Customer")]
        regressed = np.r_[regressed, renew.regressed]
        reopened = np.r_[reopened, renew.reopened]
        renewed, won_t = _won(renew.opp, renew.t, renew.stage, n3, spec.t_end)
        won_idx = renewed + base
        base += n3
    n = base

    # amounts change at Proposal for some deals; close dates follow the stage
    changes = rng.random(n) < 0.4
    factor = np.round(rng.uniform(0.8, 1.25, n), 2)
    amount = np.where(
        (position >= 3) & changes[opp], base_amount[opp] * factor[opp], base_amount[opp]
    )
    amount = np.round(np.clip(amount, 5_000, 200_000) / 100.0) * 100.0
    planned = created + uniform_seconds(rng, 30 * DAY, 90 * DAY, n)
    closed = (stage == WON) | (stage == LOST)
    close_t = np.where(closed, t, np.maximum(planned[opp], t + 14 * DAY))
    return Deals(
        n=n,
        company=company.astype(np.int64),
        primary_person=primary.astype(np.int64),
        type=types,
        created=created.astype(np.int64),
        amount=np.round(base_amount / 100.0) * 100.0,
        planned_close=planned.astype(np.int64),
        campaign=campaign.astype(np.int64),
        lead_source=source,
        event_opp=opp.astype(np.int64),
        event_t=t.astype(np.int64),
        event_stage=stage.astype(np.int64),
        event_amount=amount,
        event_close_t=close_t.astype(np.int64),
        extra_person=_extra_roles(rng, people, records, company, primary, created),
        regressed=regressed,
        reopened=reopened,
    )


def _won(opp: I64, t: I64, stage: I64, n: int, t_end: int) -> tuple[I64, I64]:
    """The deals (of `n`) whose last stage delivered before `t_end` is Closed Won, and when."""
    delivered = t < t_end
    final_stage = np.full(n, -1, dtype=np.int64)
    final_t = np.zeros(n, dtype=np.int64)
    order = np.lexsort((t[delivered], opp[delivered]))
    final_stage[opp[delivered][order]] = stage[delivered][order]
    final_t[opp[delivered][order]] = t[delivered][order]
    won = np.flatnonzero(final_stage == WON).astype(np.int64)
    return won, final_t[won]


def _amounts(rng: np.random.Generator, n: int) -> F64:
    return np.clip(rng.lognormal(np.log(30_000), 0.9, n), 5_000, 200_000)


def _customers(rng: np.random.Generator, people: People, companies: Companies) -> tuple[I64, I64]:
    """Existing accounts with a contact that bought before the window, and that contact."""
    contacts = np.flatnonzero(people.is_contact)
    order = np.lexsort((people.created[contacts], people.company[contacts]))
    contacts = contacts[order]
    comp = people.company[contacts]
    firsts = np.r_[True, comp[1:] != comp[:-1]][: len(comp)]  # no contact yet: none
    earliest = contacts[firsts]
    chosen = rng.random(len(earliest)) < 0.35
    return people.company[earliest[chosen]].astype(np.int64), earliest[chosen].astype(np.int64)


def _extra_roles(
    rng: np.random.Generator,
    people: People,
    records: Records,
    company: I64,
    primary: I64,
    created: I64,
) -> I64:
    """A second contact of the same company for about half the deals, if one exists by then."""
    order = np.argsort(people.company, kind="stable")
    sorted_company = people.company[order]
    start = np.searchsorted(sorted_company, company, side="left")
    stop = np.searchsorted(sorted_company, company, side="right")
    pick = order[
        np.minimum(
            start + (rng.random(len(company)) * (stop - start)).astype(np.int64), len(order) - 1
        )
    ]
    ok = (
        (pick != primary)
        & (people.contact_t[pick] <= created)
        & (records.contact_id[pick] != "")
        & (rng.random(len(company)) < 0.5)
    )
    return np.where(ok, pick, -1).astype(np.int64)

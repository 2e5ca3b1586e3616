"""System records of the people: Salesforce lead/contact/account ids, Marketo ids, and the
duplicate records (email variants) that are later merged in Marketo and/or Salesforce, or not."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generate.companies import Companies
from pipeline.generate.people import People
from pipeline.generate.sfid import make_ids
from pipeline.generate.spec import I64, NEVER, Arr, Bool, WorldSpec, gamma_seconds

MARKETO_ID_BASE = 1_000_001
P_DUPLICATE = 0.02


@dataclass(frozen=True)
class Duplicates:
    """Second records of one human, created by a later form fill with another email spelling."""

    n: int
    person: I64
    email: Arr
    marketo_id: I64
    created: I64
    mk_merge_t: I64  # merged into the person's Marketo lead, NEVER if not merged
    sf_lead: Bool
    sf_lead_id: Arr
    sf_merge_t: I64  # Salesforce lead merge (loser deleted, MasterRecordId), NEVER if none


@dataclass(frozen=True)
class Records:
    marketo_id: I64
    lead_id: Arr  # per person, "" if none
    contact_id: Arr
    account_id: Arr  # per company, "" if the company never becomes an account
    account_t: I64  # per company: account creation time, NEVER if none
    dups: Duplicates


def build_records(spec: WorldSpec, people: People, companies: Companies) -> Records:
    rng = np.random.default_rng([spec.seed, 2, 1])
    n = people.n
    lead_id = np.full(n, "", dtype="<U18")
    lead_id[people.sf_lead] = make_ids("Lead", int(people.sf_lead.sum()))
    has_contact = people.contact_t < NEVER
    contact_id = np.full(n, "", dtype="<U18")
    contact_id[has_contact] = make_ids("Contact", int(has_contact.sum()))

    account_t = np.where(companies.existing, companies.existing_created, NEVER).astype(np.int64)
    np.minimum.at(account_t, people.company, people.contact_t)
    has_account = account_t < NEVER
    account_id = np.full(companies.n, "", dtype="<U18")
    account_id[has_account] = make_ids("Account", int(has_account.sum()))

    dups = _duplicates(spec, rng, people, lead_id)
    return Records(
        marketo_id=MARKETO_ID_BASE + np.arange(n, dtype=np.int64),
        lead_id=lead_id,
        contact_id=contact_id,
        account_id=account_id,
        account_t=account_t,
        dups=dups,
    )


def _duplicates(
    spec: WorldSpec, rng: np.random.Generator, people: People, lead_id: Arr
) -> Duplicates:
    clean = ~people.role_mailbox & ~people.invalid_email
    draw = rng.random(people.n)
    # contacts who fill in a form again become a lead as well: at least two of them
    contact_rank = np.argsort(np.where(people.is_contact & clean, draw, 2.0))[:2]
    chosen = np.union1d(np.flatnonzero(clean & (draw < P_DUPLICATE)), contact_rank)
    created = people.active_from[chosen] + gamma_seconds(rng, len(chosen), 15.0)
    keep = created < spec.t_end
    chosen, created = chosen[keep], created[keep]
    k = len(chosen)
    email = _variants(people.email[chosen], rng.integers(0, 4, k))
    mk_merge = rng.random(k) < 0.5
    mk_merge_t = np.where(mk_merge, created + gamma_seconds(rng, k, 10.0), NEVER)
    has_sf = people.sf_lead[chosen] | people.is_contact[chosen]
    sf_lead = has_sf & ((rng.random(k) < 0.8) | people.is_contact[chosen])
    sf_lead_id = np.full(k, "", dtype="<U18")
    sf_lead_id[sf_lead] = make_ids("Lead", int(sf_lead.sum()), offset=people.n + 1)
    # Lead-to-lead merges only, and only while the surviving lead is not yet converted.
    sf_merge_t = created + gamma_seconds(rng, k, 12.0)
    can_merge = sf_lead & (lead_id[chosen] != "") & (sf_merge_t < people.convert_t[chosen])
    sf_merge_t = np.where(can_merge & (rng.random(k) < 0.6), sf_merge_t, NEVER)
    return Duplicates(
        n=k,
        person=chosen.astype(np.int64),
        email=email,
        marketo_id=MARKETO_ID_BASE + people.n + np.arange(k, dtype=np.int64),
        created=created.astype(np.int64),
        mk_merge_t=mk_merge_t.astype(np.int64),
        sf_lead=sf_lead,
        sf_lead_id=sf_lead_id,
        sf_merge_t=sf_merge_t.astype(np.int64),
    )


def _variants(emails: Arr, style: I64) -> Arr:
    """Case and whitespace variants of the same address."""
    out = np.empty(len(emails), dtype=object)
    for i, (email, s) in enumerate(zip(emails, style, strict=True)):
        text = str(email)
        if s == 0:
            out[i] = text.upper()
        elif s == 1:
            local, _, domain = text.partition("@")
            out[i] = ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
        elif s == 2:
            out[i] = f" {text} "
        else:
            out[i] = text.capitalize() + " "
    return out

"""People and their funnel: who they are, when they were created, and when (if ever) they became
MQL, SQL, converted, recycled. One row per human; duplicate records are added in `records.py`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.generate import vocab
from pipeline.generate.campaigns import Catalogue
from pipeline.generate.companies import Companies
from pipeline.generate.spec import (
    DAY,
    HOUR,
    I64,
    NEVER,
    Arr,
    Bool,
    WorldSpec,
    gamma_seconds,
    uniform_seconds,
)

P_MQL = 0.35
P_SQL_GIVEN_MQL = 0.40
P_SKIP_MQL = 0.04  # sales-sourced: New -> SQL directly
P_OPP_GIVEN_SQL = 0.50
P_RECYCLE = 0.30  # MQLs that do not become SQL and get recycled
P_PAID = 0.35  # lead-origin people acquired through a paid click
P_SYNC = 0.85  # leads synced to Salesforce even when never qualified

LEAD_SOURCES = (
    "Web",
    "Organic Search",
    "Webinar",
    "Event",
    "List Import",
    "Partner",
    "Referral",
    "Email",
)


@dataclass(frozen=True)
class People:
    n: int
    company: I64
    first: Arr
    last: Arr
    email: Arr
    title: Arr
    is_contact: Bool  # an existing Salesforce contact before the window
    created: I64
    active_from: I64  # max(created, window start): when activities can start
    mql_t: I64
    sql_t: I64
    recycle_t: I64
    convert_t: I64  # lead conversion (lead-origin people reaching SQL)
    opp_t: I64  # when this person's opportunity was created, NEVER if none
    sf_lead: Bool  # has a Salesforce lead record
    sf_lead_t: I64
    contact_t: I64  # when the Salesforce contact exists from, NEVER if never
    paid_campaign: I64  # catalogue index of the acquiring paid campaign, -1 if none
    lead_source: Arr
    score_base: I64
    role_mailbox: Bool
    invalid_email: Bool


def build_people(spec: WorldSpec, companies: Companies, catalogue: Catalogue) -> People:
    rng = spec.rng("people")
    n = spec.people
    weight = companies.weight / companies.weight.sum()
    company = rng.choice(companies.n, n, p=weight).astype(np.int64)
    is_contact = companies.existing[company] & (rng.random(n) < 0.5)
    acct_created = companies.existing_created[company]
    created = np.where(
        is_contact,
        acct_created + uniform_seconds(rng, 0, 150 * DAY, n),
        uniform_seconds(rng, spec.t_start, spec.t_end - HOUR, n),
    )
    active_from = np.maximum(created, spec.t_start)

    mql = rng.random(n) < P_MQL
    mql_t = np.where(mql, active_from + gamma_seconds(rng, n, 12.0), NEVER)
    skip = ~mql & (rng.random(n) < P_SKIP_MQL)
    sql = (mql & (rng.random(n) < P_SQL_GIVEN_MQL)) | skip
    sql_t = np.where(sql, np.where(skip, active_from, mql_t) + gamma_seconds(rng, n, 8.0), NEVER)
    recycle = mql & ~sql & (rng.random(n) < P_RECYCLE)
    recycle_t = np.where(recycle, mql_t + gamma_seconds(rng, n, 20.0), NEVER)

    lead_origin = ~is_contact
    convert_t = np.where(
        lead_origin & sql, sql_t + uniform_seconds(rng, HOUR, 2 * DAY, n), NEVER
    ).astype(np.int64)
    has_opp = sql & (rng.random(n) < P_OPP_GIVEN_SQL)
    opp_t = np.where(
        has_opp, np.where(lead_origin, convert_t, sql_t + gamma_seconds(rng, n, 3.0)), NEVER
    ).astype(np.int64)
    opp_t = np.where(opp_t < spec.t_end, opp_t, NEVER)

    sf_lead = lead_origin & (mql | sql | (rng.random(n) < P_SYNC))
    sf_lead_t = np.where(sf_lead, created + rng.integers(30, 900, n), NEVER)
    contact_t = np.where(is_contact, created, np.where(convert_t < spec.t_end, convert_t, NEVER))

    paid_idx = catalogue.where(catalogue.ad_account >= 0)
    paid_w = catalogue.paid_weight[paid_idx]
    paid = lead_origin & (rng.random(n) < P_PAID)
    paid_campaign = np.where(
        paid, paid_idx[rng.choice(len(paid_idx), n, p=paid_w / paid_w.sum())], -1
    )
    source_pick = rng.integers(0, len(LEAD_SOURCES), n)
    kind = catalogue.kind[np.maximum(paid_campaign, 0)]
    lead_source = np.where(
        paid, kind, np.where(is_contact, "Sales", np.array(LEAD_SOURCES)[source_pick])
    )

    first = np.array(vocab.FIRST_NAMES)[rng.integers(0, len(vocab.FIRST_NAMES), n)]
    last = np.array(vocab.LAST_NAMES)[rng.integers(0, len(vocab.LAST_NAMES), n)]
    email = (
        pl.DataFrame({"f": first, "l": last, "d": companies.domain[company]})
        .select(pl.concat_str(pl.col("f"), pl.lit("."), pl.col("l"), pl.lit("@"), pl.col("d")))
        .to_series()
        .str.to_lowercase()
        .to_numpy()
        .astype(object)
    )
    role_mailbox, invalid = _dirty_emails(rng, email, company, companies, lead_origin)
    return People(
        n=n,
        company=company,
        first=first,
        last=last,
        email=email,
        title=np.array(vocab.TITLES)[rng.integers(0, len(vocab.TITLES), n)],
        is_contact=is_contact,
        created=created.astype(np.int64),
        active_from=active_from.astype(np.int64),
        mql_t=mql_t.astype(np.int64),
        sql_t=sql_t.astype(np.int64),
        recycle_t=recycle_t.astype(np.int64),
        convert_t=convert_t,
        opp_t=opp_t.astype(np.int64),
        sf_lead=sf_lead,
        sf_lead_t=sf_lead_t.astype(np.int64),
        contact_t=contact_t.astype(np.int64),
        paid_campaign=paid_campaign.astype(np.int64),
        lead_source=lead_source,
        score_base=rng.integers(0, 40, n).astype(np.int64),
        role_mailbox=role_mailbox,
        invalid_email=invalid,
    )


def _dirty_emails(
    rng: np.random.Generator, email: Arr, company: I64, companies: Companies, lead_origin: Bool
) -> tuple[Bool, Bool]:
    """Role mailboxes shared by distinct people of one company, and a few malformed emails.
    Mutates `email` in place; returns the two masks."""
    n = len(email)
    role = np.zeros(n, dtype=bool)
    # groups of 2-3 lead-origin colleagues sharing info@/sales@... of their company
    groups = max(2, n // 400)
    candidates = np.flatnonzero(lead_origin)
    order = np.argsort(company[candidates], kind="stable")
    sorted_people = candidates[order]
    sorted_company = company[sorted_people]
    starts = np.flatnonzero(np.r_[True, sorted_company[1:] != sorted_company[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_people)])
    multi = starts[sizes >= 3]
    for g, start in enumerate(rng.permutation(multi)[:groups]):
        members = sorted_people[start : start + 2 + g % 2]
        box = vocab.ROLE_MAILBOXES[g % len(vocab.ROLE_MAILBOXES)]
        email[members] = f"{box}@{companies.domain[company[members[0]]]}"
        role[members] = True
    invalid = (rng.random(n) < 0.004) & ~role
    bad = np.flatnonzero(invalid)
    styles = (" at ", "@@", "@", "..")
    for k, i in enumerate(bad):
        local, _, domain = str(email[i]).partition("@")
        style = styles[k % len(styles)]
        if style == "@":
            email[i] = f"{local}@"  # no domain
        elif style == "..":
            email[i] = f"{local}..@{domain.split('.')[0]}"  # no top-level domain
        else:
            email[i] = f"{local}{style}{domain}"
    return role, invalid

"""The whole synthetic world in memory: every builder's output, built in dependency order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generate.campaigns import Catalogue, build_catalogue
from pipeline.generate.companies import Companies, build_companies
from pipeline.generate.deals import Deals, build_deals
from pipeline.generate.members import Members, build_members
from pipeline.generate.people import People, build_people
from pipeline.generate.records import Records, build_records
from pipeline.generate.sfid import make_ids
from pipeline.generate.spec import Arr, WorldSpec


@dataclass(frozen=True)
class World:
    spec: WorldSpec
    companies: Companies
    catalogue: Catalogue
    people: People
    records: Records
    deals: Deals
    members: Members
    opp_id: Arr  # per deal
    person_opp_id: Arr  # per person: the opportunity created at conversion, "" if none
    users: Arr  # Salesforce user ids; users[0] is the integration user


def build_world(spec: WorldSpec) -> World:
    companies = build_companies(spec)
    catalogue = build_catalogue(spec)
    people = build_people(spec, companies, catalogue)
    records = build_records(spec, people, companies)
    deals = build_deals(spec, people, records, companies, catalogue)
    members = build_members(spec, people, catalogue)
    opp_id = make_ids("Opportunity", deals.n)
    person_opp_id = np.full(people.n, "", dtype="<U18")
    n_person_deals = int((people.opp_t < 2**62).sum())
    person_opp_id[deals.primary_person[:n_person_deals]] = opp_id[:n_person_deals]
    return World(
        spec=spec,
        companies=companies,
        catalogue=catalogue,
        people=people,
        records=records,
        deals=deals,
        members=members,
        opp_id=opp_id,
        person_opp_id=person_opp_id,
        users=make_ids("User", 8),
    )

"""A Salesforce Lead export without CreatedDate: each lead enters the funnel at its earliest known
timestamp (LastModifiedDate, SystemModstamp, ConvertedDate over every delivered version, then its
first campaign response), and mart_data_quality counts the rows without one."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.funnel.touch_world import build, csv, rows

L1, L2, L3, L4, L5 = (f"00Q00000000000{n}AAA" for n in range(1, 6))
WORLD = {
    # L1's first delivery; its second (next file) was modified later
    "salesforce/Lead/leads_2026-01-19.csv": csv(
        "Id,Email,LastModifiedDate", [f"{L1},ann@acme.com,2026-01-19T09:00:00Z"]
    ),
    "salesforce/Lead/leads_2026-01-26.csv": csv(
        "Id,Email,LastModifiedDate,ConvertedDate,IsConverted",
        [
            f"{L1},ann@acme.com,2026-01-20T10:00:00Z,,false",
            f"{L2},bob@globex.com,2026-01-25T10:00:00Z,2026-01-18,true",
            f"{L3},cy@initech.com,,,false",
            f"{L4},dee@umbrella.com,,,false",
        ],
    ),
    "salesforce/Lead/leads_created.csv": csv(
        "Id,Email,CreatedDate", [f"{L5},eve@hooli.com,2026-01-10T08:00:00Z"]
    ),
    "salesforce/Campaign/campaign.csv": csv("Id,Name,Type", ["701000000000001AAA,Webinar,Webinar"]),
    "salesforce/CampaignMember/members.csv": csv(
        "Id,CampaignId,LeadId,HasResponded,FirstRespondedDate",
        [
            f"00v000000000001AAA,701000000000001AAA,{L3},true,2026-01-22",
            f"00v000000000002AAA,701000000000001AAA,{L4},false,",
        ],
    ),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return build(tmp_path_factory.mktemp("leads"), WORLD, "+dim_person mart_data_quality")


def test_staging_dates_a_lead_at_its_earliest_known_timestamp(
    world: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(
        world,
        "select lead_id, created_at, created_at_source from staging.stg_salesforce__lead "
        "order by lead_id",
    ) == [
        {  # the earliest of its two versions
            "lead_id": L1,
            "created_at": dt.datetime(2026, 1, 19, 9),
            "created_at_source": "last_modified_date",
        },
        {  # converted before its one delivered modification
            "lead_id": L2,
            "created_at": dt.datetime(2026, 1, 18),
            "created_at_source": "converted_date",
        },
        {"lead_id": L3, "created_at": None, "created_at_source": None},
        {"lead_id": L4, "created_at": None, "created_at_source": None},
        {
            "lead_id": L5,
            "created_at": dt.datetime(2026, 1, 10, 8),
            "created_at_source": "created_date",
        },
    ]


def test_every_lead_with_any_timestamp_enters_the_funnel(
    world: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(
        world,
        "select crosswalk.source_id, person.lead_at from marts.dim_person as person "
        "inner join intermediate.int_identity__crosswalk as crosswalk using (person_id) "
        "where crosswalk.source_object = 'Lead' order by crosswalk.source_id",
    ) == [
        {"source_id": L1, "lead_at": dt.datetime(2026, 1, 19, 9)},
        {"source_id": L2, "lead_at": dt.datetime(2026, 1, 18)},
        {"source_id": L3, "lead_at": dt.datetime(2026, 1, 22)},  # its first campaign response
        {"source_id": L4, "lead_at": None},  # no timestamp anywhere
        {"source_id": L5, "lead_at": dt.datetime(2026, 1, 10, 8)},
    ]


def test_data_quality_counts_lead_rows_without_created_date_per_file(
    world: duckdb.DuckDBPyConnection,
) -> None:
    assert rows(
        world,
        "select path, rows_without_created_date, rows_without_any_date "
        "from marts.mart_data_quality where object = 'Lead' order by path",
    ) == [
        {
            "path": "salesforce/Lead/leads_2026-01-19.csv",
            "rows_without_created_date": 1,
            "rows_without_any_date": 0,
        },
        {
            "path": "salesforce/Lead/leads_2026-01-26.csv",
            "rows_without_created_date": 4,
            "rows_without_any_date": 2,
        },
        {
            "path": "salesforce/Lead/leads_created.csv",
            "rows_without_created_date": 0,
            "rows_without_any_date": 0,
        },
    ]

"""Daily deliveries: `<system>/<object>/<object>_<YYYY-MM-DD>.<ext>`, only days with rows."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pipeline.generate import WorldSummary
from tests.generate.conftest import END, files, read_csv

NAME = re.compile(r"^(?P<obj>\w+)_(?P<day>\d{4}-\d{2}-\d{2})\.(csv|json|jsonl)$")
DAILY = [
    ("salesforce", "Lead"),
    ("salesforce", "CampaignMember"),
    ("salesforce", "OpportunityHistory"),
    ("marketo", "leads"),
    ("marketo", "activities"),
    ("google_ads", "campaign_stats"),
    ("meta_ads", "insights"),
    ("linkedin_ads", "ad_analytics"),
    ("microsoft_ads", "campaign_performance"),
]


def test_file_names_carry_a_window_day_and_match_their_folder(world: WorldSummary) -> None:
    assert world.files and world.start_date == END - timedelta(days=44)
    for path in world.files:
        match = NAME.match(path.name)
        assert match, path
        assert match["obj"] == path.parent.name
        assert world.start_date <= date.fromisoformat(match["day"]) <= END
        assert path.stat().st_size > 0
    assert len(world.files) == len(set(world.files))


def test_busy_objects_have_a_file_every_day_so_the_last_night_can_be_held_back(
    world: WorldSummary,
) -> None:
    for system, obj in DAILY:
        days = {p.name.split("_")[-1].split(".")[0] for p in files(world, system, obj)}
        assert len(days) >= 40, (system, obj, len(days))
        assert END.isoformat() in days, (system, obj)


def test_rows_land_in_the_file_of_the_day_they_changed(world: WorldSummary) -> None:
    lead = read_csv(world, "salesforce", "Lead")
    file_day = lead["_file"].str.extract(r"(\d{4}-\d{2}-\d{2})")
    stamp_day = lead["SystemModstamp"].str.slice(0, 10)
    first = world.start_date.isoformat()
    later = file_day != first
    assert (file_day.filter(later) == stamp_day.filter(later)).all()
    assert (stamp_day.filter(~later) <= first).all()  # earlier changes: the first, full extract


def test_reference_objects_are_delivered_rarely(world: WorldSummary) -> None:
    assert len(files(world, "marketo", "activity_types")) == 1
    assert len(files(world, "marketo", "programs")) < 10
    ecb = files(world, "fx", "ecb_rates")
    assert ecb[0].read_text().count("\n") > 300  # history up to the first day
    weekdays = {date.fromisoformat(p.stem.split("_")[-1]).weekday() for p in ecb[1:]}
    assert weekdays <= {0, 1, 2, 3, 4}
    header, row = ecb[-1].read_text().splitlines()
    assert header.startswith("Date,USD,JPY,") and header.endswith(",")
    assert row.endswith(",") and "N/A" in row

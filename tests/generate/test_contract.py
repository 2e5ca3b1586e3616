"""Every delivered header normalises to a column of the landing contract (objects.py)."""

from __future__ import annotations

import csv
import io

import pytest

from pipeline.generate import WorldSummary
from pipeline.ingest.objects import OBJECTS, SourceObject, find_object, snake_case
from tests.generate.conftest import files, flatten, json_rows

# Fields the real APIs send that the contract does not name: ingest keeps them in `_extra`.
EXTRAS = {
    "google_ads/campaign_stats": {"customer_descriptive_name", "campaign_status"},
    "meta_ads/insights": {"account_name"},
    "linkedin_ads/ad_analytics": {
        "date_range_end_year",
        "date_range_end_month",
        "date_range_end_day",
        "one_click_leads",
    },
    "marketo/programs": {"url", "folder_type", "folder_value", "folder_folder_name"},
    "marketo/activity_types": {"primary_attribute_name", "primary_attribute_data_type"},
}


def _csv_header(text: str) -> list[str]:
    lines = text.lstrip("\ufeff").splitlines()
    start = next(i for i, line in enumerate(lines) if line.count(",") >= 3)  # skip a preamble
    return next(csv.reader(io.StringIO(lines[start])))


def _headers(world: WorldSummary, obj: SourceObject) -> list[set[str]]:
    out = []
    for path in files(world, obj.system, obj.name):
        if path.suffix == ".csv":
            out.append({snake_case(h) for h in _csv_header(path.read_text(encoding="utf-8")) if h})
        else:
            out.append({snake_case(k) for row in json_rows(path) for k in flatten(row)})
    return out


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: f"{o.system}/{o.name}")
def test_headers_are_contract_columns_and_required_ones_present(
    world: WorldSummary, obj: SourceObject
) -> None:
    headers = _headers(world, obj)
    assert headers, f"no files for {obj.system}/{obj.name}"
    known = {c.name for c in obj.columns} | {a for c in obj.columns for a in c.aliases}
    required = {c.name for c in obj.columns if c.required}
    extras = EXTRAS.get(f"{obj.system}/{obj.name}", set())
    for header in headers:
        if obj.unpivot:  # ECB: Date plus one column per currency
            assert "date" in header and {"usd", "gbp", "jpy"} <= header
            continue
        unknown = header - known - extras
        assert not unknown, f"{obj.system}/{obj.name}: {sorted(unknown)}"
        aliased = {c.name for c in obj.columns if set(c.aliases) & header}
        assert required <= header | aliased, f"{obj.system}/{obj.name} misses required columns"


def test_every_landing_folder_is_a_contract_object(world: WorldSummary) -> None:
    for folder in world.out.glob("*/*"):
        assert find_object(folder.parent.name, folder.name), folder

"""`generate_world`: build the world in memory, then deliver it as daily landing files."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.generate import activities, ads, dirt, fx, marketo, salesforce
from pipeline.generate.spec import DAY, WorldSpec
from pipeline.generate.world import World, build_world
from pipeline.generate.write import Output


@dataclass
class WorldSummary:
    """What was generated: rows per `system/object`, the files, and the dirt it contains."""

    out: Path
    people: int
    days: int
    seed: int
    start_date: date
    end_date: date
    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    dirt: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


SALESFORCE: dict[str, Callable[[World], pl.DataFrame]] = {
    "Lead": salesforce.leads,
    "Contact": salesforce.contacts,
    "Account": salesforce.accounts,
    "Opportunity": salesforce.opportunities,
    "OpportunityHistory": salesforce.opportunity_history,
    "OpportunityContactRole": salesforce.contact_roles,
    "Campaign": salesforce.campaigns,
    "CampaignMember": salesforce.campaign_members,
}


def generate_world(
    out: Path,
    people: int = 2000,
    days: int = 120,
    seed: int = 7,
    end_date: date = date(2026, 10, 31),
    dirty_rows: bool = False,
    activity_rate: float = 1.0,
) -> WorldSummary:
    """Write one consistent synthetic world into `out` in the landing layout."""
    started = time.perf_counter()
    if people < 50 or days < 2:
        raise ValueError("generate at least 50 people over at least 2 days")
    if activity_rate <= 0:
        raise ValueError("activity_rate must be positive")
    spec = WorldSpec(
        people=people,
        days=days,
        seed=seed,
        end_date=end_date,
        dirty_rows=dirty_rows,
        activity_rate=activity_rate,
    )
    world = build_world(spec)
    output = Output(Path(out), spec)
    dirt_rng = spec.rng("dirt")
    counts: dict[str, int] = {"dirty_rows": 0}

    def deliver(system: str, obj: str, frame: pl.DataFrame, **kwargs: object) -> None:
        if spec.dirty_rows:
            frame, bad = dirt.inject(f"{system}/{obj}", frame, dirt_rng)
            counts["dirty_rows"] += bad
        output.daily_csv(system, obj, frame, **kwargs)  # type: ignore[arg-type]

    sf_frames = {}
    for obj, build in SALESFORCE.items():
        sf_frames[obj] = build(world)
        deliver("salesforce", obj, sf_frames[obj], bom=True)
    mk_leads = marketo.leads(world)
    deliver("marketo", "leads", mk_leads)
    merges = _activities(world, output, deliver)
    _programs(world, output)
    output.text(
        "marketo",
        "activity_types",
        spec.start_date,
        "json",
        json.dumps(marketo.activity_types(), indent=1),
        len(marketo.activity_types()),
    )
    rates = fx.build_rates(spec)
    _ecb(spec, rates, output)
    ad_files, restated = ads.deliveries(world, rates)
    for d in ad_files:
        output.text(d.system, d.obj, d.day, d.ext, d.content, d.rows)

    counts.update(_dirt(world, sf_frames, mk_leads, merges, restated))
    return WorldSummary(
        out=Path(out),
        people=people,
        days=days,
        seed=seed,
        start_date=spec.start_date,
        end_date=end_date,
        counts=dict(sorted(output.rows.items())),
        files=sorted(output.files),
        dirt=counts,
        seconds=time.perf_counter() - started,
    )


def _activities(world: World, output: Output, deliver: Callable[..., None]) -> int:
    events = activities.build_events(world)
    offset = 0
    for chunk in activities.chunks(events, world.spec):
        if len(chunk.t) == 0:
            continue
        frame = activities.format_events(world, chunk, offset)
        offset += frame.height
        deliver("marketo", "activities", frame)
    return int((events.type == 32).sum())


def _programs(world: World, output: Output) -> None:
    spec = world.spec
    by_day: dict[int, list[object]] = {}
    for t, program in marketo.programs(world):
        day = int(np.clip((t - spec.t_start) // DAY, 0, spec.days - 1))
        if t < spec.t_end:
            by_day.setdefault(day, []).append(program)
    for day, items in sorted(by_day.items()):
        file_day = spec.start_date + timedelta(days=day)
        output.text(
            "marketo", "programs", file_day, "json", json.dumps(items, indent=1), len(items)
        )


def _ecb(spec: WorldSpec, rates: fx.Rates, output: Output) -> None:
    """First delivery: all history up to the first day; then one file per business day."""
    first = int(fx.day_index(rates, spec.start_date + timedelta(days=1)))
    lines = fx.format_rows(rates, 0, first)
    output.text("fx", "ecb_rates", spec.start_date, "csv", "\n".join(lines) + "\n", len(lines) - 1)
    for i in range(first, len(rates.days)):
        lines = fx.format_rows(rates, i, i + 1)
        output.text("fx", "ecb_rates", rates.days[i], "csv", "\n".join(lines) + "\n", 1)


def _dirt(
    world: World,
    sf: dict[str, pl.DataFrame],
    mk_leads: pl.DataFrame,
    merges: int,
    restated: int,
) -> dict[str, int]:
    p, d = world.people, world.records.dups
    lead = sf["Lead"]
    redelivered = sum(f.height - f["Id"].n_unique() for name, f in sf.items())
    redelivered += mk_leads.height - mk_leads["id"].n_unique()
    id15 = 0
    for f in sf.values():
        for column in f.columns:
            if column.endswith("Id") and column != "Id" and f[column].dtype == pl.String:
                id15 += int((f[column].str.len_chars() == 15).sum())
    deleted = sum(int(f["IsDeleted"].sum()) for f in sf.values() if "IsDeleted" in f.columns)
    return {
        "duplicate_people": d.n,
        "duplicate_salesforce_leads": int(d.sf_lead.sum()),
        "person_as_lead_and_contact": int((d.sf_lead & p.is_contact[d.person]).sum()),
        "marketo_merges": merges,
        "salesforce_merged_leads": int(lead["MasterRecordId"].is_not_null().sum()),
        "salesforce_deleted_rows": deleted,
        "role_mailbox_people": int(p.role_mailbox.sum()),
        "invalid_emails": int(p.invalid_email.sum()),
        "redelivered_rows": redelivered,
        "converted_leads": int(lead.filter(pl.col("IsConverted"))["Id"].n_unique()),
        "status_flag_mismatch": int(
            lead.filter((pl.col("Status") == "Closed - Converted") & ~pl.col("IsConverted"))[
                "Id"
            ].n_unique()
        ),
        "id15_references": id15,
        "restated_ad_rows": restated,
        "regressed_opportunities": int(world.deals.regressed.sum()),
        "reopened_opportunities": int(world.deals.reopened.sum()),
    }

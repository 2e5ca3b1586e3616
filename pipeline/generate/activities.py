"""Marketo activities: numeric events for everyone (vectorised), formatted to the bulk extract's
CSV shape one chunk of days at a time to bound memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.generate import vocab
from pipeline.generate.campaigns import AD_ACCOUNTS, SOURCE_UTM, UTM
from pipeline.generate.marketo import STATUSES
from pipeline.generate.spec import DAY, HOUR, I64, MK_TS, NEVER, WorldSpec, fmt_time
from pipeline.generate.world import World

SENDS_PER_DAY = 0.085
VISITS_PER_DAY = 0.08
SITE = "https://www.mopsdemo.com"
SCORING_CAMPAIGN = 9001
CHUNK_ROWS = 2_000_000


@dataclass
class Events:
    """Columns of activity events; a0..a2 are type-specific integers."""

    lead: I64
    t: I64
    type: I64
    campaign: I64  # Marketo smart campaign id, -1 for none
    a0: I64
    a1: I64
    a2: I64

    @staticmethod
    def concat(parts: list[Events]) -> Events:
        return Events(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))

    def take(self, index: I64) -> Events:
        return Events(*(getattr(self, f)[index] for f in _FIELDS))


_FIELDS = ("lead", "t", "type", "campaign", "a0", "a1", "a2")


def _events(
    lead: I64,
    t: I64,
    type_id: int,
    campaign: I64 | int = -1,
    a0: I64 | int = -1,
    a1: I64 | int = -1,
    a2: I64 | int = -1,
) -> Events:
    n = len(lead)

    def col(x: I64 | int) -> I64:
        return np.broadcast_to(np.asarray(x, dtype=np.int64), (n,)).copy()

    return Events(col(lead), col(t), col(type_id), col(campaign), col(a0), col(a1), col(a2))


def build_events(world: World) -> Events:
    """Every activity of the world, sorted by time; rows at or after the window end dropped."""
    spec, p, r, k, m, d = (
        world.spec,
        world.people,
        world.records,
        world.catalogue,
        world.members,
        world.records.dups,
    )
    rng = spec.rng("activities")
    mk = r.marketo_id
    parts: list[Events] = []
    # status changes
    everyone = np.arange(p.n)
    new = p.created >= spec.t_start
    parts.append(_events(mk[new], p.created[new] + 5, 13, SCORING_CAMPAIGN, 0, -1))
    parts.append(_events(mk, p.mql_t, 13, SCORING_CAMPAIGN, 1, 0))
    parts.append(_events(mk, p.sql_t, 13, SCORING_CAMPAIGN, 2, np.where(p.mql_t < NEVER, 1, 0)))
    parts.append(_events(mk, p.recycle_t, 13, SCORING_CAMPAIGN, 3, 1))
    # acquisition: a visit and a form fill, tagged with the paid campaign's or the lead source's utm
    inbound = new & (p.lead_source != "List Import")
    acquisition_utm = _acquisition_utm(world)
    form = rng.integers(0, len(vocab.FORMS), p.n)
    page = rng.integers(0, len(vocab.PAGES), p.n)
    parts.append(
        _events(
            mk[inbound], p.created[inbound] - 40, 1, -1, page[inbound], acquisition_utm[inbound]
        )
    )
    parts.append(
        _events(
            mk[inbound],
            p.created[inbound],
            2,
            -1,
            form[inbound],
            page[inbound],
            acquisition_utm[inbound],
        )
    )
    # later visits, a few with the utm of a retargeting campaign
    active_days = (spec.t_end - p.active_from) / DAY
    n_visits = rng.poisson(VISITS_PER_DAY * spec.activity_rate * active_days)
    who = np.repeat(everyone, n_visits)
    vt = p.active_from[who] + (rng.random(len(who)) * (spec.t_end - p.active_from[who])).astype(
        np.int64
    )
    paid = k.where(k.ad_account >= 0)
    utm = np.where(rng.random(len(who)) < 0.15, paid[rng.integers(0, len(paid), len(who))], -1)
    parts.append(_events(mk[who], vt, 1, -1, rng.integers(0, len(vocab.PAGES), len(who)), utm))
    parts.append(_emails(spec, world, rng))
    # program progression: the Marketo side of (synced) memberships
    prog = k.program_id[m.campaign] > 0
    mi = np.flatnonzero(prog)
    smart = k.program_id[m.campaign[mi]] * 10 + 1
    parts.append(_events(mk[m.person[mi]], m.t[mi], 104, smart, m.campaign[mi], 0))
    ri = mi[m.resp_t[mi] < NEVER]
    parts.append(
        _events(
            mk[m.person[ri]],
            m.resp_t[ri] + 1,
            104,
            k.program_id[m.campaign[ri]] * 10 + 1,
            m.campaign[ri],
            1,
        )
    )
    reg = mi[np.isin(k.kind[m.campaign[mi]], ["Webinar", "Event"])]
    parts.append(_events(mk[m.person[reg]], m.t[reg] - 1, 2, -1, 3, 7, -1))
    # duplicate records: created by a form fill; merges logged on the survivor
    parts.append(_events(d.marketo_id, d.created, 2, -1, 0, 11, -1))
    parts.append(_events(d.marketo_id, d.created + 5, 13, SCORING_CAMPAIGN, 0, -1))
    merged = d.mk_merge_t < NEVER
    parts.append(_events(mk[d.person[merged]], d.mk_merge_t[merged], 32, -1, d.marketo_id[merged]))

    events = Events.concat(parts)
    keep = (events.t >= spec.t_start) & (events.t < spec.t_end)
    events = events.take(np.flatnonzero(keep))
    return events.take(np.lexsort((events.type, events.lead, events.t)).astype(np.int64))


def _acquisition_utm(world: World) -> I64:
    """Per person, an index into `_utm_queries`: the paid campaign, else the lead source's tags
    (after the catalogue and the empty query), else -1 (untagged)."""
    p, n = world.people, world.catalogue.n
    sources = list(SOURCE_UTM)
    by_source = np.array(
        [n + 1 + sources.index(s) if s in SOURCE_UTM else -1 for s in p.lead_source]
    )
    out: I64 = np.where(p.paid_campaign >= 0, p.paid_campaign, by_source).astype(np.int64)
    return out


def _utm_queries(world: World) -> pl.Series:
    """Query strings by index: one per catalogue campaign (paid ones tagged), the empty query at
    index `catalogue.n` (also used for -1), then the lead sources' tags."""
    k = world.catalogue
    platform = [AD_ACCOUNTS[a].platform if a >= 0 else "" for a in k.ad_account]
    return pl.Series(
        [
            f"utm_source={UTM[pf][0]}&utm_medium={UTM[pf][1]}&utm_campaign={name}" if pf else ""
            for pf, name in zip(platform, k.name, strict=True)
        ]
        + [""]
        + list(SOURCE_UTM.values())
    )


def _emails(spec: WorldSpec, world: World, rng: np.random.Generator) -> Events:
    """Send -> delivered | bounced -> open -> click (-> unsubscribe), from email and nurture
    programs."""
    p, k, mk = world.people, world.catalogue, world.records.marketo_id
    sources = k.where((k.channel == "Email Blast") | (k.channel == "Nurture"))
    active_days = (spec.t_end - p.active_from) / DAY
    n_sends = rng.poisson(SENDS_PER_DAY * spec.activity_rate * active_days)
    who = np.repeat(np.arange(p.n), n_sends)
    camp = sources[rng.integers(0, len(sources), len(who))]
    # blasts go out around their campaign's dates, nurture emails any time
    blast = k.channel[camp] == "Email Blast"
    low = np.maximum(p.active_from[who], np.where(blast, k.start[camp], 0))
    high = np.minimum(spec.t_end, np.where(blast, k.end[camp] + 7 * DAY, spec.t_end))
    keep = low < high
    who, camp, low, high = who[keep], camp[keep], low[keep], high[keep]
    n = len(who)
    t = low + (rng.random(n) * (high - low)).astype(np.int64)
    mail = rng.integers(1, 4, n)
    smart = k.program_id[camp] * 10 + 2
    lead = mk[who]
    delivered = rng.random(n) < 0.97
    opened = delivered & (rng.random(n) < 0.35)
    clicked = opened & (rng.random(n) < 0.3)
    unsub = opened & ~clicked & (rng.random(n) < 0.02)
    t_open = t + rng.exponential(6 * HOUR, n).astype(np.int64) + 300
    t_click = t_open + rng.exponential(600, n).astype(np.int64) + 5
    link = rng.integers(0, len(vocab.PAGES), n)
    parts = [
        _events(lead, t, 6, smart, camp, mail),
        _events(
            lead[delivered],
            t[delivered] + 30,
            7,
            smart[delivered],
            camp[delivered],
            mail[delivered],
        ),
        _events(
            lead[~delivered],
            t[~delivered] + 30,
            8,
            smart[~delivered],
            camp[~delivered],
            mail[~delivered],
        ),
        _events(lead[opened], t_open[opened], 10, smart[opened], camp[opened], mail[opened]),
        _events(
            lead[clicked],
            t_click[clicked],
            11,
            smart[clicked],
            camp[clicked],
            mail[clicked],
            link[clicked],
        ),
        _events(lead[unsub], t_open[unsub] + 60, 9, smart[unsub], camp[unsub], mail[unsub]),
    ]
    return Events.concat(parts)


def chunks(events: Events, spec: WorldSpec) -> Iterator[Events]:
    """Slices of whole days of at most ~CHUNK_ROWS rows (a single day may exceed it)."""
    day_edges = spec.t_start + DAY * np.arange(spec.days + 1)
    bounds = np.searchsorted(events.t, day_edges)
    lo_day = 0
    while lo_day < spec.days:
        hi_day = lo_day + 1
        while hi_day < spec.days and bounds[hi_day + 1] - bounds[lo_day] <= CHUNK_ROWS:
            hi_day += 1
        yield events.take(np.arange(bounds[lo_day], bounds[hi_day], dtype=np.int64))
        lo_day = hi_day


def format_events(world: World, ev: Events, guid_offset: int) -> pl.DataFrame:
    """The bulk extract's columns; `attributes` is a JSON object (quoted by the CSV writer)."""
    k = world.catalogue
    camp_name = pl.Series(k.name.astype(str))
    slug = camp_name.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-")
    utm_q = _utm_queries(world)
    pages = pl.Series(vocab.PAGES)
    df = pl.DataFrame(
        {
            "lead": ev.lead,
            "t": ev.t,
            "type": ev.type,
            "campaign": ev.campaign,
            "a0": ev.a0,
            "a1": ev.a1,
            "a2": ev.a2,
        }
    ).with_columns(
        guid=pl.int_range(pl.len(), dtype=pl.Int64) + guid_offset + 1,
        date=fmt_time(ev.t, MK_TS),
    )
    out = []
    q = '"'
    for type_id, group in df.group_by("type", maintain_order=True):
        tid = int(str(type_id[0]))
        g = group
        if tid == 1:
            qp = utm_q.gather(
                pl.Series(np.where(g["a1"] < 0, len(k.name), g["a1"]), dtype=pl.UInt32)
            )
            path = pages.gather(g["a0"].cast(pl.UInt32))
            g = g.with_columns(
                pav_id=(g["a0"] + 100).cast(pl.String),
                pav=("www.mopsdemo.com" + path),
                attributes=pl.concat_str(
                    pl.lit('{"Webpage URL":"' + SITE),
                    path,
                    pl.lit('","Query Parameters":"'),
                    qp,
                    pl.lit('","Referrer URL":"https://www.google.com/","Client IP Address":"10.0.'),
                    (g["lead"] % 250).cast(pl.String),
                    pl.lit('.7"}'),
                ),
            )
        elif tid == 2:
            qp = utm_q.gather(
                pl.Series(np.where(g["a2"] < 0, len(k.name), g["a2"]), dtype=pl.UInt32)
            )
            form = pl.Series(vocab.FORMS).gather(g["a0"].cast(pl.UInt32))
            g = g.with_columns(
                pav_id=(g["a0"] + 200).cast(pl.String),
                pav=form,
                attributes=pl.concat_str(
                    pl.lit('{"Webpage ID":'),
                    (g["a1"] + 100).cast(pl.String),
                    pl.lit(',"Form Fields":"<fields><field id=\\"Email\\"/></fields>"'),
                    pl.lit(',"Query Parameters":"'),
                    qp,
                    pl.lit('","Referrer URL":null}'),
                ),
            )
        elif tid in (6, 7, 8, 9, 10, 11):
            name = camp_name.gather(g["a0"].cast(pl.UInt32))
            pid = pl.Series(k.program_id).gather(g["a0"].cast(pl.UInt32))
            mail_id = pid * 100 + g["a1"]
            tail = {
                6: pl.lit('"Campaign Run ID":' + "12" + ',"Step ID":1,"Choice Number":0}'),
                7: pl.lit('"Campaign Run ID":12,"Step ID":1,"Choice Number":0}'),
                8: pl.lit('"Category":"1","Details":"550 5.1.1 mailbox unavailable"}'),
                9: pl.lit('"Campaign Run ID":12}'),
                10: pl.lit('"Device":"Desktop","Is Mobile Device":false}'),
                11: pl.concat_str(
                    pl.lit('"Link":"' + SITE),
                    pages.gather(g["a2"].clip(0).cast(pl.UInt32)),
                    pl.lit("?utm_source=marketo&utm_medium=email&utm_campaign="),
                    slug.gather(g["a0"].cast(pl.UInt32)),
                    pl.lit('","Device":"Mobile","Is Mobile Device":true}'),
                ),
            }[tid]
            g = g.with_columns(
                pav_id=mail_id.cast(pl.String),
                pav=pl.concat_str(name, pl.lit(".Email "), g["a1"].cast(pl.String)),
                attributes=pl.concat_str(pl.lit("{"), tail),
            )
        elif tid == 13:
            status = pl.Series([*STATUSES, None])
            new = status.gather(g["a0"].cast(pl.UInt32))
            old = status.gather(pl.Series(np.where(g["a1"] < 0, 4, g["a1"]), dtype=pl.UInt32))
            old_json = pl.when(old.is_null()).then(pl.lit("null")).otherwise(q + old + q)
            g = g.with_columns(
                pav_id=pl.lit("null"),
                pav=pl.lit("Lead Status"),
                attributes=pl.concat_str(
                    pl.lit('{"Attribute Name":"Lead Status","New Value":"'),
                    new,
                    pl.lit('","Old Value":'),
                    old_json,
                    pl.lit(',"Reason":"Score threshold","Source":"Marketo Flow Action"}'),
                ),
            )
        elif tid == 32:
            g = g.with_columns(
                pav_id=g["lead"].cast(pl.String),
                pav=pl.lit("Merged lead"),
                attributes=pl.concat_str(
                    pl.lit('{"Merge IDs":['),
                    g["a0"].cast(pl.String),
                    pl.lit('],"Merge Source":"Web service API","Master Updated":true}'),
                ),
            )
        elif tid == 104:
            idx = g["a0"].cast(pl.UInt32)
            success = g["a1"] == 1
            member = pl.Series(k.member_status.astype(str)).gather(idx)
            responded = pl.Series(k.responded_status.astype(str)).gather(idx)
            pid = pl.Series(k.program_id).gather(idx).cast(pl.String)
            g = g.with_columns(
                pav_id=pid,
                pav=camp_name.gather(idx),
                attributes=pl.concat_str(
                    pl.lit('{"Program Id":'),
                    pid,
                    pl.lit(',"New Status":"'),
                    pl.when(success).then(responded).otherwise(member),
                    pl.lit('","Old Status":"'),
                    pl.when(success).then(member).otherwise(pl.lit("Not in Program")),
                    pl.lit('","Success":'),
                    pl.when(success).then(pl.lit("true")).otherwise(pl.lit("false")),
                    pl.lit(',"Reason":"Changed by Smart Campaign"}'),
                ),
            )
        out.append(g)
    frame = pl.concat(out).sort("guid")
    return frame.select(
        marketoGUID=pl.col("guid").cast(pl.String),
        leadId=pl.col("lead"),
        activityDate=pl.col("date"),
        activityTypeId=pl.col("type"),
        campaignId=pl.when(pl.col("campaign") >= 0).then(pl.col("campaign")),
        primaryAttributeValueId=pl.col("pav_id"),
        primaryAttributeValue=pl.col("pav"),
        attributes=pl.col("attributes"),
        _t=pl.col("t"),
    )

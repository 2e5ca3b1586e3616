"""Daily ad stats of the four platforms, in each API's own shape, with restatements: a later
delivery for the same account and day carries the final numbers of a preliminary one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from pipeline.generate.campaigns import AD_ACCOUNTS
from pipeline.generate.fx import Rates
from pipeline.generate.spec import DAY
from pipeline.generate.world import World

P_RESTATE = 0.15
# platform -> (devices with weights, networks with weights, ctr, cpc range in account currency)
SHAPES: dict[str, tuple[dict[str, float], dict[str, float], float, tuple[float, float]]] = {
    "google_ads": (
        {"MOBILE": 0.45, "DESKTOP": 0.5, "TABLET": 0.05},
        {"SEARCH": 0.85, "SEARCH_PARTNERS": 0.15},
        0.04,
        (2.0, 6.0),
    ),
    "microsoft_ads": (
        {"Computer": 0.6, "Smartphone": 0.35, "Tablet": 0.05},
        {"Bing and Yahoo! search": 0.8, "Syndicated search partners": 0.2},
        0.035,
        (1.5, 4.5),
    ),
    "meta_ads": ({"": 1.0}, {"": 1.0}, 0.009, (0.8, 2.5)),
    "linkedin_ads": ({"": 1.0}, {"": 1.0}, 0.006, (6.0, 12.0)),
}


@dataclass(frozen=True)
class Delivery:
    system: str
    obj: str
    day: date
    ext: str
    content: str
    rows: int


def campaign_id(platform: str, index: int) -> str:
    return {
        "google_ads": f"{21_000_000_000 + index * 1_111}",
        "microsoft_ads": f"{359_751_135 + index}",
        "meta_ads": f"120210000000{index:06d}",
        "linkedin_ads": f"{601_000_000 + index}",
    }[platform]


def stats(world: World) -> pl.DataFrame:
    """Final numbers per (campaign, day, device, network): impressions, clicks, cost, conv."""
    spec, k, p = world.spec, world.catalogue, world.people
    rng = spec.rng("ads")
    paid = k.where(k.ad_account >= 0)
    days = spec.days
    acquired = p.paid_campaign >= 0
    conv = np.zeros((k.n, days), dtype=np.int64)
    day_of = (p.created[acquired] - spec.t_start) // DAY
    np.add.at(conv, (p.paid_campaign[acquired], np.clip(day_of, 0, days - 1)), 1)
    weekday = np.array([(spec.start_date + timedelta(days=d)).weekday() for d in range(days)])
    season = np.where(weekday >= 5, 0.6, 1.0)
    frames = []
    for c in paid:
        platform = AD_ACCOUNTS[k.ad_account[c]].platform
        devices, networks, ctr, cpc = SHAPES[platform]
        scale = max(1.0, spec.people / 2000)
        clicks = conv[c] * rng.uniform(12, 30, days) + rng.poisson(
            k.paid_weight[c] * 15 * scale * season
        )
        clicks = clicks.astype(np.int64)
        impressions = (clicks / (ctr * rng.uniform(0.8, 1.2, days))).astype(np.int64)
        cells = [(dv, nw, wd * wn) for dv, wd in devices.items() for nw, wn in networks.items()]
        pv = np.array([w for _, _, w in cells])
        pv = pv / pv.sum()
        imp_s = rng.multinomial(impressions, pv)
        clk_s = np.minimum(rng.multinomial(clicks, pv), imp_s)
        conv_s = np.minimum(rng.multinomial(conv[c], pv), clk_s)
        cost_s = clk_s * rng.uniform(*cpc, (days, len(cells)))
        for j, (dv, nw, _) in enumerate(cells):
            frames.append(
                pl.DataFrame(
                    {
                        "campaign": np.full(days, c),
                        "day": np.arange(days),
                        "device": dv,
                        "network": nw,
                        "impressions": imp_s[:, j],
                        "clicks": clk_s[:, j],
                        "cost": np.round(cost_s[:, j], 2),
                        "conversions": conv_s[:, j],
                    }
                )
            )
    out = pl.concat(frames)
    return out.filter(
        (pl.col("impressions") > 0) | (pl.col("clicks") > 0) | (pl.col("conversions") > 0)
    ).sort("campaign", "day", "device", "network")


def with_restatements(world: World, final: pl.DataFrame) -> pl.DataFrame:
    """Add `deliver` (day index): restated (account, day) pairs first arrive with preliminary
    numbers, then again 1-2 days later with the final ones."""
    spec, k = world.spec, world.catalogue
    rng = np.random.default_rng([spec.seed, 8, 1])
    n_acc = len(AD_ACCOUNTS)
    restate = rng.random((n_acc, spec.days)) < P_RESTATE
    lag = rng.integers(1, 3, (n_acc, spec.days))
    factor = rng.uniform(0.85, 0.97, (n_acc, spec.days))
    acc = pl.Series(k.ad_account).gather(final["campaign"].cast(pl.UInt32)).to_numpy()
    day = final["day"].to_numpy()
    hit = restate[acc, day]
    f = factor[acc, day]
    prelim = final.filter(pl.Series(hit)).with_columns(
        impressions=(pl.col("impressions") * pl.Series(f[hit])).floor().cast(pl.Int64),
        clicks=(pl.col("clicks") * pl.Series(f[hit])).floor().cast(pl.Int64),
        cost=(pl.col("cost") * pl.Series(f[hit])).round(2),
        conversions=(pl.col("conversions") * pl.Series(f[hit])).floor().cast(pl.Int64),
        deliver=pl.col("day"),
    )
    final = final.with_columns(deliver=pl.Series(np.where(hit, day + lag[acc, day], day)))
    both = pl.concat([prelim, final.select(prelim.columns)])
    return both.filter(pl.col("deliver") < spec.days).sort("deliver", "campaign", "day")


def deliveries(world: World, rates: Rates) -> tuple[list[Delivery], int]:
    """The files to write, and how many rows are restatements of an earlier delivery."""
    final = stats(world)
    rows = with_restatements(world, final)
    k, spec = world.catalogue, world.spec
    out: list[Delivery] = []
    platform_of = np.array([AD_ACCOUNTS[a].platform if a >= 0 else "" for a in k.ad_account])
    plat = pl.Series(platform_of).gather(rows["campaign"].cast(pl.UInt32))
    rows = rows.with_columns(platform=plat)
    for (platform, deliver), group in rows.group_by("platform", "deliver", maintain_order=True):
        file_day = spec.start_date + timedelta(days=int(deliver))
        records = group.to_dicts()
        writer = {
            "google_ads": _google,
            "meta_ads": _meta,
            "linkedin_ads": _linkedin,
            "microsoft_ads": _microsoft,
        }[str(platform)]
        out.append(writer(world, rates, records, file_day))
    restated = int(rows.filter(pl.col("deliver") != pl.col("day")).height)
    return out, restated


# How each paid campaign (catalogue row) is named on its ad platform, the ways teams do:
# a Salesforce campaign id (18 or 15 characters), a Marketo program id (`mkto-1007`,
# `program-1011`), the CRM campaign's name (= its utm_campaign), or a name nothing links.
AD_NAMES = {
    0: "{name} | {sf18}",
    1: "{name}",
    2: "{sf15} - Competitor US",
    3: "{upper}",
    4: "{name}",
    5: "Bing Generic UK 2024",
    6: "mkto-{program} Retargeting EU",
    7: "Lookalike EU - new creative",
    8: "{name}",
    9: "ABM Enterprise UK [{sf18}]",
    10: "program-{program} Lead Gen UK",
    11: "{name}",
}


def ad_campaign_name(world: World, c: int) -> str:
    """The name the ad platform shows for paid campaign `c` (AD_NAMES)."""
    k = world.catalogue
    name, sf_id = str(k.name[c]), str(k.sf_id[c])
    return AD_NAMES.get(c, "{name}").format(
        name=name, upper=name.upper(), sf18=sf_id, sf15=sf_id[:15], program=int(k.program_id[c])
    )


def _ctx(world: World, r: dict[str, object]) -> tuple[int, str, date]:
    c = int(r["campaign"])  # type: ignore[call-overload]
    day = world.spec.start_date + timedelta(days=int(r["day"]))  # type: ignore[call-overload]
    return c, ad_campaign_name(world, c), day


def _google(world: World, rates: Rates, records: list[dict[str, object]], day: date) -> Delivery:
    rows = []
    for r in records:
        c, name, d = _ctx(world, r)
        acc = AD_ACCOUNTS[world.catalogue.ad_account[c]]
        rows.append(
            {
                "segments": {
                    "date": d.isoformat(),
                    "device": r["device"],
                    "adNetworkType": r["network"],
                },
                "customer": {
                    "id": acc.account_id,
                    "currencyCode": acc.currency,
                    "timeZone": acc.time_zone,
                    "descriptiveName": acc.name,
                },
                "campaign": {"id": campaign_id("google_ads", c), "name": name, "status": "ENABLED"},
                "metrics": {
                    "costMicros": str(round(float(r["cost"]) * 1_000_000)),  # type: ignore[arg-type]
                    "impressions": str(r["impressions"]),
                    "clicks": str(r["clicks"]),
                    "conversions": float(r["conversions"]),  # type: ignore[arg-type]
                },
            }
        )
    wrapped = day.toordinal() % 2 == 1
    body: object = (
        {"results": rows, "fieldMask": "segments.date,metrics.costMicros"} if wrapped else rows
    )
    return Delivery(
        "google_ads", "campaign_stats", day, "json", json.dumps(body, indent=1), len(rows)
    )


def _meta(world: World, rates: Rates, records: list[dict[str, object]], day: date) -> Delivery:
    rows = []
    for r in records:
        c, name, d = _ctx(world, r)
        acc = AD_ACCOUNTS[world.catalogue.ad_account[c]]
        conv = int(r["conversions"])  # type: ignore[call-overload]
        rows.append(
            {
                "date_start": d.isoformat(),
                "date_stop": d.isoformat(),
                "account_id": acc.account_id,
                "account_name": acc.name,
                "account_currency": acc.currency,
                "campaign_id": campaign_id("meta_ads", c),
                "campaign_name": name,
                "spend": f"{float(r['cost']):.2f}",  # type: ignore[arg-type]
                "impressions": str(r["impressions"]),
                "clicks": str(r["clicks"]),
                "actions": [
                    {"action_type": "link_click", "value": str(r["clicks"])},
                    {"action_type": "lead", "value": str(conv)},
                    {"action_type": "offsite_conversion.fb_pixel_lead", "value": str(conv)},
                ],
            }
        )
    body = {"data": rows, "paging": {"cursors": {"before": "MAZDZD", "after": "MjQZD"}}}
    return Delivery("meta_ads", "insights", day, "json", json.dumps(body, indent=1), len(rows))


def _linkedin(world: World, rates: Rates, records: list[dict[str, object]], day: date) -> Delivery:
    lines = []
    for r in records:
        c, name, d = _ctx(world, r)
        acc = AD_ACCOUNTS[world.catalogue.ad_account[c]]
        cost = float(r["cost"])  # type: ignore[arg-type]
        usd = (
            cost * rates.per_eur("USD", d) / rates.per_eur(acc.currency, d)
            if acc.currency != "USD"
            else cost
        )
        ymd = {"year": d.year, "month": d.month, "day": d.day}
        urn = f"urn:li:sponsoredCampaignGroup:{campaign_id('linkedin_ads', c)}"
        lines.append(
            json.dumps(
                {
                    "dateRange": {"start": ymd, "end": ymd},
                    "pivotValues": [urn],
                    "costInLocalCurrency": f"{cost:.2f}",
                    "costInUsd": f"{usd:.2f}",
                    "impressions": r["impressions"],
                    "clicks": r["clicks"],
                    "oneClickLeads": r["conversions"],
                    "accountId": acc.account_id,
                    "currency": acc.currency,
                    "campaignGroupName": name,
                },
                separators=(",", ":"),
            )
        )
    return Delivery(
        "linkedin_ads", "ad_analytics", day, "jsonl", "\n".join(lines) + "\n", len(lines)
    )


def _money(value: float) -> str:
    """Values from 1,000 on carry thousands separators, as downloaded reports do."""
    return f"{value:,.2f}"


def _microsoft(world: World, rates: Rates, records: list[dict[str, object]], day: date) -> Delivery:
    cols = (
        "TimePeriod",
        "AccountId",
        "AccountName",
        "CampaignId",
        "CampaignName",
        "CurrencyCode",
        "DeviceType",
        "Network",
        "Impressions",
        "Clicks",
        "Spend",
        "Conversions",
        "Revenue",
    )
    lines = [
        '"Report Name: Campaign Performance"',
        f'"Report Time: {day.month}/{day.day}/{day.year}"',
        '"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"',
        f'"Last Completed Available Day: {day.month}/{day.day}/{day.year} 11:59:59 PM (GMT-05:00)"',
        '"Report Aggregation: Daily"',
        '"Report Filter: "',
        '"Potential Incomplete Data: false"',
        f'"Rows: {len(records)}"',
        "",
        ",".join(f'"{c}"' for c in cols),
    ]
    for r in records:
        c, name, d = _ctx(world, r)
        acc = AD_ACCOUNTS[world.catalogue.ad_account[c]]
        conv = int(r["conversions"])  # type: ignore[call-overload]
        values = (
            d.isoformat(),
            acc.account_id,
            acc.name,
            campaign_id("microsoft_ads", c),
            name,
            acc.currency,
            r["device"],
            r["network"],
            r["impressions"],
            r["clicks"],
            _money(float(str(r["cost"]))),
            f"{conv:.2f}",
            _money(conv * 1250.0),
        )
        lines.append(",".join(f'"{v}"' for v in values))
    # Real downloads often have a blank line before the footer; ingest quarantines the footer
    # then (reported to the lead), so the default world writes the footer right after the rows.
    lines.append(f'"©{day.year} Microsoft Corporation. All rights reserved. "')
    content = "\r\n".join(lines) + "\r\n"
    return Delivery("microsoft_ads", "campaign_performance", day, "csv", content, len(records))

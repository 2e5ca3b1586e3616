"""The campaign catalogue: Salesforce campaigns, Marketo programs (synced or not) and the paid
campaigns of the four ad platforms. Small (tens of rows per month), so built with plain lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from pipeline.generate.sfid import make_ids
from pipeline.generate.spec import DAY, F64, I64, Arr, Bool, WorldSpec


@dataclass(frozen=True)
class AdAccount:
    platform: str
    account_id: str
    name: str
    currency: str
    time_zone: str


AD_ACCOUNTS = (
    AdAccount("google_ads", "1234567890", "Mops Demo US", "USD", "America/New_York"),
    AdAccount("google_ads", "9876543210", "Mops Demo DACH", "EUR", "Europe/Berlin"),
    AdAccount("microsoft_ads", "150175881", "Mops Demo US", "USD", "EasternTimeUSCanada"),
    AdAccount("microsoft_ads", "150175882", "Mops Demo UK", "GBP", "GreenwichMeanTimeDublin"),
    AdAccount("meta_ads", "1029384756", "Mops Demo EU", "EUR", "Europe/Amsterdam"),
    AdAccount("meta_ads", "1029384757", "Mops Demo US", "USD", "America/Los_Angeles"),
    AdAccount("linkedin_ads", "503123456", "Mops Demo UK", "GBP", "UTC"),
    AdAccount("linkedin_ads", "503123457", "Mops Demo US", "USD", "UTC"),
)

# (account index, campaign name = utm_campaign, Salesforce type, daily weight)
PAID = (
    (0, "gads-brand-search-us", "Paid Search", 3.0),
    (0, "gads-generic-search-us", "Paid Search", 2.0),
    (0, "gads-competitor-us", "Paid Search", 1.0),
    (1, "gads-brand-search-de", "Paid Search", 1.0),
    (2, "bing-brand-search-us", "Paid Search", 1.0),
    (3, "bing-generic-search-uk", "Paid Search", 0.6),
    (4, "meta-retargeting-eu", "Paid Social", 1.2),
    (4, "meta-lookalike-eu", "Paid Social", 0.8),
    (5, "meta-ebook-us", "Paid Social", 1.0),
    (6, "li-abm-enterprise-uk", "Paid Social", 0.8),
    (6, "li-lead-gen-uk", "Paid Social", 1.0),
    (7, "li-abm-us", "Paid Social", 0.8),
)
UTM = {
    "google_ads": ("google", "cpc"),
    "microsoft_ads": ("bing", "cpc"),
    "meta_ads": ("facebook", "paid_social"),
    "linkedin_ads": ("linkedin", "paid_social"),
}

# The query string on the landing visit and form fill of an inbound, non-paid lead, by its lead
# source: the UTMs a B2B team tags its links with (mapped to channels by seeds/utm_channel_rules).
# "Web" leads arrive untagged (direct).
SOURCE_UTM = {
    "Organic Search": "utm_source=google&utm_medium=organic",
    "Referral": "utm_source=customer-referral&utm_medium=referral",
    "Partner": "utm_source=partner-portal&utm_medium=partner&utm_campaign=partner-co-marketing",
    "Webinar": "utm_source=mopsdemo&utm_medium=webinar&utm_campaign=webinar-registration",
    "Event": "utm_source=mopsdemo&utm_medium=event&utm_campaign=event-registration",
    "Email": "utm_source=industry-newsletter&utm_medium=email&utm_campaign=sponsored-issue",
}

# type -> (offset days in month, duration days, member status, responded status, response p,
#          Marketo program type, channel or "" when not synced to a program)
KINDS = {
    "Webinar": (5, 1, "Registered", "Attended", 0.45, "Event", "Webinar"),
    "Event": (12, 3, "Registered", "Visited Booth", 0.5, "Event", "Tradeshow"),
    "Email": (2, 1, "Sent", "Clicked", 0.12, "Email", "Email Blast"),
    "Content Syndication": (1, 28, "Delivered", "Downloaded", 0.95, "Default", "Content"),
    "Partner": (8, 30, "Sent", "Responded", 0.3, "", ""),
    "Outbound": (3, 20, "Sent", "Responded", 0.15, "", ""),
}
MONTHLY = (
    ("Webinar", "Attribution That Finance Trusts"),
    ("Webinar", "Cohort Funnels in Practice"),
    ("Event", "RevOps Summit"),
    ("Email", "Product Newsletter"),
    ("Email", "Pricing Update"),
    ("Email", "Customer Story"),
    ("Content Syndication", "B2B Attribution Ebook"),
    ("Partner", "Partner Co-Marketing"),
    ("Outbound", "Enterprise Outbound"),
)
NURTURE = ("Nurture - Early Stage", "Nurture - Customers", "Ops - Lead Scoring")
SHARED_NAME = "Webinar - Attribution That Finance Trusts"


@dataclass(frozen=True)
class Catalogue:
    """One row per initiative; `has_sf` marks Salesforce campaigns, `program_id > 0` programs."""

    n: int
    name: Arr
    kind: Arr  # Salesforce campaign type, or "Nurture" for Marketo-only programs
    has_sf: Bool
    sf_id: Arr
    program_id: I64
    program_type: Arr
    channel: Arr
    created: I64
    start: I64
    end: I64
    member_status: Arr
    responded_status: Arr
    response_p: F64
    budget: F64
    ad_account: I64  # index into AD_ACCOUNTS, -1 for non-paid
    paid_weight: F64

    def where(self, mask: Bool) -> I64:
        return np.flatnonzero(mask).astype(np.int64)


def build_catalogue(spec: WorldSpec) -> Catalogue:
    rows: list[dict[str, object]] = []
    always_on_start = spec.t_start - 45 * DAY
    always_on_end = spec.t_end + 90 * DAY
    for account, name, kind, weight in PAID:
        social = kind == "Paid Social"
        rows.append(
            dict(
                name=name,
                kind=kind,
                has_sf=True,
                program=social,
                program_type="Default",
                channel="Online Advertising" if social else "",
                start=always_on_start,
                end=always_on_end,
                member_status="Clicked",
                responded_status="Converted",
                response_p=1.0,
                budget=20_000.0 * weight,
                ad_account=account,
                paid_weight=weight,
            )
        )
    months = (spec.days + 29) // 30 + 1
    for month in range(months):
        month_start = spec.t_start + (month - 1) * 30 * DAY
        label = datetime.fromtimestamp(month_start + 15 * DAY, tz=UTC).strftime("%b %Y")
        for slot, (kind, topic) in enumerate(MONTHLY):
            offset, duration, status, responded, p, ptype, channel = KINDS[kind]
            begin = month_start + offset * DAY + 9 * 3600
            name = f"{kind} - {topic} - {label}"
            if slot == 0 and month in (0, 1):
                name = SHARED_NAME  # two campaigns, one name: never join on names
            rows.append(
                dict(
                    name=name,
                    kind=kind,
                    has_sf=True,
                    program=bool(channel),
                    program_type=ptype,
                    channel=channel,
                    start=begin,
                    end=begin + duration * DAY,
                    member_status=status,
                    responded_status=responded,
                    response_p=p,
                    budget=float(2_000 + 1_000 * (slot % 4)),
                    ad_account=-1,
                    paid_weight=0.0,
                )
            )
    for name in NURTURE:
        rows.append(
            dict(
                name=name,
                kind="Nurture",
                has_sf=False,
                program=True,
                program_type="Engagement",
                channel="Nurture" if name.startswith("Nurture") else "Operational",
                start=always_on_start - 200 * DAY,
                end=always_on_end,
                member_status="Member",
                responded_status="Engaged",
                response_p=0.0,
                budget=0.0,
                ad_account=-1,
                paid_weight=0.0,
            )
        )
    n = len(rows)

    def col(key: str) -> Arr:
        return np.array([row[key] for row in rows])

    has_sf = col("has_sf").astype(bool)
    sf_ids = make_ids("Campaign", n)
    is_program = col("program").astype(bool)
    start = col("start").astype(np.int64)
    return Catalogue(
        n=n,
        name=col("name"),
        kind=col("kind"),
        has_sf=has_sf,
        sf_id=np.where(has_sf, sf_ids, ""),
        program_id=np.where(is_program, 1001 + np.arange(n), 0).astype(np.int64),
        program_type=col("program_type"),
        channel=col("channel"),
        created=start - 14 * DAY,
        start=start,
        end=col("end").astype(np.int64),
        member_status=col("member_status"),
        responded_status=col("responded_status"),
        response_p=col("response_p").astype(np.float64),
        budget=col("budget").astype(np.float64),
        ad_account=col("ad_account").astype(np.int64),
        paid_weight=col("paid_weight").astype(np.float64),
    )

"""The landing-zone contract: which systems and objects mops ingests, and their columns.

A column's canonical name is the snake_case of the source header (`IsConverted`, `is_converted`
and `isConverted` are all `is_converted`; nested JSON `{"metrics": {"costMicros": ...}}` and the
dotted header `metrics.cost_micros` are both `metrics_cost_micros`). `aliases` lists other
spellings seen in real exports. Raw tables are `raw.<system>__<object>` with these columns, typed,
plus the provenance columns `_file`, `_line`, `_load_id` and `_extra` (unknown columns as JSON).

Logical types (see `parsing.py` for what each accepts):
`text`, `id` (Salesforce ids, 15 -> 18 characters), `bool`, `int`, `decimal`, `double`,
`date` (never shifted by a time zone), `timestamp` (stored as naive UTC), `json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

LogicalType = Literal["text", "id", "bool", "int", "decimal", "double", "date", "timestamp", "json"]

TYPE_MEANINGS: dict[LogicalType, str] = {
    "text": "text as exported (blank = NULL)",
    "id": "record id (15-character Salesforce ids widened to 18)",
    "bool": "true/false in any spelling the loading rules accept",
    "int": "whole number",
    "decimal": "exact decimal (currency symbols, thousands, accounting signs read; never rounded)",
    "double": "number",
    "date": "calendar date, never shifted by a time zone",
    "timestamp": "timestamp in UTC",
    "json": "JSON value",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: LogicalType = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """What the contract says of the column, for catalogues (the Dagster UI)."""
        text = f"{TYPE_MEANINGS[self.type]}; read from the header whose snake_case is {self.name}"
        if self.aliases:
            text += f" (also {', '.join(self.aliases)})"
        return text + ("; required: a row without it is quarantined" if self.required else "")


@dataclass(frozen=True)
class SourceObject:
    system: str
    name: str
    description: str
    columns: tuple[Column, ...]
    # Wide files whose other columns are values of one key (ECB rates: one column per currency)
    # are stored long as (<key columns>, <unpivot_name>, <unpivot_value>).
    unpivot: tuple[str, str, LogicalType] | None = None

    @property
    def table(self) -> str:
        return f"{self.system}__{snake_case(self.name)}"

    @property
    def qualified_table(self) -> str:
        return f"raw.{self.table}"

    @property
    def asset_path(self) -> tuple[str, str, str]:
        return ("raw", self.system, self.name)

    @cached_property
    def column_for_header(self) -> dict[str, str]:
        """The contract column a snake_case header names (its own name or an alias; the first
        column in contract order wins)."""
        names: dict[str, str] = {}
        for column in self.columns:
            names.setdefault(column.name, column.name)
            for alias in column.aliases:
                names.setdefault(alias, column.name)
        return names

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


_CAMEL_BOUNDARY_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_BOUNDARY_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z_]+")


@lru_cache(maxsize=65536)
def snake_case(header: str) -> str:
    """`IsConverted`/`isConverted`/`is_converted`/`metrics.costMicros` -> snake_case."""
    text = header.strip().lstrip("\ufeff").strip('"')
    text = _NON_WORD.sub("_", text)
    text = _CAMEL_BOUNDARY_1.sub(r"\1_\2", text)
    text = _CAMEL_BOUNDARY_2.sub(r"\1_\2", text)
    return re.sub(r"_+", "_", text).strip("_").lower()


def _cols(spec: str) -> tuple[Column, ...]:
    """Compact column lists: `name:type` separated by spaces; `!` marks required columns."""
    columns = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        required = name.endswith("!")
        columns.append(Column(name.rstrip("!"), kind or "text", required))  # type: ignore[arg-type]
    return tuple(columns)


def _with_aliases(columns: tuple[Column, ...], **aliases: tuple[str, ...]) -> tuple[Column, ...]:
    return tuple(
        Column(c.name, c.type, c.required, aliases.get(c.name, c.aliases)) for c in columns
    )


_SF_AUDIT = (
    "created_date:timestamp created_by_id:id last_modified_date:timestamp "
    "last_modified_by_id:id system_modstamp:timestamp fivetran_synced:timestamp"
)

SALESFORCE = (
    SourceObject(
        "salesforce",
        "Lead",
        "Salesforce leads (Bulk API / Data Loader export or connector shape).",
        _cols(
            "id!:id is_deleted:bool master_record_id:id first_name last_name email company title "
            "phone country industry number_of_employees:int annual_revenue:decimal lead_source "
            "status rating owner_id:id is_converted:bool converted_date:date "
            "converted_account_id:id converted_contact_id:id converted_opportunity_id:id "
            "currency_iso_code " + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "Contact",
        "Salesforce contacts, including those created by lead conversion.",
        _cols(
            "id!:id is_deleted:bool master_record_id:id account_id:id first_name last_name "
            "email title phone mailing_country lead_source owner_id:id " + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "Account",
        "Salesforce accounts (companies).",
        _cols(
            "id!:id is_deleted:bool master_record_id:id name type parent_id:id industry "
            "number_of_employees:int annual_revenue:decimal billing_country website "
            "owner_id:id currency_iso_code " + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "Opportunity",
        "Salesforce opportunities, one row per delivered version.",
        _cols(
            "id!:id is_deleted:bool account_id:id name stage_name amount:decimal "
            "probability:decimal expected_revenue:decimal close_date:date type lead_source "
            "is_closed:bool is_won:bool forecast_category campaign_id:id owner_id:id "
            "currency_iso_code " + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "OpportunityHistory",
        "One row whenever an opportunity's stage, amount, probability or close date changed.",
        _cols(
            "id!:id is_deleted:bool opportunity_id!:id stage_name amount:decimal "
            "probability:decimal expected_revenue:decimal close_date:date forecast_category "
            + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "OpportunityContactRole",
        "People attached to opportunities (role, primary flag).",
        _cols(
            "id!:id is_deleted:bool opportunity_id!:id contact_id:id role is_primary:bool "
            + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "Campaign",
        "Salesforce campaigns.",
        _cols(
            "id!:id is_deleted:bool name parent_id:id type status start_date:date "
            "end_date:date budgeted_cost:decimal actual_cost:decimal is_active:bool "
            "owner_id:id " + _SF_AUDIT
        ),
    ),
    SourceObject(
        "salesforce",
        "CampaignMember",
        "Campaign membership of leads and contacts, with response flags.",
        _cols(
            "id!:id is_deleted:bool campaign_id!:id lead_id:id contact_id:id status "
            "has_responded:bool first_responded_date:date " + _SF_AUDIT
        ),
    ),
)

MARKETO = (
    SourceObject(
        "marketo",
        "leads",
        "Marketo bulk lead extract (REST field names).",
        _cols(
            "id!:int email first_name last_name company title phone country industry "
            "number_of_employees:int created_at:timestamp updated_at:timestamp sfdc_type "
            "sfdc_lead_id:id sfdc_contact_id:id sfdc_account_id:id lead_status lead_score:int "
            "lead_source utm_source utm_medium utm_campaign utm_content utm_term"
        ),
    ),
    SourceObject(
        "marketo",
        "activities",
        "Marketo bulk activity extract; `attributes` is a JSON object.",
        _cols(
            "marketo_guid!:text lead_id!:int activity_date!:timestamp activity_type_id!:int "
            "campaign_id:int primary_attribute_value_id:text primary_attribute_value "
            "attributes:json"
        ),
    ),
    SourceObject(
        "marketo",
        "programs",
        "Marketo programs (asset API); `sfdc_id` is the synced Salesforce campaign.",
        _cols(
            "id!:int name description type channel status workspace sfdc_id:id sfdc_name "
            "created_at:timestamp updated_at:timestamp"
        ),
    ),
    SourceObject(
        "marketo",
        "activity_types",
        "Marketo activity types of this instance (custom types differ per instance).",
        _cols(
            "id!:int name! description primary_attribute_name primary_attribute_data_type "
            "attributes:json"
        ),
    ),
)

AD_PLATFORMS = (
    SourceObject(
        "google_ads",
        "campaign_stats",
        "Google Ads API report rows per date x campaign x device x network; money in micros.",
        _cols(
            "segments_date!:date customer_id!:text customer_currency_code "
            "customer_time_zone campaign_id!:text campaign_name segments_device "
            "segments_ad_network_type metrics_cost_micros:int metrics_impressions:int "
            "metrics_clicks:int metrics_conversions:double"
        ),
    ),
    SourceObject(
        "meta_ads",
        "insights",
        "Meta (Facebook) Ads insights at campaign level; numbers arrive as strings.",
        _cols(
            "date_start!:date date_stop:date account_id!:text account_currency campaign_id!:text "
            "campaign_name spend:decimal impressions:int clicks:int actions:json"
        ),
    ),
    SourceObject(
        "linkedin_ads",
        "ad_analytics",
        "LinkedIn ad analytics pivoted by campaign group; days in UTC.",
        _cols(
            "date_range_start_year!:int date_range_start_month!:int date_range_start_day!:int "
            "pivot_values:json pivot_value account_id currency campaign_group_name "
            "cost_in_local_currency:decimal cost_in_usd:decimal impressions:int clicks:int"
        ),
    ),
    SourceObject(
        "microsoft_ads",
        "campaign_performance",
        "Microsoft Advertising campaign performance report (daily), split by device/network.",
        _with_aliases(
            _cols(
                "date!:date account_id!:text account_name campaign_id!:text campaign_name "
                "currency_code device_type network impressions:int clicks:int spend:decimal "
                "conversions:double revenue:decimal"
            ),
            date=("time_period", "gregorian_date", "day"),
            spend=("cost",),
        ),
    ),
)

FX = (
    SourceObject(
        "fx",
        "ecb_rates",
        "ECB euro reference rates: units of each currency per 1 EUR, stored one row per "
        "(date, currency).",
        _cols("date!:date"),
        unpivot=("currency", "rate_per_eur", "decimal"),
    ),
)

OBJECTS: tuple[SourceObject, ...] = SALESFORCE + MARKETO + AD_PLATFORMS + FX


def find_object(system: str, name: str) -> SourceObject | None:
    for obj in OBJECTS:
        if obj.system == system and obj.name == name:
            return obj
    return None

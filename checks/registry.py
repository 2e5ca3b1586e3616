"""The checks of the quality gate: which relation each guards and how it finds failing rows.

Three kinds, each returning the failing rows' keys and values:
- `SqlCheck`: a query returning failing rows, run in DuckDB (uniqueness, relationships and the
  cross-table invariants of the marts: group-bys and joins belong where the data is).
- `SchemaCheck`: a Pandera DataFrameModel (`checks.schemas`) validated on a Polars frame of only
  the columns it names (syntax, ranges, row-level ordering).
- `LoadCheck` (`checks.loads`): the load gate on the files a run loaded, one failing row per
  offending file.

A check whose relation (or a relation it reads) does not exist is not run (the KPI marts
activate their checks once they land). A check that can judge the rows an incremental run wrote
on their own says how (`increment_sql`, `row_level`): checks/increments.py decides when that is
enough. Importing this module imports no duckdb/polars/pandera.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from checks.loads import LOAD_CHECKS, LoadCheck

Catalog = Mapping[str, Sequence[str]]
"""Columns of every relation in the warehouse, by `schema.table`."""

SqlBuilder = Callable[[Catalog], str | None]


INCREMENT = "{increment}"
"""Where `SqlCheck.increment_sql` names the increment (the rows the last run wrote)."""


@dataclass(frozen=True)
class SqlCheck:
    relation: str
    name: str
    description: str
    sql: str | SqlBuilder
    reads: tuple[str, ...] = ()
    increment_sql: str | None = None  # the same failing rows, found from the increment's keys

    def render(self, catalog: Catalog, increment: str | None = None) -> str | None:
        if increment and self.increment_sql:
            return self.increment_sql.replace(INCREMENT, increment)
        return self.sql(catalog) if callable(self.sql) else self.sql


@dataclass(frozen=True)
class SchemaCheck:
    relation: str
    name: str
    description: str
    schema: str  # a DataFrameModel name in checks.schemas
    projection: str | SqlBuilder  # the select list read into Polars
    keys: tuple[str, ...] = ()
    reads: tuple[str, ...] = field(default=())
    row_level: bool = False  # every rule judges one row: the increment can be checked alone

    def render(self, catalog: Catalog, increment: str | None = None) -> str | None:
        columns = self.projection(catalog) if callable(self.projection) else self.projection
        source = increment if increment and self.row_level else self.relation
        return f"select {columns} from {source}" if columns else None


Check = SqlCheck | SchemaCheck | LoadCheck


def check_id(check: Check) -> str:
    return f"{check.relation}:{check.name}"


# --- builders --------------------------------------------------------------------------------


def _null_any(keys: Sequence[str]) -> str:
    return " or ".join(f"{k} is null" for k in keys)


def _same_keys(keys: Sequence[str], left: str, right: str) -> str:
    return " and ".join(f"{right}.{k} is not distinct from {left}.{k}" for k in keys)


def unique(relation: str, keys: Sequence[str], what: str = "") -> SqlCheck:
    """One row per key (a composite key matched as one tuple); keys present. After an
    incremental run only keys the run wrote can be duplicated or missing."""
    columns = ", ".join(keys)
    having = f"having count(*) > 1 or {_null_any(keys)}"  # keys are group keys: no bool_or pass
    sql = f"select {columns}, count(*) as row_count from {relation} group by {columns} {having}"
    increment_sql = (
        f"select {columns}, count(*) as row_count from {relation} as checked "
        f"semi join {INCREMENT} as increment on {_same_keys(keys, 'checked', 'increment')} "
        f"group by {columns} {having}"
    )
    label = "_".join(keys) if len(keys) > 1 else keys[0]
    return SqlCheck(
        relation,
        f"one_row_per_{label}",
        what or f"One row per ({columns}) in {relation}, key present.",
        sql,
        increment_sql=increment_sql,
    )


def present_in(
    relation: str, column: str, keys: Sequence[str], parent: str, parent_key: str, name: str
) -> SqlCheck:
    """Every non-null `column` of `relation` exists in `parent.parent_key`."""
    select = ", ".join(f"c.{k}" for k in dict.fromkeys([*keys, column]))
    sql = (
        f"select {select} from {relation} as c anti join {parent} as p "
        f"on p.{parent_key} = c.{column} where c.{column} is not null"
    )
    return SqlCheck(
        relation,
        name,
        f"Every {column} of {relation} exists in {parent}.",
        sql,
        reads=(parent,),
    )


def _first(columns: Sequence[str], candidates: Sequence[str]) -> str | None:
    return next((c for c in candidates if c in columns), None)


_PIPELINE = ("attributed_pipeline", "pipeline_amount", "attributed_pipeline_reporting", "pipeline")
_REVENUE = ("attributed_revenue", "revenue_amount", "attributed_revenue_reporting", "revenue")
_MODEL = ("model", "attribution_model")
_SPEND = ("spend_reporting", "spend")


def _mart_attribution_sql(catalog: Catalog) -> str | None:
    columns = catalog.get("marts.mart_opportunity_attribution", ())
    model, pipeline, revenue = (
        _first(columns, _MODEL),
        _first(columns, _PIPELINE),
        _first(columns, _REVENUE),
    )
    if not (model and pipeline and revenue):
        return None
    return f"""
        with mart as (
            select {model} as model, sum({pipeline}) as pipeline, sum({revenue}) as revenue
            from marts.mart_opportunity_attribution group by all
        ), fact as (
            select model, sum(pipeline_amount) as pipeline, sum(revenue_amount) as revenue
            from marts.fct_attribution group by all
        )
        select model, mart.pipeline as mart_pipeline, fact.pipeline as fact_pipeline,
            mart.revenue as mart_revenue, fact.revenue as fact_revenue
        from fact full join mart using (model)
        where abs(coalesce(mart.pipeline, 0) - coalesce(fact.pipeline, 0)) > 0.01
            or abs(coalesce(mart.revenue, 0) - coalesce(fact.revenue, 0)) > 0.01
    """


def _mart_spend_sql(catalog: Catalog) -> str | None:
    """Per grain, the mart's spend (reporting currency) sums to the fact's `spend_reporting`
    up to the reporting date: every grain partitions the same days. Each mart row is rounded
    to cents, so the sums may differ by half a cent per row."""
    columns = catalog.get("marts.mart_channel_performance", ())
    if "spend" not in columns or "grain" not in columns:
        return None
    return """
        with as_of as (select as_of from intermediate.int_reporting__as_of),
        mart as (
            select grain, sum(spend) as spend, count(spend) as rounded_rows
            from marts.mart_channel_performance group by grain
        ),
        fact as (
            select sum(spend_reporting) as spend from marts.fct_ad_spend_daily
            where date <= (select as_of from as_of)
        )
        select mart.grain, mart.spend as mart_spend, fact.spend as fact_spend
        from mart, fact
        where abs(coalesce(mart.spend, 0) - coalesce(fact.spend, 0))
            > 0.01 + 0.005 * mart.rounded_rows
    """


def _columns_matching(relation: str, predicate: Callable[[str], bool]) -> SqlBuilder:
    """A projection of the columns of `relation` accepted by `predicate`, cast to DOUBLE."""

    def build(catalog: Catalog) -> str | None:
        chosen = [c for c in catalog.get(relation, ()) if predicate(c)]
        return ", ".join(f'"{c}"::double as "{c}"' for c in chosen) or None

    return build


def _rates(relation: str) -> SqlBuilder:
    return _columns_matching(relation, lambda c: c.endswith("_rate"))


def _spend(relation: str) -> SqlBuilder:
    return _columns_matching(relation, lambda c: c.startswith("spend"))


ATTRIBUTION_TOTALS = """
    with credits as (
        select model, sum(pipeline_amount) as pipeline, sum(revenue_amount) as revenue
        from marts.fct_attribution group by model
    ), totals as (
        select sum(amount_reporting) as pipeline,
            sum(case when is_won then amount_reporting else 0 end) as revenue
        from marts.fct_opportunity
    )
    select credits.model, credits.pipeline as attributed_pipeline,
        totals.pipeline as total_pipeline, credits.revenue as attributed_revenue,
        totals.revenue as total_revenue
    from credits, totals
    where abs(coalesce(credits.pipeline, 0) - coalesce(totals.pipeline, 0)) > 0.01
        or abs(coalesce(credits.revenue, 0) - coalesce(totals.revenue, 0)) > 0.01
"""

ONE_PERSON_PER_EMAIL = """
    select lower(trim(email)) as email, count(*) as people,
        list(person_id order by person_id)[1:5] as person_ids
    from marts.dim_person
    where nullif(trim(email), '') is not null and not coalesce(is_role_mailbox, false)
        and coalesce(is_valid_email, true)
    group by 1 having count(*) > 1
"""

# Duplicated events first, their touch ids second: collecting ids for all 11M events at 1M people
# took 8.9 s against 2.0 s.
_TOUCH_EVENT = ("person_id", "touched_at", "channel", "campaign_id")
ONE_TOUCH_PER_EVENT = """
    with duplicated as (
        select person_id, touched_at, channel, campaign_id
        from marts.fct_touch group by all having count(*) > 1
    )
    select touch.person_id, touch.touched_at, touch.channel, touch.campaign_id,
        count(*) as row_count, list(touch.touch_id order by touch.touch_id)[1:5] as touch_ids
    from marts.fct_touch as touch
    semi join duplicated
        on duplicated.person_id is not distinct from touch.person_id
        and duplicated.touched_at is not distinct from touch.touched_at
        and duplicated.channel is not distinct from touch.channel
        and duplicated.campaign_id is not distinct from touch.campaign_id
    group by all
"""
# after an incremental run: only events of touches the run wrote
ONE_TOUCH_PER_EVENT_IN_INCREMENT = ONE_TOUCH_PER_EVENT.replace(
    "from marts.fct_touch group by all",
    f"from marts.fct_touch as checked semi join {INCREMENT} as increment "
    f"on {_same_keys(_TOUCH_EVENT, 'checked', 'increment')} group by all",
)

STAGING_KEYS: dict[str, tuple[str, ...]] = {
    "staging.stg_salesforce__account": ("account_id",),
    "staging.stg_salesforce__campaign": ("campaign_id",),
    "staging.stg_salesforce__campaign_member": ("campaign_member_id",),
    "staging.stg_salesforce__contact": ("contact_id",),
    "staging.stg_salesforce__lead": ("lead_id",),
    "staging.stg_salesforce__opportunity": ("opportunity_id",),
    "staging.stg_salesforce__opportunity_contact_role": ("opportunity_contact_role_id",),
    "staging.stg_salesforce__opportunity_history": ("opportunity_history_id",),
    "staging.stg_marketo__leads": ("lead_id",),
    "staging.stg_marketo__activities": ("activity_id",),
    "staging.stg_marketo__programs": ("program_id",),
    "staging.stg_marketo__activity_types": ("activity_type_id",),
    "staging.stg_fx__ecb_rates": ("rate_date", "currency"),
}

_LIFECYCLE = "person_id, lead_at, mql_at, sql_at, opportunity_at, customer_at"

CHECKS: tuple[Check, ...] = (
    # the load gate: the files this run loaded (checks/loads.py)
    *LOAD_CHECKS,
    # staging: one row per id
    *(unique(relation, keys) for relation, keys in STAGING_KEYS.items()),
    # identity
    unique(
        "intermediate.int_identity__crosswalk",
        ("source_system", "source_object", "source_id"),
        "One crosswalk row per source record.",
    ),
    SchemaCheck(
        "intermediate.int_identity__crosswalk",
        "keys_present",
        "Every crosswalk row has its source keys and a person.",
        "Crosswalk",
        "source_system, source_object, source_id, person_id",
        keys=("source_system", "source_object", "source_id"),
        row_level=True,
    ),
    # people
    unique("marts.dim_person", ("person_id",)),
    SqlCheck(
        "marts.dim_person",
        "one_person_per_email",
        "One person per normalised valid email (role mailboxes and invalid emails aside).",
        ONE_PERSON_PER_EMAIL,
    ),
    SchemaCheck(
        "marts.dim_person",
        "email_syntax",
        "Survivor emails look like addresses.",
        "PersonEmail",
        "person_id, email",
        keys=("person_id",),
    ),
    SchemaCheck(
        "marts.dim_person",
        "lifecycle_in_stage_order",
        "Lifecycle dates in stage order: lead <= mql <= sql <= opportunity <= customer.",
        "PersonLifecycle",
        _LIFECYCLE,
        keys=("person_id",),
    ),
    # opportunities
    unique("marts.fct_opportunity", ("opportunity_id",)),
    SchemaCheck(
        "marts.fct_opportunity",
        "values_valid",
        "Amounts non-negative, ISO currency codes, probability 0-100, id present.",
        "OpportunityValues",
        "opportunity_id, amount::double as amount, amount_reporting::double as amount_reporting,"
        " currency, probability::double as probability",
        keys=("opportunity_id",),
    ),
    SchemaCheck(
        "marts.fct_opportunity",
        "close_not_before_created",
        "The close date is not before the created date.",
        "OpportunityDates",
        "opportunity_id, created_date, close_date",
        keys=("opportunity_id",),
    ),
    present_in(
        "marts.fct_opportunity",
        "primary_person_id",
        ("opportunity_id",),
        "marts.dim_person",
        "person_id",
        "primary_person_in_dim_person",
    ),
    unique("intermediate.int_opportunity__people", ("opportunity_id", "person_id")),
    SchemaCheck(
        "intermediate.int_opportunity__people",
        "keys_present",
        "Every link has its opportunity and person.",
        "OpportunityPeople",
        "opportunity_id, person_id",
        keys=("opportunity_id", "person_id"),
    ),
    present_in(
        "intermediate.int_opportunity__people",
        "person_id",
        ("opportunity_id",),
        "marts.dim_person",
        "person_id",
        "people_in_dim_person",
    ),
    # touches
    unique("intermediate.int_touch__marketo", ("touch_id",)),
    unique("marts.fct_touch", ("touch_id",)),
    SqlCheck(
        "marts.fct_touch",
        "one_touch_per_event",
        "One touch per (person, time, channel, campaign).",
        ONE_TOUCH_PER_EVENT,
        increment_sql=ONE_TOUCH_PER_EVENT_IN_INCREMENT,
    ),
    SchemaCheck(
        "marts.fct_touch",
        "keys_present",
        "Every touch has its id, person, time and channel.",
        "Touch",
        "touch_id, person_id, touched_at, channel",
        keys=("touch_id",),
        row_level=True,
    ),
    present_in(
        "marts.fct_touch",
        "person_id",
        ("touch_id",),
        "marts.dim_person",
        "person_id",
        "person_in_dim_person",
    ),
    # attribution
    unique("marts.fct_attribution", ("attribution_id",)),
    SchemaCheck(
        "marts.fct_attribution",
        "values_valid",
        "Known model, weight in [0, 1], non-negative credited pipeline and revenue.",
        "Attribution",
        "attribution_id, opportunity_id, model, weight::double as weight,"
        " pipeline_amount::double as pipeline_amount, revenue_amount::double as revenue_amount",
        keys=("attribution_id",),
    ),
    SqlCheck(
        "marts.fct_attribution",
        "sums_to_totals_per_model",
        "Attributed pipeline and revenue sum to the opportunity totals for every model.",
        ATTRIBUTION_TOTALS,
        reads=("marts.fct_opportunity",),
    ),
    # ad spend
    unique("marts.fct_ad_spend_daily", ("platform", "account_id", "campaign_id", "date")),
    SchemaCheck(
        "marts.fct_ad_spend_daily",
        "values_valid",
        "Keys present, non-negative spend, ISO currency codes.",
        "AdSpend",
        "platform, account_id, campaign_id, date, spend::double as spend,"
        " spend_reporting::double as spend_reporting, currency",
        keys=("platform", "account_id", "campaign_id", "date"),
    ),
    # KPI marts (run once they exist)
    SqlCheck(
        "marts.mart_opportunity_attribution",
        "sums_to_attribution_per_model",
        "Attributed pipeline and revenue per model equal fct_attribution's.",
        _mart_attribution_sql,
        reads=("marts.fct_attribution",),
    ),
    SqlCheck(
        "marts.mart_channel_performance",
        "spend_equals_ad_spend",
        "Total spend equals the spend in fct_ad_spend_daily.",
        _mart_spend_sql,
        reads=("marts.fct_ad_spend_daily", "intermediate.int_reporting__as_of"),
    ),
    SchemaCheck(
        "marts.mart_channel_performance",
        "spend_non_negative",
        "Every spend column is non-negative.",
        "Spend",
        _spend("marts.mart_channel_performance"),
    ),
    SchemaCheck(
        "marts.mart_campaign_performance",
        "spend_non_negative",
        "Every spend column is non-negative.",
        "Spend",
        _spend("marts.mart_campaign_performance"),
    ),
    SchemaCheck(
        "marts.mart_funnel_cohorts",
        "rates_in_unit_interval",
        "Every cohort rate (`*_rate`) is in [0, 1].",
        "Rates",
        _rates("marts.mart_funnel_cohorts"),
    ),
)

"""Pandera DataFrameModels (polars backend) of the core entities and marts.

Each model validates a narrow projection (only the columns it names, read from DuckDB through
Arrow), never a whole table; uniqueness and cross-table rules run as SQL in `checks.registry`.
Amounts arrive cast to DOUBLE by the projection, so the models need no DECIMAL dtypes.
"""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from pipeline.emails import EMAIL_PATTERN as ADDRESS

EMAIL_PATTERN = rf"^{ADDRESS}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
ATTRIBUTION_MODELS = ["first_touch", "last_touch", "linear", "position_based", "time_decay"]
LIFECYCLE = ["lead_at", "mql_at", "sql_at", "opportunity_at", "customer_at"]


class _Base(pa.DataFrameModel):
    class Config:
        strict = False
        coerce = False


class PersonLifecycle(_Base):
    """dim_person: a key, and lifecycle dates in stage order (lead <= mql <= ... <= customer)."""

    person_id: str = pa.Field(nullable=False)
    lead_at: dt.datetime = pa.Field(nullable=True)
    mql_at: dt.datetime = pa.Field(nullable=True)
    sql_at: dt.datetime = pa.Field(nullable=True)
    opportunity_at: dt.datetime = pa.Field(nullable=True)
    customer_at: dt.datetime = pa.Field(nullable=True)

    @pa.dataframe_check
    def stages_in_order(cls, data: PolarsData) -> pl.LazyFrame:  # type: ignore[misc]
        ok = pl.lit(True)
        for i, earlier in enumerate(LIFECYCLE):
            for later in LIFECYCLE[i + 1 :]:
                ok = ok & (pl.col(earlier) <= pl.col(later)).fill_null(True)
        return data.lazyframe.select(ok.alias("stages_in_order"))


class PersonEmail(_Base):
    """dim_person: the survivor email looks like an address (role mailboxes included)."""

    person_id: str = pa.Field(nullable=False)
    email: str = pa.Field(nullable=True, str_matches=EMAIL_PATTERN)


class OpportunityValues(_Base):
    """fct_opportunity: amounts non-negative, ISO currency, probability 0-100, keys present."""

    opportunity_id: str = pa.Field(nullable=False)
    amount: float = pa.Field(nullable=True, ge=0)
    amount_reporting: float = pa.Field(nullable=True, ge=0)
    currency: str = pa.Field(nullable=True, str_matches=CURRENCY_PATTERN)
    probability: float = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100})


class OpportunityDates(_Base):
    """fct_opportunity: the close date is not before the created date."""

    opportunity_id: str = pa.Field(nullable=False)
    created_date: dt.date = pa.Field(nullable=True)
    close_date: dt.date = pa.Field(nullable=True)

    @pa.dataframe_check
    def close_not_before_created(cls, data: PolarsData) -> pl.LazyFrame:  # type: ignore[misc]
        ok = (pl.col("close_date") >= pl.col("created_date")).fill_null(True)
        return data.lazyframe.select(ok.alias("close_not_before_created"))


class OpportunityPeople(_Base):
    """int_opportunity__people: both keys present."""

    opportunity_id: str = pa.Field(nullable=False)
    person_id: str = pa.Field(nullable=False)


class Crosswalk(_Base):
    """int_identity__crosswalk: every source record has its keys and a person."""

    source_system: str = pa.Field(nullable=False)
    source_object: str = pa.Field(nullable=False)
    source_id: str = pa.Field(nullable=False)
    person_id: str = pa.Field(nullable=False)


class Touch(_Base):
    """fct_touch: keys, person and time present."""

    touch_id: str = pa.Field(nullable=False)
    person_id: str = pa.Field(nullable=False)
    touched_at: dt.datetime = pa.Field(nullable=False)
    channel: str = pa.Field(nullable=False)


class Attribution(_Base):
    """fct_attribution: known model, weight in [0, 1], non-negative credited amounts."""

    opportunity_id: str = pa.Field(nullable=False)
    model: str = pa.Field(nullable=False, isin=ATTRIBUTION_MODELS)
    weight: float = pa.Field(nullable=False, in_range={"min_value": 0, "max_value": 1})
    pipeline_amount: float = pa.Field(nullable=True, ge=0)
    revenue_amount: float = pa.Field(nullable=True, ge=0)


class AdSpend(_Base):
    """fct_ad_spend_daily: keys present, non-negative spend, ISO currency."""

    platform: str = pa.Field(nullable=False)
    account_id: str = pa.Field(nullable=False)
    campaign_id: str = pa.Field(nullable=False)
    date: dt.date = pa.Field(nullable=False)
    spend: float = pa.Field(nullable=False, ge=0)
    spend_reporting: float = pa.Field(nullable=True, ge=0)
    currency: str = pa.Field(nullable=True, str_matches=CURRENCY_PATTERN)


class Rates(_Base):
    """Any mart: every `*_rate` column is a share in [0, 1] (cohort conversion rates)."""

    rate: float = pa.Field(
        alias=r".*_rate$", regex=True, nullable=True, in_range={"min_value": 0, "max_value": 1}
    )


class Spend(_Base):
    """Any mart: every `spend*` column is non-negative."""

    spend: float = pa.Field(alias=r"^spend.*", regex=True, nullable=True, ge=0)


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    cls.__name__: cls
    for cls in (
        PersonLifecycle,
        PersonEmail,
        OpportunityValues,
        OpportunityDates,
        OpportunityPeople,
        Crosswalk,
        Touch,
        Attribution,
        AdSpend,
        Rates,
        Spend,
    )
}

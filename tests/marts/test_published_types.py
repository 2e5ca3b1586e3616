"""One type per kind of value in every published table (the published file of the small
generated world): counts BIGINT; money DECIMAL(18,2) on a row with a `currency` column; ratios,
percentages and days DOUBLE; empty sums 0 (never NULL) and undefined ratios NULL (never NaN or
infinite). mart_kpis keeps every KPI in one DOUBLE `value` (its unit is in kpi_definitions), as
does mart_kpi_signals.

A column is a count, money or ratio by its name: a KPI id takes its kpi_definitions unit, the
other columns are classified below; a new numeric column must be classified here."""

from __future__ import annotations

import duckdb
import pytest

from tests.marts.published import is_numeric, published_columns, published_names

COUNT, MONEY, RATIO = "BIGINT", "DECIMAL(18,2)", "DOUBLE"
UNIT_TYPES = {
    "count": COUNT, "currency": MONEY, "currency_per_day": MONEY, "ratio": RATIO,
    "days": RATIO, "percent": RATIO,
}  # fmt: skip
NAMED = {
    **dict.fromkeys(
        [
            "rows_read", "rows_loaded", "rows_quarantined", "quarantine_rows", "lines_skipped",
            "extra_columns", "duplicate_rows", "rows_without_created_date",
            "rows_without_any_date", "rows_without_account", "row_count", "touch_position",
            "touch_count", "days_elapsed", "days_in_period", "leads", "leads_reached_mql",
            "mqls_reached_sql", "sqls_reached_opportunity", "new_business_opportunities",
            "new_business_won", "starting_accounts", "churned_accounts", "deals_closed",
            "redelivered_rows", "reactivations", "ad_campaigns", "unlinked_ad_campaigns",
        ],
        COUNT,
    ),
    **dict.fromkeys(
        [
            "amount_reporting", "pipeline_amount", "revenue_amount", "starting_arr",
            "starting_accounts_ending_arr", "retained_arr", "marketing_sourced_revenue",
            "velocity_open_value", "linked_spend", "unlinked_spend",
        ],
        MONEY,
    ),
    "credit_share": RATIO,
    "velocity_cycle_days": RATIO,
    "attainment": RATIO,
    "severity": RATIO,
}  # fmt: skip
KPI_LONG = {
    "value", "numerator", "denominator", "previous_value", "change_abs",
    "value_to_date_previous", "same_period_last_year_value",
    "same_period_last_year_value_to_date",
}  # fmt: skip
# tables in the long KPI format: their value-like columns take each row's KPI unit
KPI_LONG_TABLES = ("mart_kpis", "mart_kpi_signals")
KPI_LONG |= {"target", "target_to_date", "reference"}
EMPTY_SUMS_MAY_BE_NULL = {
    # a KPI the mart pivots has no weekly rows (expansion_revenue is month and quarter only)
    ("mart_revenue", "expansion_revenue"),
    ("mart_revenue", "renewal_revenue"),
    # ad measures are unknown (NULL), not 0, for channels and campaigns without an ad source
    *[
        (table, column)
        for table in ("mart_channel_performance", "mart_campaign_performance")
        for column in ("spend", "ad_spend", "impressions", "clicks")
    ],
    # a product of ratios (open x win rate x deal size), undefined when they are
    ("mart_revenue", "velocity_open_value"),
    # measured for some objects only (NULL documented as "not measured" for the others)
    ("mart_data_quality", "redelivered_rows"),
    ("mart_data_quality", "rows_without_created_date"),
    ("mart_data_quality", "rows_without_any_date"),
    ("mart_data_quality", "rows_without_account"),
    # the unattributed credit of an opportunity without a touch has no touch position
    ("mart_opportunity_attribution", "touch_position"),
}
# the small world's ten days hold no complete, covered history for a signal to judge
MAY_BE_EMPTY = {"mart_kpi_signals"}
TABLES = published_names()


def expected_type(table: str, column: str, units: dict[str, str]) -> str | None:
    if (table in KPI_LONG_TABLES and column in KPI_LONG) or "_pct" in f"{column}_":
        return RATIO
    if column in NAMED:
        return NAMED[column]
    if column in units:
        return UNIT_TYPES[units[column]]
    if column.startswith("attributed_revenue_"):
        return MONEY
    if column.endswith(("_rate", "_share", "_days")):
        return RATIO
    return None


def kinds(marts: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[str, str | None]]:
    """Numeric column -> (published type, expected type or None when unclassified)."""
    units = dict(marts.execute("select kpi, unit from kpi_definitions").fetchall())
    return {
        column: (kind, expected_type(table, column, units))
        for column, kind in published_columns(marts, table).items()
        if is_numeric(kind)
    }


@pytest.mark.parametrize("table", TABLES)
def test_every_numeric_column_has_the_type_of_its_kind(
    marts: duckdb.DuckDBPyConnection, table: str
) -> None:
    wrong = {
        column: f"{kind}, expected {expected or 'a classification in this test'}"
        for column, (kind, expected) in kinds(marts, table).items()
        if kind != expected
    }
    assert wrong == {}


@pytest.mark.parametrize("table", TABLES)
def test_money_sits_beside_its_currency(marts: duckdb.DuckDBPyConnection, table: str) -> None:
    money = [c for c, (_, expected) in kinds(marts, table).items() if expected == MONEY]
    if not money:
        return
    assert published_columns(marts, table).get("currency") == "VARCHAR"
    currencies = marts.execute(f"select distinct currency from {table}").fetchall()
    assert currencies == [("USD",)]


@pytest.mark.parametrize("table", TABLES)
def test_empty_sums_are_zero_and_undefined_ratios_null(
    marts: duckdb.DuckDBPyConnection, table: str
) -> None:
    found = kinds(marts, table)
    if table not in MAY_BE_EMPTY:
        assert marts.execute(f"select count(*) from {table}").fetchone() != (0,)
    ratio_kpis = {
        str(r[0])
        for r in marts.execute(
            "select distinct kpi from mart_kpis where denominator is not null"
        ).fetchall()
    }
    nulls = [
        column
        for column, (_, expected) in found.items()
        if expected in (COUNT, MONEY)
        and column not in ratio_kpis
        and (table, column) not in EMPTY_SUMS_MAY_BE_NULL
        and marts.execute(f"select count(*) from {table} where {column} is null").fetchone() != (0,)
    ]
    assert nulls == []
    not_finite = [
        column
        for column, (kind, _) in found.items()
        if kind == RATIO
        and marts.execute(
            f"select count(*) from {table} where isnan({column}) or isinf({column})"
        ).fetchone()
        != (0,)
    ]
    assert not_finite == []

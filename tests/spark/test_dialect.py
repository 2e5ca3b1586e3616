"""Every fix of the MopsSpark dialect as one DuckDB query run on both engines.

Each case states the expected rows (worked out by hand from DuckDB's documented meaning);
DuckDB must return them, and so must Spark running the query transpiled by `MopsSpark`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import pytest

from pipeline.engine.spark.parity import differences
from tests.spark.conftest import on_duckdb, on_spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

ROWS = """(values
    (1, 'b', 2.0, date '2026-01-31', timestamp '2026-01-31 23:00:00'),
    (2, null, 5.0, date '2026-03-01', timestamp '2026-02-01 01:00:00'),
    (3, 'a', null, null, null),
    (4, 'c', 1.0, date '2025-12-31', timestamp '2026-01-01 00:00:00')
) t(i, s, x, d, ts)"""

D = dt.date
TS = dt.datetime
CASES: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
    # ordered list aggregation: order kept, NULL values kept in lists, NULL keys last
    "list_order_desc": (f"select list(s order by i desc) from {ROWS}", [(["c", "a", None, "b"],)]),
    "array_agg_nulls_last": (f"select array_agg(i order by s) from {ROWS}", [([3, 1, 4, 2],)]),
    "array_agg_nulls_first": (
        f"select array_agg(i order by s desc nulls first) from {ROWS}",
        [([2, 4, 1, 3],)],
    ),
    "array_agg_two_keys": (
        f"select array_agg(i order by x is null, i % 2, i desc) from {ROWS}",
        [([4, 2, 1, 3],)],
    ),
    "array_agg_keeps_nulls": (
        f"select array_agg(s order by i) from {ROWS}",
        [(["b", None, "a", "c"],)],
    ),
    "string_agg_ordered": (
        f"select string_agg(s, '|' order by x desc) from {ROWS}",
        [("b|c|a",)],
    ),
    "string_agg_grouped": (
        f"select i % 2 as odd, string_agg(s, ',' order by s) from {ROWS} group by 1",
        [(0, "c"), (1, "a,b")],
    ),
    # medians and percentiles
    "median_even": (f"select median(x) from {ROWS}", [(2.0,)]),
    "median_interpolates": (f"select median(i) from {ROWS}", [(2.5,)]),
    "quantile_cont": (f"select quantile_cont(x, 0.9) from {ROWS}", [(4.4,)]),
    "quantile_disc": (f"select quantile_disc(i, 0.5) from {ROWS}", [(2,)]),
    "percentile_cont_within_group": (
        f"select percentile_cont(0.25) within group (order by i) from {ROWS}",
        [(1.75,)],
    ),
    # date_diff counts unit boundaries crossed
    "date_diff_month": (
        f"select i, date_diff('month', date '2026-01-31', d) from {ROWS}",
        [(1, 0), (2, 2), (3, None), (4, -1)],
    ),
    "date_diff_year": (
        f"select i, date_diff('year', date '2025-12-31', d) from {ROWS}",
        [(1, 1), (2, 1), (3, None), (4, 0)],
    ),
    "date_diff_quarter": (
        "select date_diff('quarter', date '2026-03-31', date '2026-04-01')",
        [(1,)],
    ),
    "date_diff_day_timestamps": (
        f"select i, date_diff('day', ts, timestamp '2026-02-01 00:30:00') from {ROWS}",
        [(1, 1), (2, 0), (3, None), (4, 31)],
    ),
    "date_diff_hour": (
        f"select i, date_diff('hour', ts, timestamp '2026-02-01 00:30:00') from {ROWS}",
        [(1, 1), (2, -1), (3, None), (4, 744)],
    ),
    "date_diff_week_whole_weeks": (
        "select date_diff('week', date '2026-01-04', date '2026-01-05'), "
        "date_diff('week', date '2026-01-01', date '2026-01-08')",
        [(0, 1)],
    ),
    # null ordering: DuckDB puts NULLs last, ascending and descending
    "order_by_nulls_last": (
        f"select list(s) from (select s from {ROWS} order by s)",
        [(["a", "b", "c", None],)],
    ),
    "row_number_nulls_last": (
        f"select i, row_number() over (order by s desc) from {ROWS}",
        [(1, 2), (2, 4), (3, 3), (4, 1)],
    ),
    # division: `/` is DOUBLE, never rounded DECIMAL; division by zero is IEEE
    "int_division_is_double": (
        f"select i, i / 4 from {ROWS}",
        [(1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0)],
    ),
    "decimal_division_is_double": (
        "select cast(2.00 as decimal(18, 2)) / 3",
        [(2 / 3,)],
    ),
    "integer_division_operator": ("select 7 // 2, -7 // 2", [(3, -3)]),
    "division_by_zero": ("select 1 / 0, -1 / 0", [(math.inf, -math.inf)]),
    "division_by_zero_nan": ("select 0 / 0 is distinct from 0 / 0", [(False,)]),
    # strings and regular expressions
    "regexp_replace_first_match": ("select regexp_replace('a-b-c', '-', '+')", [("a+b-c",)]),
    "regexp_replace_global": ("select regexp_replace('a-b-c', '-', '+', 'g')", [("a+b+c",)]),
    "regexp_replace_group": (
        "select regexp_replace('ab12cd34', '([0-9]+)', '<\\1>')",
        [("ab<12>cd34",)],
    ),
    "regexp_replace_case_insensitive": (
        "select regexp_replace('aXbX', 'x', '-', 'gi')",
        [("a-b-",)],
    ),
    "regexp_replace_dollar": ("select regexp_replace('a.b', '\\.', '$')", [("a$b",)]),
    "regexp_full_match": (
        "select regexp_full_match('abc', 'b'), regexp_full_match('abc', 'a.c')",
        [(False, True)],
    ),
    "regexp_extract_default_group": ("select regexp_extract('ab123cd', '\\d+')", [("123",)]),
    "regexp_extract_no_match": ("select regexp_extract('abc', '\\d+')", [("",)]),
    "regexp_extract_all": ("select regexp_extract_all('a1b22', '[0-9]+')", [(["1", "22"],)]),
    "regexp_matches_partial": ("select regexp_matches('abc', 'b')", [(True,)]),
    "format_braces": ("select format('{}-{}', 'a', 42)", [("a-42",)]),
    "concat_skips_null": (
        f"select i, concat('x', s) from {ROWS} where i <= 2",
        [(1, "xb"), (2, "x")],
    ),
    "pipes_propagate_null": (
        f"select i, 'x' || s from {ROWS} where i <= 2",
        [(1, "xb"), (2, None)],
    ),
    "nfc_normalize": (
        "select nfc_normalize('cafe\u0301'), length(nfc_normalize('cafe\u0301')), "
        "nfc_normalize(null)",
        [("caf\u00e9", 4, None)],
    ),
    "json_as_text": (
        "select cast('{\"a\": 1}' as json) ->> 'a', cast(null as json)",
        [("1", None)],
    ),
    "json_array_elements": (
        "select e ->> 'b' from (select unnest(cast("
        '\'[{"a": 1, "b": "x"}, {"b": "y"}, 3]\' as json[])) as e)',
        [("x",), ("y",), (None,)],
    ),
    "json_list_of_paths": (
        "select '{\"a\": 1, \"b c\": \"x\"}' ->> ['$.a', '$.\"b c\"', '$.z']",
        [(["1", "x", None],)],
    ),
    "json_type": (
        "select json_type('[1]'), json_type(' {}'), json_type('\"a\"'), json_type('true'), "
        "json_type('null'), json_type('1.5'), json_type('-2'), json_type('7'), "
        "json_type(cast(null as json))",
        [("ARRAY", "OBJECT", "VARCHAR", "BOOLEAN", "NULL", "DOUBLE", "BIGINT", "UBIGINT", None)],
    ),
    "unnest_inside_an_expression": (
        "select cast(unnest(generate_series(date '2026-01-30', date '2026-02-01', "
        "interval 1 day)) as date) + 1 as d",
        [(D(2026, 1, 31),), (D(2026, 2, 1),), (D(2026, 2, 2),)],
    ),
    "split_part": ("select split_part('a,b,c', ',', 2), split_part('a,b', ',', 5)", [("b", "")]),
    "string_split_literal": ("select string_split('a.b', '.')", [(["a", "b"],)]),
    # dates and timestamps without time zone
    "dayofweek_sunday_zero": (
        "select dayofweek(date '2026-01-04'), extract(dow from date '2026-01-10'), "
        "isodow(date '2026-01-04')",
        [(0, 6, 7)],
    ),
    "epoch_of_timestamp": (
        "select epoch(timestamp '2026-01-01 00:00:01.5')",
        [(1767225601.5,)],
    ),
    "epoch_of_difference": (
        "select epoch(timestamp '2026-01-02 06:00:00' - timestamp '2026-01-01 00:00:00')",
        [(108000.0,)],
    ),
    "to_days": ("select cast(date '2026-01-30' + to_days(3) as date)", [(D(2026, 2, 2),)]),
    "timestamp_has_no_zone": (
        "select cast('2026-03-29 02:30:00' as timestamp), "
        "date_trunc('month', timestamp '2026-03-29 02:30:00')",
        [(TS(2026, 3, 29, 2, 30), TS(2026, 3, 1))],
    ),
    "timestamp_to_date": (
        f"select i, cast(ts as date) from {ROWS} where i = 1",
        [(1, D(2026, 1, 31))],
    ),
    "date_trunc_week_monday": (
        "select cast(date_trunc('week', date '2026-01-04') as date)",
        [(D(2025, 12, 29),)],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_rows_on_both_engines(spark: SparkSession, case: str) -> None:
    sql, expected = CASES[case]
    assert differences(on_duckdb(sql), expected) == [], "DuckDB"
    assert differences(on_spark(spark, sql), expected) == [], "Spark"

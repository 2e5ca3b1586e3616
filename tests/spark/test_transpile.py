"""MopsSpark's output as golden pairs (no Spark needed: these run in the default suite; the
`spark`-marked tests in test_dialect.py prove the meaning on both engines)."""

from __future__ import annotations

import pytest
import sqlglot

from pipeline.engine.spark.dialect import MopsSpark
from pipeline.engine.spark.parity import RELATIVE_TOLERANCE, differences

GOLDEN = [
    (
        "select quantile_cont(x, 0.9) from t",
        "SELECT PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x) FROM t",
    ),
    (
        "select date_diff('month', a, b) from t",
        "SELECT TIMESTAMPDIFF(MONTH, DATE_TRUNC('MONTH', a), DATE_TRUNC('MONTH', b)) FROM t",
    ),
    ("select date_diff('week', a, b) from t", "SELECT TIMESTAMPDIFF(WEEK, a, b) FROM t"),
    ("select a / 2 from t", "SELECT CAST(a AS DOUBLE) / 2 FROM t"),
    (
        "select a / b from t",
        "SELECT CASE WHEN b = 0 THEN a * CAST('Infinity' AS DOUBLE) "
        "ELSE CAST(a AS DOUBLE) / b END FROM t",
    ),
    (
        "select regexp_replace(s, '(a)', '<\\1>') from t",
        "SELECT REGEXP_REPLACE(s, CONCAT('^(?s:(.*?))(?:', '(a)', ')'), '$1<$2>') FROM t",
    ),
    (
        "select regexp_replace(s, 'a', '$', 'g') from t",
        "SELECT REGEXP_REPLACE(s, 'a', '\\\\$') FROM t",
    ),
    ("select dayofweek(d) from t", "SELECT (DAYOFWEEK(d) - 1) FROM t"),
    ("select strlen(s), len([1, 2]) from t", "SELECT OCTET_LENGTH(s), SIZE(ARRAY(1, 2)) FROM t"),
    (
        "with a as not materialized (select * from t) select * from a",
        "WITH a AS (SELECT * FROM t) SELECT * FROM a",
    ),
    (
        "select * from t qualify row_number() over (partition by k order by v) = 1",
        "SELECT * EXCEPT (_w) FROM (SELECT *, ROW_NUMBER() OVER "
        "(PARTITION BY k ORDER BY v NULLS LAST) AS _w FROM t) AS _t WHERE _w = 1",
    ),
]


@pytest.mark.parametrize(("duckdb", "spark"), GOLDEN)
def test_golden(duckdb: str, spark: str) -> None:
    assert sqlglot.parse_one(duckdb, read="duckdb").sql(dialect=MopsSpark) == spark


def test_rows_compare_within_one_relative_tolerance() -> None:
    assert RELATIVE_TOLERANCE == 1e-9
    assert differences([(1, 2 / 3)], [(1.0, 0.6666666666666667 * (1 + 1e-12))]) == []
    assert differences([(1, 2 / 3)], [(1, 0.666667)]) != []
    assert differences([("a", None), ("b", 1)], [("b", 1.0), ("a", None)]) == []
    assert differences([(float("nan"),)], [(float("nan"),)]) == []
    assert differences([(1,)], [(1,), (1,)]) == ["1 rows != 2 rows"]


def test_union_by_name_and_star_replace_expand_from_the_catalog_columns() -> None:
    from pipeline.engine.spark.expand import expand, needs_schema

    query = sqlglot.parse_one(
        "with a as (select * from raw.t), b as (select 1 as z, k from raw.u) "
        "select * replace (x + 1 as x) from a union all by name select * from b",
        read="duckdb",
    )
    columns = {("raw", "t"): {"k": "int", "x": "int"}, ("raw", "u"): {"k": "int"}}
    assert needs_schema(query)
    expanded = expand(query, lambda schema, name: columns[(schema, name)])
    assert not needs_schema(expanded)
    assert expanded.sql(dialect=MopsSpark) == (
        "WITH a AS (SELECT t.k AS k, t.x AS x FROM raw.t AS t), "
        "b AS (SELECT 1 AS z, u.k AS k FROM raw.u AS u) "
        "SELECT _by_name_l.k, _by_name_l.x, NULL AS z "
        "FROM (SELECT a.k AS k, a.x + 1 AS x FROM a AS a) AS _by_name_l "
        "UNION ALL SELECT _by_name_r.k, NULL AS x, _by_name_r.z "
        "FROM (SELECT b.z AS z, b.k AS k FROM b AS b) AS _by_name_r"
    )

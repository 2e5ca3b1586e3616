"""Comparing rows from DuckDB and Spark: one tolerance, one normal form of values.

Numbers compare within `RELATIVE_TOLERANCE` (DECIMAL on one engine may be DOUBLE on the
other); NaN equals NaN; lists, structs and rows compare element by element.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

RELATIVE_TOLERANCE = 1e-9


def normal(value: Any) -> Any:
    """A value as plain Python: numbers as float, rows and lists as tuples, dicts sorted."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dict):
        return tuple(sorted((k, normal(v)) for k, v in value.items()))
    if hasattr(value, "asDict"):
        return tuple(normal(v) for v in value)
    if isinstance(value, (list, tuple)):
        return tuple(normal(v) for v in value)
    return value


def same(left: Any, right: Any) -> bool:
    """Whether two normal values are equal (numbers within the tolerance)."""
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, str(type(v)), repr(v)) for v in row)


def sorted_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows in normal form, in a fixed order (tables have no order)."""
    return sorted((tuple(normal(v) for v in row) for row in rows), key=_key)


def differences(
    left: Iterable[Sequence[Any]], right: Iterable[Sequence[Any]], *, limit: int = 5
) -> list[str]:
    """The first `limit` rows that differ, as text; empty when the row sets are equal."""
    a, b = sorted_rows(left), sorted_rows(right)
    if len(a) != len(b):
        return [f"{len(a)} rows != {len(b)} rows"]
    found = [f"{x!r} != {y!r}" for x, y in zip(a, b, strict=True) if not same(x, y)]
    return found[:limit]


def compare_relation(con: Any, spark: Any, schema: str, name: str) -> list[str]:
    """How `schema.name` differs between a DuckDB connection and a Spark session (columns by
    name, then rows); empty when equal."""
    duck = con.execute(f'select * from "{schema}"."{name}"')
    duck_columns = [d[0] for d in duck.description]
    duck_rows = duck.fetchall()
    frame = spark.table(f"`{schema}`.`{name}`")
    if [c.lower() for c in frame.columns] != [c.lower() for c in duck_columns]:
        return [f"columns {duck_columns} != {frame.columns}"]
    return differences(duck_rows, [tuple(row) for row in frame.collect()])

"""DuckDB values as JSON-friendly metadata (dates, decimals and lists included)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any


def jsonable(value: Any) -> Any:
    """A metadata-friendly copy of a DuckDB value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)

"""Email validity follows the address syntax, the same in the SQL models and the Pandera check."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from checks.schemas import EMAIL_PATTERN
from models.macros.people import is_valid_email

ADDRESSES = [
    ("ann@example.com", True),
    ("ann.lee+webinar@mail.example.co.uk", True),
    ("o'brien@example.ie", True),
    ("x_y-z@sub-domain.example.org", True),
    ("info@xn--bcher-kva.de", True),  # punycode of bücher.de
    ("anna@bücher.de", True),  # an internationalised domain
    ("иван@пример.рф", True),  # an internationalised address
    ("ann@example.museum", True),
    ("b.levy@expressl&t.net", False),  # `&` is not allowed in a domain
    ("ann@example", False),  # no dot in the domain
    ("ann@@example.com", False),
    ("ann at example.com", False),
    ("ann..lee@example.com", False),  # consecutive dots
    (".ann@example.com", False),
    ("ann.@example.com", False),
    ("ann@-example.com", False),  # a label starts with a hyphen
    ("ann@example-.com", False),  # ... or ends with one
    ("ann@example..com", False),
    ("ann@example.com.", False),
    ("ann@example.123", False),  # the top label starts with a letter
    ("ann@exa mple.com", False),
    ("ann@", False),
    ("@example.com", False),
    ("ann@" + "a" * 64 + ".com", False),  # a label of 64 characters
    ("a" * 65 + "@example.com", False),  # a local part over 64 characters
]


@pytest.mark.parametrize(("address", "valid"), ADDRESSES)
def test_the_sql_models_read_validity_from_the_syntax(address: str, valid: bool) -> None:
    con = duckdb.connect()
    found = con.execute(f"select {is_valid_email('e')} from (select ?::varchar as e)", [address])
    assert found.fetchall() == [(valid,)]


@pytest.mark.parametrize(("address", "valid"), [a for a in ADDRESSES if len(a[0]) < 64])
def test_the_pandera_check_uses_the_same_syntax(address: str, valid: bool) -> None:
    found = pl.Series([address]).str.contains(EMAIL_PATTERN).item()
    assert found is valid


def test_null_is_not_valid() -> None:
    found = duckdb.connect().execute(f"select {is_valid_email('null::varchar')}")
    assert found.fetchall() == [(False,)]

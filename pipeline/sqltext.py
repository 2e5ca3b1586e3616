"""SQL text for DuckDB: quoted identifiers and string literals, the one place both are spelled.

Every layer (ingest, engine, publish) writes SQL through these two functions, so an identifier
is never quoted as a literal or the other way round.
"""

from __future__ import annotations


def identifier(name: str) -> str:
    """`name` as a DuckDB quoted identifier: `"a""b"` for `a"b`."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: object) -> str:
    """`text` as a DuckDB string literal: `'it''s'` for `it's`."""
    return "'" + str(text).replace("'", "''") + "'"


def qualified(schema: str, name: str) -> str:
    """`"schema"."name"`."""
    return f"{identifier(schema)}.{identifier(name)}"

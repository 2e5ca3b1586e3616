"""Macros for people models: email normalisation (trim, Unicode NFKC, lower-case).

DuckDB has `nfc_normalize` but no NFKC. NFKC = NFC plus the compatibility mappings; for email
addresses the mappings that matter turn look-alike characters into ASCII (full-width `ｉｎｆｏ`,
mathematical letters, super/subscript digits, no-break and other spaces). `normalise_email`
applies NFC and then every single-character compatibility mapping whose NFKC form is one ASCII
character (about 1,100 code points, computed here from Python's Unicode database) with
`translate`. Multi-character expansions (ligatures such as `ﬁ` -> `fi`) are not applied: they
do not occur in real addresses. Pure-ASCII values (byte length = character length) skip the
Unicode work, so the cost on real data is a length comparison per row.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from pipeline.emails import EMAIL_PATTERN, MAX_LENGTH, MAX_LOCAL_LENGTH
from pipeline.sqltext import literal as _literal


@cache
def _compatibility_map() -> tuple[str, str]:
    sources: list[str] = []
    targets: list[str] = []
    for code in range(0x80, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded.isascii() and folded != char:
            sources.append(char)
            targets.append(folded)
    return "".join(sources), "".join(targets)


def normalise_email(column: str) -> str:
    """SQL: `column` trimmed, NFKC-normalised (see module doc) and lower-cased; '' -> null."""
    sources, targets = _compatibility_map()
    value = f"trim(cast({column} as varchar))"
    unicode_value = (
        f"trim(translate(nfc_normalize({value}), {_literal(sources)}, {_literal(targets)}))"
    )
    return (
        f"nullif(lower(case when strlen({value}) = length({value}) then {value} "
        f"else {unicode_value} end), '')"
    )


def is_valid_email(normalised: str) -> str:
    """SQL: true when a normalised email follows the address syntax (`pipeline/emails.py`):
    a dot-atom local part of at most 64 characters, a domain of LDH or internationalised labels
    with a dot, 254 characters at most; false when null."""
    return (
        f"coalesce(regexp_full_match({normalised}, {_literal(EMAIL_PATTERN)}) "
        f"and length({normalised}) <= {MAX_LENGTH} "
        f"and length(split_part({normalised}, '@', 1)) <= {MAX_LOCAL_LENGTH}, false)"
    )


def email_local_part(normalised: str) -> str:
    """SQL: the local part of a normalised email without a `+tag` (`info+x@a.com` -> `info`)."""
    return f"split_part(split_part({normalised}, '@', 1), '+', 1)"

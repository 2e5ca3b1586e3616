"""SQL that types one VARCHAR value as a logical type, the way real exports spell values.

Every function takes a SQL expression over VARCHAR that is already NULL for empty strings and
the literal `null` (see `null_if_empty`), and returns a typed SQL expression that is NULL when
the text cannot be read. The loader quarantines a row when its text is not NULL but its typed
value is.

Each reader tries the spelling exports use almost always (`12`, `2026-02-23T20:55:00Z`) with one
plain cast first and falls back to the general reading only for the rows that cast missed
(`_fast_then`): the general readings (trim, replace, a regular expression, a time-zone-aware
cast) cost 4-10x the plain cast per value.
"""

from __future__ import annotations

from pipeline.ingest.conventions import DateOrder, DecimalSeparator
from pipeline.ingest.objects import LogicalType
from pipeline.sqltext import literal as quote

NULL_TOKENS = ("", "null", "NULL", "Null", "N/A", "n/a", "#N/A")
_NULL_PATTERN = r"\s*(" + "|".join(t for t in NULL_TOKENS if t) + r")?\s*"

# Money keeps the places platforms send: micros (6 places) exactly. A value with more places is
# quarantined, never rounded.
DECIMAL_PLACES = 6

# Kinds whose reading depends on how the whole file spells the column (`spellings.py`): the plain
# reading below takes the spelling that means one thing in every file, the rest waits for the
# file's decision.
SPELLED_KINDS: frozenset[LogicalType] = frozenset({"date", "timestamp", "decimal", "double"})

SQL_TYPES: dict[LogicalType, str] = {
    "text": "varchar",
    "id": "varchar",
    "bool": "boolean",
    "int": "bigint",
    "decimal": f"decimal(18, {DECIMAL_PLACES})",
    "double": "double",
    "date": "date",
    "timestamp": "timestamp",
    "json": "json",
}


def null_if_empty(raw: str) -> str:
    """Blank cells and the literal `null` (and `N/A`) are missing values."""
    # One regular expression per column: DuckDB's optimizer takes time quadratic in the number of
    # `case ... in (...)` expressions (30 s for a 368-column Salesforce export), not in this.
    return f"if(regexp_full_match({raw}, {quote(_NULL_PATTERN)}), null, {raw})"


def _fast_then(fast: str, general: str) -> str:
    """`fast` is a plain cast that reads the common spelling exactly as `general` would and is
    NULL for any other text; `coalesce` evaluates `general` only on the rows left NULL."""
    return f"coalesce({fast}, {general})"


# ISO timestamps in UTC as Marketo (`Z`) and Salesforce (`.000+0000`) write them; a plain
# TIMESTAMP cast reads these exactly (it would drop any other offset, so only these go to it).
_UTC_ISO_PATTERNS = (
    "____-__-__T__:__:__Z",
    "____-__-__T__:__:__.___Z",
    "____-__-__T__:__:__+0000",
    "____-__-__T__:__:__.___+0000",
)


def _number_text(value: str) -> str:
    """`1,234` and ` 12 ` -> `1234` / `12` (thousands separators, padding)."""
    return f"replace(trim({value}), ',', '')"


def parse_bool(value: str) -> str:
    # Salesforce writes `1`/empty: a missing boolean is false, never NULL.
    fast = f"(case {value} when 'true' then true when 'false' then false end)"
    return _fast_then(
        fast,
        f"(case when {value} is null then false "
        f"when lower(trim({value})) in ('true', 't', '1', 'yes', 'y') then true "
        f"when lower(trim({value})) in ('false', 'f', '0', 'no', 'n', '') then false end)",
    )


def parse_int(value: str) -> str:
    """Whole numbers only: `12.0` reads as 12, `12.5` is not an integer (DuckDB would round)."""
    text = _number_text(value)
    # The plain cast rounds `12.5` and reads `1e3`: only a value it writes back unchanged is
    # taken from it.
    plain = f"try_cast({value} as bigint)"
    return _fast_then(
        f"(case when {plain}::varchar = {value} then {plain} end)",
        f"(case when regexp_full_match({text}, '[+-]?[0-9]+(\\.0*)?') "
        f"then try_cast(try_cast({text} as decimal(38, 1)) as bigint) end)",
    )


def plain_reading(value: str, kind: LogicalType) -> str:
    """The reading of a spelled kind that needs no decision, NULL for every other spelling.

    Dates: ISO only (a plain cast reads `02/03/24` as the year 2). Timestamps: ISO in UTC as
    Marketo (`Z`) and Salesforce (`.000+0000`) write them. Numbers: digits with an optional `.`
    and up to the scale's places, except exactly three places (`1.234` is 1234 where `,` is the
    decimal separator)."""
    if kind == "date":
        return f"(case when {value} like '____-__-__' then try_cast({value} as date) end)"
    if kind == "timestamp":
        utc_iso = " or ".join(f"{value} like {quote(p)}" for p in _UTC_ISO_PATTERNS)
        return f"(case when {utc_iso} then try_cast({value} as timestamp) end)"
    places = f"length({value}) - strpos({value}, '.')"
    return (
        f"(case when strpos({value}, '.') = 0 or ({places} between 1 and {DECIMAL_PLACES} "
        f"and {places} <> 3) then try_cast({value} as {SQL_TYPES[kind]}) end)"
    )


# Date spellings besides ISO: `M/D/YY[YY]` or `D/M/YY[YY]` and `D.M.YYYY`, each with an optional
# 12- or 24-hour time. A two-digit year is always `%y` (`24` is 2024, never the year 24).
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
ISO_DATETIME = (
    ISO_DATE
    + r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|Z\+0000|[+-][0-9]{2}:?[0-9]{2}| ?UTC)?)?"
)
_TIME = r"( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp][Mm])?)?"
SLASH_DATE = r"[0-9]{1,2}/[0-9]{1,2}/([0-9]{2}|[0-9]{4})" + _TIME
DOT_DATE = r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}" + _TIME
_TIMES = ("", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p", " %H:%M", " %H:%M:%S")
_DATE_PARTS = {
    "month_first": ("%m/%d/%y", "%m/%d/%Y"),
    "day_first": ("%d/%m/%y", "%d/%m/%Y"),
    "dot": ("%d.%m.%Y",),
}


def _formats(order: str) -> str:
    formats = [date + time for date in _DATE_PARTS[order] for time in _TIMES]
    return "[" + ", ".join(quote(f) for f in formats) + "]"


def _local_datetime(text: str, order: DateOrder) -> str:
    """A slash or dot date (and time) as written, or NULL."""
    return (
        f"(case when regexp_full_match({text}, {quote(SLASH_DATE)}) "
        f"then try_strptime({text}, {_formats(order)}) "
        f"when regexp_full_match({text}, {quote(DOT_DATE)}) "
        f"then try_strptime({text}, {_formats('dot')}) end)"
    )


def read_date(text: str, order: DateOrder) -> str:
    """A trimmed non-empty date text in any supported spelling; the date as written."""
    return (
        f"(case when regexp_full_match({text}, {quote(ISO_DATETIME)}) "
        f"then try_cast(left({text}, 10) as date) "
        f"else try_cast({_local_datetime(text, order)} as date) end)"
    )


def read_timestamp(text: str, order: DateOrder, report_timezone: str) -> str:
    """ISO with an offset (naive = UTC); a date alone, or a slash or dot date and time, in the
    report time zone. Stored as naive UTC."""
    zone = quote(report_timezone)
    return (
        f"(case when regexp_full_match({text}, {quote(ISO_DATE)}) "
        f"then try_cast(timezone({zone}, try_cast({text} as timestamp)) as timestamp) "
        f"when regexp_full_match({text}, {quote(ISO_DATETIME)}) "
        f"then try_cast(try_cast(replace({text}, 'Z+0000', 'Z') as timestamptz) as timestamp) "
        f"else try_cast(timezone({zone}, {_local_datetime(text, order)}) as timestamp) end)"
    )


# An amount: an optional sign or accounting parentheses, an optional currency symbol or ISO code
# before or after, and the digits with their separators.
_CURRENCY = r"([A-Z]{3}|[$€£¥₹]|US\$)"
AMOUNT = (
    r"^([+-])?\s*(\()?\s*"
    + _CURRENCY
    + r"?\s*([+-])?\s*([0-9][0-9.,]*|[.,][0-9]+)\s*"
    + _CURRENCY
    + r"?\s*(\))?$"
)
_AMOUNT_GROUPS = "['sign', 'open', 'before', 'sign2', 'body', 'after', 'close']"
GRAMMAR = {
    ".": r"[0-9]+(\.[0-9]+)?|[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?|\.[0-9]+",
    ",": r"[0-9]+(,[0-9]+)?|[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?|,[0-9]+",
}


def amount_parts(text: str) -> str:
    """The struct of an amount's parts; `body` is '' when the text is no amount."""
    return f"regexp_extract({text}, {quote(AMOUNT)}, {_AMOUNT_GROUPS})"


def amount_well_formed(parts: str) -> str:
    """One sign at most, parentheses paired and without a sign, one currency at most."""
    return (
        f"({parts}.body <> '' and ({parts}.open = '') = ({parts}.close = '') "
        f"and ({parts}.sign = '' or {parts}.sign2 = '') "
        f"and ({parts}.open = '' or ({parts}.sign = '' and {parts}.sign2 = '')) "
        f"and ({parts}.before = '' or {parts}.after = ''))"
    )


def read_amount(text: str, separator: DecimalSeparator, kind: LogicalType) -> str:
    """A trimmed non-empty amount with `separator` as the decimal separator; NULL when it does
    not fit that spelling or has more places than a decimal keeps."""
    # The parts are bound once through a one-element list's lambda: written out, each use would
    # repeat the regular expression (and the plan of a 40-currency ECB file would grow 7-fold).
    thousands = "," if separator == "." else "."
    digits = f"replace(replace(p.body, {quote(thousands)}, ''), {quote(separator)}, '.')"
    places = (
        f" and (strpos({digits}, '.') = 0 or length({digits}) - strpos({digits}, '.') "
        f"<= {DECIMAL_PLACES})"
        if kind == "decimal"
        else ""
    )
    negative = "(p.open = '(' or p.sign = '-' or p.sign2 = '-')"
    body = (
        f"case when {amount_well_formed('p')} "
        f"and regexp_full_match(p.body, {quote(GRAMMAR[separator])}){places} "
        f"then (case when {negative} then -1 else 1 end) * "
        f"try_cast({digits} as {SQL_TYPES[kind]}) end"
    )
    return f"list_transform([{amount_parts(text)}], lambda p: {body})[1]"


def read_plain_number(value: str, separator: DecimalSeparator, kind: LogicalType) -> str:
    """A number as DuckDB's cast reads it, with the decimal `separator`, no thousands separators
    or currency, and no more places than a decimal keeps: wide files of many numeric columns (ECB
    rates) write them so. The general amount reading for 40 columns took 0.5 s to plan."""
    text = value
    if separator == ",":
        text = f"replace({text}, ',', '.')"
    places = (
        f"strpos({text}, '.') = 0 or length({text}) - strpos({text}, '.') <= {DECIMAL_PLACES}"
        if kind == "decimal"
        else "true"
    )
    return f"(case when {places} then try_cast({text} as {SQL_TYPES[kind]}) end)"


def reading(
    text: str,
    kind: LogicalType,
    order: DateOrder,
    separator: DecimalSeparator,
    report_timezone: str,
) -> str:
    """The general reading of a spelled kind, once the file decided its spelling."""
    if kind == "date":
        return read_date(text, order)
    if kind == "timestamp":
        return read_timestamp(text, order, report_timezone)
    return read_amount(text, separator, kind)


def _typed_spelled(
    value: str,
    kind: LogicalType,
    report_timezone: str,
    order: DateOrder = "month_first",
    separator: DecimalSeparator = ".",
) -> str:
    """A spelled kind read alone, with a fixed date order and decimal separator."""
    text = f"nullif(trim({value}), '')"
    general = reading(text, kind, order, separator, report_timezone)
    return _fast_then(
        plain_reading(value, kind), f"(case when {text} is not null then {general} end)"
    )


def parse_json(value: str) -> str:
    return f"try_cast({value} as json)"


def parse_sfid(value: str) -> str:
    """Salesforce 15-character ids -> 18 characters (the suffix encodes the case of the first 15).

    Other values (18-character ids, hashed connector ids) pass through unchanged.
    """
    text = f"trim({value})"
    return _fast_then(
        f"(case when length({value}) = 18 and {value} not like ' %' and {value} not like '% ' "
        f"then {value} end)",
        f"(case when regexp_full_match({text}, '[a-zA-Z0-9]{{15}}') "
        f"then sfid18({text}) else {text} end)",
    )


def parse_text(value: str) -> str:
    return value


def nul_error(value: str, column: str) -> str:
    """The error struct of a text value holding NUL, else NULL.

    NUL in text means a file read in the wrong encoding (UTF-16 as UTF-8) or a broken export:
    the row is quarantined, not the character stripped. Other control characters are kept as
    sent: looking for a character class in every text value cost more than reading the file."""
    return (
        f"case when contains({value}, chr(0)) then "
        f"{{'column': {quote(column)}, 'reason': 'NUL character in text', 'value': "
        f"replace({value}, chr(0), '\\0')}} end"
    )


def blank(value: str) -> str:
    """SQL: `value` is missing or only white space (checked only when it starts with some)."""
    return f"({value} is null or (ascii({value}) <= 32 and regexp_full_match({value}, '\\s*')))"


def typed(
    value: str,
    kind: LogicalType,
    report_timezone: str = "UTC",
    order: DateOrder = "month_first",
    separator: DecimalSeparator = ".",
) -> str:
    """The SQL expression reading `value` (already null-normalised VARCHAR) as `kind`; a date or
    an amount alone, in `order` and with `separator` (a file decides them in `spellings.py`)."""
    if kind in SPELLED_KINDS:
        return _typed_spelled(value, kind, report_timezone, order, separator)
    return {
        "text": parse_text,
        "id": parse_sfid,
        "bool": parse_bool,
        "int": parse_int,
        "json": parse_json,
    }[kind](value)


# The checksum alphabet and the macro turning a 15-character Salesforce id into 18 characters.
SFID18_MACRO = """
create or replace macro sfid18(id) as id || list_reduce(
    list_transform([0, 1, 2], lambda chunk: substr(
        'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
        1 + list_sum(list_transform([0, 1, 2, 3, 4], lambda bit:
            case when ascii(substr(id, chunk * 5 + bit + 1, 1)) between 65 and 90
                 then (1 << bit) else 0 end))::bigint,
        1)),
    lambda acc, ch: acc || ch)
"""

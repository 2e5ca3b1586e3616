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

from pipeline.ingest.objects import LogicalType
from pipeline.sqltext import literal as quote

NULL_TOKENS = ("", "null", "NULL", "Null", "N/A", "n/a", "#N/A")
_NULL_PATTERN = r"\s*(" + "|".join(t for t in NULL_TOKENS if t) + r")?\s*"

# Report-style exports: `02/23/26 08:55 PM` in the exporting user's time zone.
# Two-digit years first: `%Y` would read `26` as the year 26.
_US_TIMESTAMP_FORMATS = (
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
)
_US_DATE_FORMATS = ("%m/%d/%y", "%m/%d/%Y")

SQL_TYPES: dict[LogicalType, str] = {
    "text": "varchar",
    "id": "varchar",
    "bool": "boolean",
    "int": "bigint",
    "decimal": "decimal(18, 4)",
    "double": "double",
    "date": "date",
    "timestamp": "timestamp",
    "json": "json",
}


def _format_list(formats: tuple[str, ...]) -> str:
    return "[" + ", ".join(quote(f) for f in formats) + "]"


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
    """`1,234.56` and ` 12 ` -> `1234.56` / `12` (thousands separators, padding)."""
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


def parse_decimal(value: str) -> str:
    return _fast_then(
        f"try_cast({value} as decimal(18, 4))",
        f"try_cast({_number_text(value)} as decimal(18, 4))",
    )


def parse_double(value: str) -> str:
    return _fast_then(f"try_cast({value} as double)", f"try_cast({_number_text(value)} as double)")


def parse_date(value: str) -> str:
    """Dates are calendar dates: a datetime's date part is taken as written, never shifted."""
    text = f"trim({value})"
    return _fast_then(
        f"try_cast({value} as date)",
        f"coalesce(try_cast({text} as date), "
        f"try_cast(try_strptime({text}, {_format_list(_US_DATE_FORMATS)}) as date), "
        f"try_cast(try_strptime({text}, {_format_list(_US_TIMESTAMP_FORMATS)}) as date), "
        f"try_cast(left({text}, 10) as date))",
    )


def parse_timestamp(value: str, report_timezone: str = "UTC") -> str:
    """ISO forms (`Z`, `+0000`, `+00:00`, ` UTC`, naive = UTC, Marketo's `Z+0000`) and
    US report style in `report_timezone`; stored as naive UTC."""
    text = f"replace(trim({value}), 'Z+0000', 'Z')"
    us_local = f"try_strptime(trim({value}), {_format_list(_US_TIMESTAMP_FORMATS)})"
    utc_iso = " or ".join(f"{value} like {quote(p)}" for p in _UTC_ISO_PATTERNS)
    return _fast_then(
        f"(case when {utc_iso} then try_cast({value} as timestamp) end)",
        f"coalesce(try_cast(try_cast({text} as timestamptz) as timestamp), "
        f"try_cast(timezone({quote(report_timezone)}, {us_local}) as timestamp))",
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


def typed(value: str, kind: LogicalType, report_timezone: str = "UTC") -> str:
    """The SQL expression reading `value` (already null-normalised VARCHAR) as `kind`."""
    if kind == "timestamp":
        return parse_timestamp(value, report_timezone)
    return {
        "text": parse_text,
        "id": parse_sfid,
        "bool": parse_bool,
        "int": parse_int,
        "decimal": parse_decimal,
        "double": parse_double,
        "date": parse_date,
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

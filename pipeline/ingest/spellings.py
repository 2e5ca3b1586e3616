"""Deciding once per file and column how its dates and amounts are spelled, in DuckDB.

The typing pass (`rows._typed_select`) reads every value that means one thing in any file with
one plain cast (ISO dates, UTC timestamps, `12.50`) and keeps the text of the others in a column
`_v<n>`. `settle` then counts, in one aggregate grouped by file, how those texts are spelled
(slash dates whose first part is over 12, `1.234,56`, ...), decides each file's date order and
decimal separator from its values (or the object's convention when no value tells), and rewrites
`_typed` reading each file's texts with its decision. Values that contradict the file's majority,
that could be read two ways in a file whose values disagree, or that fall outside the plausible
dates are quarantined with their reason. Files whose every value took the plain cast cost one
aggregate and no rewrite.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pipeline.ingest.conventions import Conventions
from pipeline.ingest.objects import LogicalType
from pipeline.ingest.parsing import (
    DECIMAL_PLACES,
    DOT_DATE,
    GRAMMAR,
    ISO_DATETIME,
    SLASH_DATE,
    amount_parts,
    amount_well_formed,
    reading,
)
from pipeline.sqltext import literal as quote

if TYPE_CHECKING:
    import duckdb

DATE_KINDS = ("date", "timestamp")
DecidedBy = Literal["values", "majority", "setting"]


@dataclass(frozen=True)
class Spelled:
    """A column of a spelled kind: its typed column in `_typed` and its deferred text."""

    name: str  # quoted identifier of the typed column
    label: str  # column name as logged
    kind: LogicalType
    text: str  # `_v<n>`: the trimmed text the plain cast did not read, else NULL


@dataclass(frozen=True)
class Decision:
    """One file's reading of one column; `contradicted` when its values disagree."""

    choice: str  # month_first | day_first for dates, "." | "," for amounts
    decided_by: DecidedBy
    contradicted: bool


# --- counting ---------------------------------------------------------------------------------

_DATE_COUNTS = ("read", "plain", "deferred", "iso", "slash", "two_digit", "day_only", "month_only",
                "ambiguous", "dot")  # fmt: skip
_AMOUNT_COUNTS = ("read", "plain", "deferred", "dot_only", "comma_only", "ambiguous")


def _first(text: str) -> str:
    return f"try_cast(split_part({text}, '/', 1) as integer)"


def _second(text: str) -> str:
    return f"try_cast(split_part({text}, '/', 2) as integer)"


def _date_classes(v: str) -> dict[str, str]:
    slash = f"regexp_full_match({v}, {quote(SLASH_DATE)})"
    a, b = _first(v), _second(v)
    return {
        "iso": f"regexp_full_match({v}, {quote(ISO_DATETIME)})",
        "slash": slash,
        "two_digit": f"{slash} and regexp_full_match({v}, '[^/]*/[^/]*/[0-9]{{2}}( .*)?')",
        "day_only": f"{slash} and {a} > 12 and {b} <= 12",
        "month_only": f"{slash} and {b} > 12 and {a} <= 12",
        "ambiguous": f"{slash} and {a} <= 12 and {b} <= 12 and {a} <> {b}",
        "dot": f"regexp_full_match({v}, {quote(DOT_DATE)})",
    }


def _amount_classes(v: str) -> dict[str, str]:
    parts = amount_parts(v)
    well = amount_well_formed(parts)
    dot = f"regexp_full_match({parts}.body, {quote(GRAMMAR['.'])})"
    comma = f"regexp_full_match({parts}.body, {quote(GRAMMAR[','])})"
    plain = f"regexp_full_match({parts}.body, '[0-9]+')"
    return {
        "dot_only": f"{well} and {dot} and not {comma}",
        "comma_only": f"{well} and {comma} and not {dot}",
        "ambiguous": f"{well} and {dot} and {comma} and not {plain}",
    }


def _classes(column: Spelled) -> dict[str, str]:
    if column.kind in DATE_KINDS:
        return _date_classes(column.text)
    return _amount_classes(column.text)


def _plain_evidence(column: Spelled) -> str:
    """Plainly read values that already show a spelling: a fraction means `.` was decimal."""
    if column.kind in DATE_KINDS:
        return f"{column.name} is not null"
    return f"{column.name} <> trunc({column.name})"


def _count_sql(columns: Sequence[Spelled], waiting: bool) -> str:
    """Per file: values read, and when texts wait (`waiting`), how they are spelled."""
    aggregates = []
    for n, column in enumerate(columns):
        aggregates.append(f"count({column.name}) as c{n}_read")
        aggregates.append(f"count({column.text}) as c{n}_deferred")
        if not waiting:
            continue
        aggregates.append(f"count_if({_plain_evidence(column)}) as c{n}_plain")
        for key, condition in _classes(column).items():
            aggregates.append(f"count_if({column.text} is not null and {condition}) as c{n}_{key}")
    return f"select _path, {', '.join(aggregates)} from _typed group by _path"


# --- deciding ---------------------------------------------------------------------------------


def _majority(one: int, other: int, names: tuple[str, str], setting: str) -> Decision:
    if one and other:
        winner = names[0] if one > other else names[1] if other > one else setting
        return Decision(winner, "majority", True)
    if one:
        return Decision(names[0], "values", False)
    if other:
        return Decision(names[1], "values", False)
    return Decision(setting, "setting", False)


def decide(kind: LogicalType, counts: dict[str, int], conventions: Conventions) -> Decision:
    if kind in DATE_KINDS:
        decision = _majority(
            counts["day_only"], counts["month_only"], ("day_first", "month_first"),
            conventions.date_order,
        )  # fmt: skip
        if decision.decided_by == "setting" and not counts["ambiguous"]:
            return Decision(decision.choice, "values", False)
        return decision
    decision = _majority(
        counts["plain"] + counts["dot_only"], counts["comma_only"], (".", ","),
        conventions.decimal_separator,
    )  # fmt: skip
    if decision.decided_by == "setting" and not counts["ambiguous"]:
        return Decision(decision.choice, "values", False)
    return decision


def _date_spelling(counts: dict[str, int], order: str) -> list[str]:
    spellings = []
    if counts["plain"] or counts["iso"]:
        spellings.append("ISO 8601")
    if counts["slash"]:
        shape = "M/D/" if order == "month_first" else "D/M/"
        two, four = counts["two_digit"], counts["slash"] - counts["two_digit"]
        spellings.append(shape + ("YY[YY]" if two and four else "YY" if two else "YYYY"))
    if counts["dot"]:
        spellings.append("D.M.YYYY")
    return spellings


def format_record(kind: LogicalType, counts: dict[str, int], decision: Decision) -> dict[str, Any]:
    """What `meta.load_log.formats` says of one column of one file."""
    record: dict[str, Any]
    if kind in DATE_KINDS:
        record = {"spelling": _date_spelling(counts, decision.choice)}
        if counts["slash"]:
            record["order"] = decision.choice
    else:
        record = {"decimal_separator": decision.choice}
    record["decided_by"] = decision.decided_by
    if decision.contradicted:
        record["contradicting_values"] = True
    return record


# --- reading ----------------------------------------------------------------------------------


def _contradiction(column: Spelled, decision: Decision) -> tuple[str, str] | None:
    """(condition, reason) of a deferred value that a contradicted file cannot read."""
    if not decision.contradicted:
        return None
    classes = _classes(column)
    if column.kind in DATE_KINDS:
        loser = "month_first" if decision.choice == "day_first" else "day_first"
        only = classes["day_only" if loser == "day_first" else "month_only"]
        words = {"day_first": "day first", "month_first": "month first"}
        return (
            f"({only}) or ({classes['ambiguous']})",
            f"case when {only} then "
            f"{quote(f'only readable {words[loser]}, but most dates of this file are ')} || "
            f"{quote(words[decision.choice])} "
            "else 'could be read day first or month first, and this file''s dates disagree' end",
        )
    loser = "," if decision.choice == "." else "."
    only = classes["comma_only" if loser == "," else "dot_only"]
    return (
        f"({only}) or ({classes['ambiguous']})",
        f"case when {only} then "
        f"{quote(f'only readable with {loser!r} as decimal separator, but most amounts of ')}"
        f" || {quote(f'this file use {decision.choice!r}')} "
        "else 'could be read with either decimal separator, and this file uses both' end",
    )


def _read(column: Spelled, decision: Decision, conventions: Conventions) -> str:
    order = decision.choice if column.kind in DATE_KINDS else conventions.date_order
    separator = decision.choice if column.kind not in DATE_KINDS else "."
    value = reading(column.text, column.kind, order, separator, conventions.report_timezone)  # type: ignore[arg-type]
    contradiction = _contradiction(column, decision)
    if contradiction is None:
        return value
    return f"(case when {contradiction[0]} then null else {value} end)"


def _reason(column: Spelled, decision: Decision) -> str:
    general = quote(f"cannot read as {column.kind}")
    if column.kind == "decimal":
        general = (
            f"case when regexp_matches({column.text}, '[.,][0-9]{{{DECIMAL_PLACES + 1},}}') "
            f"then {quote(f'more than {DECIMAL_PLACES} decimal places (not rounded)')} "
            f"else {general} end"
        )
    contradiction = _contradiction(column, decision)
    if contradiction is None:
        return general
    return f"(case when {contradiction[0]} then {contradiction[1]} else {general} end)"


def _plain_contradiction(column: Spelled, decision: Decision) -> str | None:
    """A plainly read fraction (`12.5`) in a file whose amounts mostly use a decimal comma."""
    if column.kind in DATE_KINDS or not decision.contradicted or decision.choice != ",":
        return None
    return (
        f"case when {column.text} is null and {_plain_evidence(column)} then "
        f"{{'column': {quote(column.label)}, 'reason': "
        f"'only readable with ''.'' as decimal separator, but most amounts of this file use "
        f"'','''', 'value': {column.name}::varchar}} end"
    )


def window_error(typed: str, label: str, kind: LogicalType, conventions: Conventions,
                 value: str) -> str:  # fmt: skip
    """The error struct of a date outside the plausible window, else NULL."""
    low, high = conventions.earliest.isoformat(), conventions.latest.isoformat()
    cast = "date" if kind == "date" else "timestamp"
    outside = (
        f"{typed} < {quote(low)}::{cast} or {typed} >= ({quote(high)}::date + 1)::{cast}"
        if kind == "timestamp"
        else f"{typed} < {quote(low)}::date or {typed} > {quote(high)}::date"
    )
    return (
        f"case when {outside} then {{'column': {quote(label)}, "
        f"'reason': {quote(f'outside the plausible dates {low}..{high}')}, "
        f"'value': {value}}} end"
    )


def _by_decision(paths: dict[Decision, list[str]], expression: Any) -> str:
    whens = " ".join(
        f"when _path in ({', '.join(quote(p) for p in files)}) then {expression(decision)}"
        for decision, files in paths.items()
    )
    return f"(case {whens} end)"


def settle(
    con: duckdb.DuckDBPyConnection, columns: Sequence[Spelled], conventions: Conventions
) -> dict[str, dict[str, Any]]:
    """Decide every file's spellings, retype `_typed` where texts wait for them; return the
    formats per file path (column label -> record)."""
    if not columns:
        return {}
    # Nearly every file is read by the plain casts alone: then counting values is enough.
    cursor = con.execute(_count_sql(columns, waiting=False))
    names = [d[0] for d in cursor.description or []]
    counted = cursor.fetchall()
    deferred = [i for i, name in enumerate(names) if name.endswith("_deferred")]
    waiting_texts = any(row[i] for row in counted for i in deferred)
    if waiting_texts:
        cursor = con.execute(_count_sql(columns, waiting=True))
        counted = cursor.fetchall()
    names = [d[0] for d in cursor.description or []]
    formats: dict[str, dict[str, Any]] = {}
    decisions: list[dict[Decision, list[str]]] = [{} for _ in columns]
    waiting = False
    for row in counted:
        found = dict(zip(names, row, strict=True))
        path = str(found["_path"])
        for n, column in enumerate(columns):
            keys = _DATE_COUNTS if column.kind in DATE_KINDS else _AMOUNT_COUNTS
            counts = {k: int(found.get(f"c{n}_{k}") or 0) for k in keys}
            if not waiting_texts:
                counts["plain"] = counts["read"]
            if not counts["read"] and not counts["deferred"]:
                continue
            decision = decide(column.kind, counts, conventions)
            formats.setdefault(path, {})[column.label] = format_record(
                column.kind, counts, decision
            )
            if counts["deferred"] or decision.contradicted:
                waiting = True
                decisions[n].setdefault(decision, []).append(path)
    if waiting:
        _retype(con, columns, decisions, conventions)
    return formats


def _retype(
    con: duckdb.DuckDBPyConnection,
    columns: Sequence[Spelled],
    decisions: list[dict[Decision, list[str]]],
    conventions: Conventions,
) -> None:
    late: list[str] = []
    replaced: list[str] = []
    errors: list[str] = []
    for n, (column, paths) in enumerate(zip(columns, decisions, strict=True)):
        if not paths:
            continue
        late.append(f"{_by_decision(paths, lambda d, c=column: _read(c, d, conventions))} as _n{n}")
        replaced.append(f"coalesce(_n{n}, {column.name}) as {column.name}")
        errors.append(
            f"case when {column.text} is not null and _n{n} is null then "
            f"{{'column': {quote(column.label)}, "
            f"'reason': {_by_decision(paths, lambda d, c=column: _reason(c, d))}, "
            f"'value': {column.text}}} end"
        )
        if column.kind in DATE_KINDS:
            errors.append(window_error(f"_n{n}", column.label, column.kind, conventions,
                                       column.text))  # fmt: skip
        plain = [(d, _plain_contradiction(column, d)) for d in paths]
        if any(sql for _, sql in plain):
            errors.append(
                _by_decision(
                    {d: paths[d] for d, sql in plain if sql},
                    lambda d, c=column: _plain_contradiction(c, d),
                )
            )
    dropped = ", ".join(f"_n{n}" for n, paths in enumerate(decisions) if paths)
    con.execute(
        f"""
        create temp table _typed_settled as
        with late as (select *, {", ".join(late)} from _typed)
        select * exclude ({dropped}) replace (
            {", ".join(replaced)},
            list_concat(_errors, list_filter([{", ".join(errors)}], lambda e: e is not null))
                as _errors)
        from late
        """
    )
    con.execute("drop table _typed")
    con.execute("alter table _typed_settled rename to _typed")


def formats_json(formats: dict[str, dict[str, Any]], path: str) -> str | None:
    found = formats.get(path)
    return json.dumps(found, sort_keys=True) if found else None

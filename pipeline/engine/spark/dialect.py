r"""`MopsSpark`: sqlglot's Spark dialect with DuckDB's meaning kept where the two engines differ.

Models are written in DuckDB SQL. sqlglot's stock DuckDB -> Spark transpilation accepts every
model, but some functions keep their name and change their meaning on Spark. Each override
below makes Spark return what DuckDB returns; `tests/spark/test_dialect.py` runs every one as
the same query on both engines.

DuckDB -> stock Spark output -> here:

- `list(x order by k)`, `array_agg`: `collect_list(x)` (no order, NULLs dropped) -> a list of
  (keys, x) structs sorted like DuckDB (NULL keys last unless `nulls first`), then the values.
- `string_agg(x, s order by k)`: `listagg` (Spark 4.0+) -> the same sorted list, joined.
- `quantile_cont(x, p)`, `quantile_disc`: `percentile_cont(x, p)` (an error) ->
  `percentile_cont(p) within group (order by x)`; `percentile_cont(p) within group (...)`:
  `percentile_approx` (approximate) -> kept exact.
- `date_diff('month', a, b)` counts boundaries crossed: whole units elapsed -> the difference of
  the values truncated to the unit (`week` is whole weeks on both).
- `a / b` is DOUBLE in DuckDB: DECIMAL rounded to 6 digits, an error on 0 -> DOUBLE, `x / 0` is
  +-inf or NaN as in DuckDB.
- `regexp_replace(s, p, r)` replaces the first match (all with `'g'`), groups as `\1`: every
  match, `\1` literal -> first match unless `'g'`, groups as `$1`.
- `regexp_full_match(s, p)`: unknown on Spark -> `s rlike '^(?:p)\z'`.
- `dayofweek(d)`, `extract(dow from d)` are 0-6 (Sunday 0): 1-7 -> `dayofweek(d) - 1`;
  `isodow(d)` (Monday 1 .. Sunday 7): Sunday as 2 -> `weekday(d) + 1`.
- `epoch(ts)`, `epoch(a - b)` are DOUBLE seconds: `unix_timestamp` (whole seconds, an error on
  an interval) -> microseconds / 1e6.
- `to_days(n)`: unknown on Spark -> `make_dt_interval(n)`.
- `format('{}-{}', a, b)`: `format_string` prints `{}` -> `format_string('%s-%s', a, b)`.
- `with x as not materialized (...)` (the engine's import CTEs): a syntax error -> no hint.
- `cast(unnest(list) as date)`: a generator inside an expression, an error ->
  `explode(transform(list, e -> cast(e as date)))`.
- `select * ... qualify w = 1`: the window column `_w` added to the output -> `* except (_w)`.
- `length(list)` (DuckDB's length takes lists too): an error -> `size()` where the argument is
  visibly a list; `strlen(s)` (bytes): unknown -> `octet_length(s)`.
- `nfc_normalize(s)`: unknown -> ICU4J's NFC (shipped with Spark 4) through `reflect`.
- `cast(x as json)`: no JSON type -> a string; `cast(x as json[])` -> `from_json(x,
  'array<string>')` (objects and numbers as JSON text; a string element loses its quotes);
  `json_type(x)`: unknown -> read from the text's first character; `j ->> ['$.a', '$.b']`
  (a list of paths) -> `array(get_json_object(j, '$.a'), ...)`.

Null ordering (DuckDB sorts NULLs last ascending) and timestamps without time zone (`timestamp`
is `timestamp_ntz`) are already handled by sqlglot; the session must also run in UTC with
`spark.sql.timestampType=TIMESTAMP_NTZ` (`session.SESSION_CONF`). What no override can
translate is rejected before a build by `lint.py`.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlglot import exp, transforms
from sqlglot.dialects.spark import Spark

_BOUNDARY_UNITS = frozenset({"YEAR", "QUARTER", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"})
_INFINITY = "CAST('Infinity' AS DOUBLE)"
_REGEX_FLAGS = {"i": "i", "s": "s", "m": "m"}


def _ordered_keys(generator: Any, order: exp.Order, value: str) -> tuple[str, str]:
    """The struct of sort keys and value, and the comparator sorting it like DuckDB."""
    keys = order.expressions
    fields = [f"{generator.sql(o.this)} AS k{i}" for i, o in enumerate(keys)]
    struct = f"NAMED_STRUCT({', '.join(_named(f) for f in [*fields, f'{value} AS v'])})"
    comparator = "0"
    for i, ordered in reversed(list(enumerate(keys))):
        desc = bool(ordered.args.get("desc"))
        nulls_first = bool(ordered.args.get("nulls_first"))
        less, more = ("1", "-1") if desc else ("-1", "1")
        null_l, null_r = ("-1", "1") if nulls_first else ("1", "-1")
        left, right = f"l.k{i}", f"r.k{i}"
        comparator = (
            f"CASE WHEN {left} IS NULL AND {right} IS NULL THEN {comparator} "
            f"WHEN {left} IS NULL THEN {null_l} WHEN {right} IS NULL THEN {null_r} "
            f"WHEN {left} < {right} THEN {less} WHEN {left} > {right} THEN {more} "
            f"ELSE {comparator} END"
        )
    return struct, f"(l, r) -> {comparator}"


def _named(field: str) -> str:
    value, _, name = field.rpartition(" AS ")
    return f"'{name}', {value}"


def _sorted_values(generator: Any, order: exp.Order) -> str:
    struct, comparator = _ordered_keys(generator, order, generator.sql(order.this))
    return f"TRANSFORM(ARRAY_SORT(COLLECT_LIST({struct}), {comparator}), e -> e.v)"


def _array_agg(generator: Any, expression: exp.ArrayAgg) -> str:
    inner = expression.this
    if isinstance(inner, exp.Order):
        return _sorted_values(generator, inner)
    # DuckDB keeps NULL elements, collect_list drops them: carry each value in a struct
    value = generator.sql(inner)
    return f"TRANSFORM(COLLECT_LIST(NAMED_STRUCT('v', {value})), e -> e.v)"


def _group_concat(generator: Any, expression: exp.GroupConcat) -> str:
    separator = generator.sql(expression, "separator") or "','"
    inner = expression.this
    if isinstance(inner, exp.Order):
        return f"ARRAY_JOIN({_sorted_values(generator, inner)}, {separator})"
    return f"ARRAY_JOIN(COLLECT_LIST({generator.sql(inner)}), {separator})"


def _percentile(name: str) -> Any:
    def generate(generator: Any, expression: exp.Expr) -> str:
        fraction = expression.args.get("expression")
        if fraction is None:  # already `percentile_cont(p) within group (order by x)`
            return str(generator.func(name, expression.this))
        return (
            f"{name}({generator.sql(fraction)}) WITHIN GROUP "
            f"(ORDER BY {generator.sql(expression.this)})"
        )

    return generate


def _within_group(generator: Any, expression: exp.WithinGroup) -> str:
    order = generator.sql(expression, "expression").strip()
    return f"{generator.sql(expression.this)} WITHIN GROUP ({order})"


def _date_diff(generator: Any, expression: exp.DateDiff) -> str:
    unit = (expression.text("unit") or "DAY").upper()
    start, end = generator.sql(expression.expression), generator.sql(expression.this)
    if unit in _BOUNDARY_UNITS and expression.args.get("date_part_boundary"):
        start, end = f"DATE_TRUNC('{unit}', {start})", f"DATE_TRUNC('{unit}', {end})"
    return f"TIMESTAMPDIFF({unit}, {start}, {end})"


def _div(generator: Any, expression: exp.Div) -> str:
    numerator, divisor = generator.sql(expression.this), generator.sql(expression.expression)
    if expression.args.get("typed"):  # integer division written as such elsewhere
        return f"{numerator} DIV {divisor}"
    quotient = f"CAST({numerator} AS DOUBLE) / {divisor}"
    literal = expression.expression
    if isinstance(literal, exp.Literal) and not literal.is_string and float(literal.this) != 0:
        return quotient
    return f"CASE WHEN {divisor} = 0 THEN {numerator} * {_INFINITY} ELSE {quotient} END"


def _java_replacement(text: str) -> str:
    """An RE2 replacement (`\\1`) as a Java one (`$1`, a literal `$` escaped)."""
    return re.sub(r"\\(\d)|\\\\|\$", _java_token, text)


def _java_token(match: re.Match[str]) -> str:
    if match.group(1):
        return f"${int(match.group(1))}"
    return "\\\\" if match.group(0) == "\\\\" else "\\$"


def _shift_groups(java: str) -> str:
    """`$N` as `$N+1`: the first-match form puts a group of its own in front of the author's."""
    return re.sub(r"(?<!\\)\$(\d)", lambda m: f"${int(m.group(1)) + 1}", java)


def _regexp_replace(generator: Any, expression: exp.RegexpReplace) -> str:
    modifiers = expression.args.get("modifiers")
    flags = modifiers.name if isinstance(modifiers, exp.Literal) else ""
    inline = "".join(_REGEX_FLAGS[f] for f in flags if f in _REGEX_FLAGS)
    subject, pattern = generator.sql(expression.this), generator.sql(expression.expression)
    replacement = expression.args.get("replacement")
    if isinstance(replacement, exp.Literal) and replacement.is_string:
        java = _java_replacement(replacement.name)
        everywhere = generator.sql(exp.Literal.string(java))
        first = generator.sql(exp.Literal.string("$1" + _shift_groups(java)))
    else:
        everywhere = generator.sql(replacement)
        first = f"CONCAT('$1', {everywhere})"
    if "g" in flags:
        if inline:
            pattern = f"CONCAT('(?{inline})', {pattern})"
        return f"REGEXP_REPLACE({subject}, {pattern}, {everywhere})"
    anchored = f"CONCAT('^(?s:(.*?))(?{inline}:', {pattern}, ')')"
    return f"REGEXP_REPLACE({subject}, {anchored}, {first})"


def _regexp_full_match(generator: Any, expression: exp.RegexpFullMatch) -> str:
    pattern = generator.sql(expression.expression)
    return f"{generator.sql(expression.this)} RLIKE CONCAT('^(?:', {pattern}, ')\\\\z')"


def _day_of_week(generator: Any, expression: exp.DayOfWeek) -> str:
    return f"(DAYOFWEEK({generator.sql(expression.this)}) - 1)"


def _day_of_week_iso(generator: Any, expression: exp.DayOfWeekIso) -> str:
    return f"(WEEKDAY({generator.sql(expression.this)}) + 1)"


def _extract(generator: Any, expression: exp.Extract) -> str:
    part = expression.name.upper()
    value = generator.sql(expression.expression)
    if part in ("DOW", "DAYOFWEEK"):
        return f"(DAYOFWEEK({value}) - 1)"
    if part in ("ISODOW",):
        return f"(WEEKDAY({value}) + 1)"
    if part == "EPOCH":
        return _epoch_of(generator, expression.expression)
    return f"EXTRACT({part} FROM {value})"


def _epoch_of(generator: Any, value: exp.Expr) -> str:
    if isinstance(value, exp.Sub):
        left, right = generator.sql(value.this), generator.sql(value.expression)
        return (
            f"((UNIX_MICROS(CAST({left} AS TIMESTAMP)) - UNIX_MICROS(CAST({right} AS TIMESTAMP)))"
            " / 1000000.0D)"
        )
    return f"(UNIX_MICROS(CAST({generator.sql(value)} AS TIMESTAMP)) / 1000000.0D)"


def _time_to_unix(generator: Any, expression: exp.TimeToUnix) -> str:
    return _epoch_of(generator, expression.this)


def _to_days(generator: Any, expression: exp.ToDays) -> str:
    return f"MAKE_DT_INTERVAL({generator.sql(expression.this)})"


def _eliminate_qualify(expression: exp.Expr) -> exp.Expr:
    """sqlglot's QUALIFY rewrite, minus the window columns it adds to a `select *`."""
    if not (isinstance(expression, exp.Select) and expression.args.get("qualify")):
        return expression
    star, kept = expression.is_star, len(expression.selects)
    rewritten = transforms.eliminate_qualify(expression)
    if not star or not isinstance(rewritten, exp.Select):
        return rewritten
    inner = rewritten.find(exp.Subquery)
    added = [e.alias_or_name for e in inner.this.selects[kept:]] if inner is not None else []
    if added:
        rewritten.set("expressions", [exp.Star(except_=[exp.column(name) for name in added])])
    return rewritten


_ELEMENT = "__mops_element"


def _hoist_explode(expression: exp.Expr) -> exp.Expr:
    """`f(unnest(list))` as `explode(transform(list, e -> f(e)))`: Spark allows a generator
    only at the top of a projection."""
    if not isinstance(expression, exp.Select):
        return expression
    for projection in expression.expressions:
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        found = [n for n in inner.find_all(exp.Explode) if type(n) is exp.Explode]
        if len(found) != 1 or found[0] is inner:
            continue
        array = found[0].this
        found[0].replace(exp.column(_ELEMENT))
        body = inner.copy()
        function = exp.Anonymous(
            this="TRANSFORM",
            expressions=[array, exp.Lambda(this=body, expressions=[exp.to_identifier(_ELEMENT)])],
        )
        inner.replace(exp.Explode(this=function))
    return expression


_ARRAYS = (exp.Array, exp.Split, exp.RegexpExtractAll, exp.ArrayAgg, exp.ArrayConcat)


def _length(generator: Any, expression: exp.Length) -> str:
    """`size` for what is visibly a list (DuckDB's length() takes both), else `length`."""
    value = expression.this
    candidates = [value, *value.expressions] if isinstance(value, exp.Coalesce) else [value]
    name = "SIZE" if any(isinstance(c, _ARRAYS) for c in candidates) else "LENGTH"
    return str(generator.func(name, value))


_RENAMED = {"strlen": "OCTET_LENGTH"}


def _nfc_normalize(generator: Any, value: exp.Expr) -> str:
    """NFC through the ICU4J that ships with Spark 4 (`reflect` fails on NULL: kept NULL)."""
    text = generator.sql(value)
    return (
        f"CASE WHEN {text} IS NULL THEN NULL "
        f"ELSE REFLECT('com.ibm.icu.text.Normalizer', 'compose', CAST({text} AS STRING), FALSE) END"
    )


def _anonymous(generator: Any, expression: exp.Anonymous) -> str:
    if expression.name.lower() == "nfc_normalize" and len(expression.expressions) == 1:
        return _nfc_normalize(generator, expression.expressions[0])
    name = _RENAMED.get(expression.name.lower())
    if name is None:
        return str(generator.anonymous_sql(expression))
    return str(generator.func(name, *expression.expressions))


def _is_json(data_type: exp.Expr | None) -> bool:
    return isinstance(data_type, exp.DataType) and data_type.this.name == "JSON"


def _cast(generator: Any, expression: exp.Cast) -> str:
    """`json` is text on Spark; a `json[]` cast parses the array, elements as JSON text."""
    target, value = expression.to, generator.sql(expression.this)
    if _is_json(target):
        return f"CAST({value} AS STRING)"
    if target.this.name == "ARRAY" and target.expressions and _is_json(target.expressions[0]):
        return f"FROM_JSON(CAST({value} AS STRING), 'ARRAY<STRING>')"
    return str(generator.cast_sql(expression))


def _json_type(generator: Any, expression: exp.JSONType) -> str:
    """DuckDB's `json_type` from the first character of the JSON text."""
    first = f"SUBSTR(LTRIM({generator.sql(expression.this)}), 1, 1)"
    text = generator.sql(expression.this)
    return (
        f"CASE WHEN {text} IS NULL THEN NULL WHEN {first} = '[' THEN 'ARRAY' "
        f"WHEN {first} = '{{' THEN 'OBJECT' WHEN {first} = '\"' THEN 'VARCHAR' "
        f"WHEN {first} IN ('t', 'f') THEN 'BOOLEAN' WHEN {first} = 'n' THEN 'NULL' "
        f"WHEN {text} RLIKE '[.eE]' THEN 'DOUBLE' WHEN {first} = '-' THEN 'BIGINT' "
        "ELSE 'UBIGINT' END"
    )


_STOCK_JSON_SCALAR = Spark.Generator.TRANSFORMS.get(exp.JSONExtractScalar)


def _json_extract_scalar(generator: Any, expression: exp.JSONExtractScalar) -> str:
    """`j ->> ['$.a', '$.b']` (a list of paths: a list of values) as `array(j ->> '$.a', ...)`."""
    import sqlglot

    paths = expression.expression
    if not isinstance(paths, exp.Array):
        if _STOCK_JSON_SCALAR is None:
            return str(generator.jsonextractscalar_sql(expression))
        return str(_STOCK_JSON_SCALAR(generator, expression))
    values = []
    for path in paths.expressions:
        single = sqlglot.parse_one(f"__json ->> {path.sql(dialect='duckdb')}", read="duckdb")
        single.set("this", expression.this.copy())
        values.append(generator.sql(single))
    return f"ARRAY({', '.join(values)})"


def _cte(generator: Any, expression: exp.CTE) -> str:
    """A CTE without DuckDB's `[not] materialized` hint (Spark plans CTEs itself)."""
    if expression.args.get("materialized") is None:
        return str(generator.cte_sql(expression))
    plain = expression.copy()
    plain.set("materialized", None)
    return str(generator.cte_sql(plain))


def _format(generator: Any, expression: exp.Format) -> str:
    template = expression.this
    if isinstance(template, exp.Literal) and template.is_string:
        text = template.name.replace("%", "%%").replace("{}", "%s")
        template = exp.Literal.string(text)
    return str(generator.func("FORMAT_STRING", template, *expression.expressions))


class MopsSpark(Spark):
    """Spark SQL that means what the DuckDB model means (see the module docstring)."""

    class Generator(Spark.Generator):  # type: ignore[valid-type,misc]
        TRANSFORMS: ClassVar[dict[type[exp.Expr], Any]] = {
            **Spark.Generator.TRANSFORMS,
            exp.ArrayAgg: _array_agg,
            exp.GroupConcat: _group_concat,
            exp.PercentileCont: _percentile("PERCENTILE_CONT"),
            exp.PercentileDisc: _percentile("PERCENTILE_DISC"),
            exp.DateDiff: _date_diff,
            exp.Div: _div,
            exp.RegexpReplace: _regexp_replace,
            exp.RegexpFullMatch: _regexp_full_match,
            exp.DayOfWeek: _day_of_week,
            exp.DayOfWeekIso: _day_of_week_iso,
            exp.WithinGroup: _within_group,
            exp.Extract: _extract,
            exp.TimeToUnix: _time_to_unix,
            exp.ToDays: _to_days,
            exp.Format: _format,
            exp.CTE: _cte,
            exp.Cast: _cast,
            exp.JSONType: _json_type,
            exp.JSONExtractScalar: _json_extract_scalar,
            exp.Length: _length,
            exp.Anonymous: _anonymous,
            exp.Select: transforms.preprocess(
                [
                    _hoist_explode,
                    _eliminate_qualify,
                    transforms.eliminate_distinct_on,
                    transforms.unnest_to_explode,
                    transforms.any_to_exists,
                ]
            ),
        }


def to_spark(query: exp.Expr) -> str:
    """Spark SQL for one parsed DuckDB query."""
    return str(query.sql(dialect=MopsSpark, pretty=True))


def transpile(sql: str) -> str:
    """Spark SQL for one DuckDB query."""
    import sqlglot

    return to_spark(sqlglot.parse_one(sql, read="duckdb"))

"""The Spark lint: DuckDB-only constructs that `MopsSpark` cannot translate, by file and line.

sqlglot transpiles every model without a complaint, even where Spark would run something else
or fail; this lint names what is known not to carry over, so a model fails before a build on
Spark rather than during it (or, worse, gives other numbers). Run it with
`python -m pipeline.engine.spark.lint [models_dir]`; the Spark runner runs it first.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.engine.errors import EngineError

if TYPE_CHECKING:
    from sqlglot import exp

    from pipeline.engine.model import Model
    from pipeline.engine.project import Project

# DuckDB functions with no Spark function of the same meaning, and what to write instead
DUCKDB_ONLY_FUNCTIONS = {
    "hash": "hash() differs per engine; use md5() or sha256() for a stable key",
    "list_transform": "use transform() through a macro, or unnest and aggregate",
    "list_filter": "use filter() through a macro, or unnest and filter",
    "list_reduce": "unnest and aggregate",
    "list_aggregate": "unnest and aggregate",
    "struct_pack": "use a named struct built column by column",
    "struct_extract": "use struct.field",
    "getvariable": "pass a project var ({{ var('name') }}) instead",
    "current_setting": "pass a project var ({{ var('name') }}) instead",
    "read_csv": "declare the file as a source loaded by ingest",
    "read_csv_auto": "declare the file as a source loaded by ingest",
    "read_parquet": "declare the file as a source loaded by ingest",
    "read_json": "declare the file as a source loaded by ingest",
    "read_json_auto": "declare the file as a source loaded by ingest",
    "time_bucket": "use date_trunc() or arithmetic on epoch()",
    "age": "use date_diff() per unit",
    "date_sub": "DuckDB's date_sub(part, a, b) differs from Spark's; use date_diff()",
    "jaro_winkler_similarity": "no Spark builtin; compute it in ingest",
    "damerau_levenshtein": "no Spark builtin; compute it in ingest",
    "printf": "use format('{}', ...)",
}
# sqlglot's names of DuckDB types with no Spark type -> the name a model spells
DUCKDB_ONLY_TYPES = {
    "INT128": "hugeint",
    "UINT128": "uhugeint",
    "UBIGINT": "ubigint",
    "UINT": "uinteger",
    "USMALLINT": "usmallint",
    "UTINYINT": "utinyint",
    "UNION": "union",
    "ENUM": "enum",
}
_REGEX_MODIFIERS = frozenset("gismc")


@dataclass(frozen=True)
class Finding:
    """One construct of one model that Spark cannot run as DuckDB does."""

    path: Path
    line: int | None
    construct: str
    hint: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.construct} is DuckDB-only on the Spark engine; {self.hint}"


class SparkLintError(EngineError):
    """Models use DuckDB-only constructs and `MOPS_ENGINE=spark` is configured."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        listed = "\n".join(f"  {finding}" for finding in findings)
        super().__init__(
            f"{len(findings)} construct(s) cannot run on Spark with DuckDB's meaning:\n{listed}\n"
            "Rewrite them as suggested (both engines then agree), or build these models with "
            "MOPS_ENGINE=duckdb."
        )


Check = Callable[["exp.Expr"], "tuple[str, str, str] | None"]


def _function(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if not isinstance(node, exp.Anonymous):
        return None
    name = node.name.lower()
    if name not in DUCKDB_ONLY_FUNCTIONS:
        return None
    return f"{name}()", rf"\b{re.escape(name)}\s*\(", DUCKDB_ONLY_FUNCTIONS[name]


def _asof(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if isinstance(node, exp.Join) and (node.args.get("method") or "").upper() == "ASOF":
        return (
            "asof join",
            r"\basof\b",
            "join on the key and keep the latest earlier row with row_number() (qualify = 1)",
        )
    return None


def _star(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if isinstance(node, exp.Star) and node.args.get("rename"):
        return ("* rename", r"\*\s*rename\b", "list the columns")
    if isinstance(node, exp.Columns):
        return ("columns(...)", r"\bcolumns\s*\(", "list the columns")
    return None


def _recursive_key(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if isinstance(node, exp.CTE) and node.args.get("key_expressions"):
        return (
            "recursive cte using key",
            r"\busing\s+key\b",
            "iterate a fixed number of times with joins, or compute it in DuckDB",
        )
    return None


def _type(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if not isinstance(node, exp.DataType):
        return None
    kind = node.this.name if hasattr(node.this, "name") else ""
    if kind in DUCKDB_ONLY_TYPES:
        name = DUCKDB_ONLY_TYPES[kind]
        return (f"type {name}", rf"\b{name}\b", "use bigint, decimal(38, 0) or varchar")
    return None


def _quantile_list(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if isinstance(node, (exp.PercentileCont, exp.PercentileDisc)) and isinstance(
        node.args.get("expression"), exp.Array
    ):
        return ("quantile of a list", r"\bquantile", "one quantile_cont(x, p) per fraction")
    return None


def _regexp(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if not isinstance(node, exp.RegexpReplace):
        return None
    modifiers = node.args.get("modifiers")
    if modifiers is not None and not (
        isinstance(modifiers, exp.Literal) and set(modifiers.name) <= _REGEX_MODIFIERS
    ):
        return (
            "regexp_replace options",
            r"\bregexp_replace\s*\(",
            "use only the options g, i, s, m and c, as a literal",
        )
    return None


def _slice(node: exp.Expr) -> tuple[str, str, str] | None:
    from sqlglot import exp

    if isinstance(node, exp.Slice):
        return ("list slice [a:b]", r"\[[^\]]*:[^\]]*\]", "use slice(list, start, length)")
    return None


CHECKS: tuple[Check, ...] = (
    _function,
    _asof,
    _star,
    _type,
    _quantile_list,
    _regexp,
    _slice,
    _recursive_key,
)


def findings_in(query: exp.Expr, path: Path, raw_sql: str) -> list[Finding]:
    """What `CHECKS` find in one parsed DuckDB query; lines from the model's template."""
    found: dict[tuple[str, int | None], Finding] = {}
    for node in query.walk():
        for check in CHECKS:
            hit = check(node)
            if hit is None:
                continue
            construct, pattern, hint = hit
            line = _line_of(raw_sql, pattern)
            found.setdefault((construct, line), Finding(path, line, construct, hint))
    return sorted(found.values(), key=lambda f: (f.line or 0, f.construct))


def _line_of(raw_sql: str, pattern: str) -> int | None:
    """The first template line matching `pattern`, outside `--` comments (None: a macro's)."""
    regex = re.compile(pattern, re.IGNORECASE)
    for number, text in enumerate(raw_sql.splitlines(), start=1):
        if regex.search(text.split("--", 1)[0]):
            return number
    return None


def lint_model(project: Project, model: Model) -> list[Finding]:
    """The DuckDB-only constructs in one model's compiled SQL."""
    from pipeline.engine.compile import compile_model, parse

    return findings_in(parse(compile_model(project, model)), model.path, model.raw_sql)


def lint_project(project: Project, names: Iterable[str] | None = None) -> list[Finding]:
    """The findings of every (or every named) non-ephemeral model, in build order."""
    chosen = set(project.order if names is None else names)
    found: list[Finding] = []
    for name in project.order:
        model = project.models[name]
        if name in chosen and not model.is_ephemeral:
            found.extend(lint_model(project, model))
    return found


def check_project(project: Project, names: Iterable[str] | None = None) -> None:
    """Raise `SparkLintError` listing every finding, if any."""
    found = lint_project(project, names)
    if found:
        raise SparkLintError(found)


def main(argv: list[str]) -> int:
    from pipeline.engine.project import load_project
    from pipeline.settings import Settings

    models_dir = Path(argv[0]) if argv else Settings.from_env().models_dir
    found = lint_project(load_project(models_dir))
    for finding in found:
        print(finding)
    print(f"{len(found)} DuckDB-only construct(s) in {models_dir}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Loading data tests: generic tests from model YAML and singular tests from `tests/*.sql`.

Generic, under a column's `tests:`/`data_tests:`: `unique`, `not_null`, `accepted_values`
(`values`, `quote`), `relationships` (`to: "ref('m')"` or `"source('s', 't')"`, `field`). Under
the model's own `data_tests:`: `unique_key` (`columns`, `allow_null_keys`, `list`) and `pandera`
(`schema`, `select` or `columns_matching`, `row_level`). Arguments flat or under `arguments:`;
`config: {severity, max_failing_rows, max_failing_rate, where, name, description}`. A singular
test (a query returning failing rows) becomes a check of the most downstream model it refs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline.engine.errors import ConfigError, UnknownRefError, UnknownSourceError
from pipeline.engine.model import DataTest, Model
from pipeline.engine.parse import parse_model
from pipeline.engine.render import Relation, ref_line
from pipeline.engine.yamlio import line_of

if TYPE_CHECKING:
    from pipeline.engine.project import Project

GENERIC_TESTS = ("unique", "not_null", "accepted_values", "relationships", "unique_key", "pandera")
MODEL_LEVEL = ("unique_key", "pandera")
"""Tests of the model as a whole: they need no column."""
SETTINGS = ("severity", "max_failing_rows", "max_failing_rate", "where", "name", "description")


class Judgement(NamedTuple):
    severity: str
    max_failing_rows: int
    max_failing_rate: float | None


def judgement(config: dict[str, Any], path: Path | None, line: int | None) -> Judgement:
    """Severity and thresholds of a test's `config`, checked."""
    severity = str(config.get("severity", "error")).lower()
    if severity not in ("error", "warn"):
        raise ConfigError(
            f"severity must be error or warn, got {severity!r}.", path=path, line=line
        )
    rows = config.get("max_failing_rows", 0)
    rate = config.get("max_failing_rate")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise ConfigError(
            f"max_failing_rows must be a whole number >= 0, got {rows!r}.", path=path, line=line
        )
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1
    ):
        raise ConfigError(
            f"max_failing_rate must be a share in [0, 1] (0.02 = 2%), got {rate!r}.",
            path=path,
            line=line,
        )
    return Judgement(severity, rows, None if rate is None else float(rate))


def _test_spec(raw: Any, path: Path | None, line: int | None) -> tuple[str, dict[str, Any]]:
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict) and len(raw) == 1:
        kind, args = next(iter(raw.items()))
        return kind, dict(args or {})
    raise ConfigError(
        f"cannot read test {raw!r}; write `- unique` or `- accepted_values: {{values: [...]}}`.",
        path=path,
        line=line,
    )


def model_tests(project: Project, model: Model, entry: dict[str, Any]) -> list[DataTest]:
    """The model's YAML tests (model- and column-level) from its YAML `entry`."""
    entry_tests: list[tuple[Any, str | None, int | None]] = []
    for raw in (entry.get("data_tests") or []) + (entry.get("tests") or []):
        entry_tests.append((raw, None, line_of(entry)))
    for column in entry.get("columns") or []:
        for raw in (column.get("data_tests") or []) + (column.get("tests") or []):
            entry_tests.append((raw, column["name"], line_of(column)))
    if entry_tests and model.is_ephemeral:
        raise ConfigError(
            f"model {model.name!r} is ephemeral (inlined, never built), so it cannot be tested; "
            "move the tests to a model that selects from it, or materialize it as a view.",
            path=model.yaml_path,
            line=entry_tests[0][2],
        )
    names: set[str] = set()
    return [
        _generic_test(project, model, raw, column, line, names) for raw, column, line in entry_tests
    ]


def _generic_test(
    project: Project,
    model: Model,
    raw: Any,
    column: str | None,
    line: int | None,
    names: set[str],
) -> DataTest:
    path = model.yaml_path
    kind, args = _test_spec(raw, path, line)
    if kind not in GENERIC_TESTS:
        raise ConfigError(
            f"unknown test {kind!r}; generic tests are {', '.join(GENERIC_TESTS)}, or write a "
            "singular test in models/tests/<name>.sql.",
            path=path,
            line=line,
        )
    test_config = {
        **args.pop("config", {}),
        **{k: args.pop(k) for k in SETTINGS if k in args},
    }
    args = {**args.pop("arguments", {}), **args}
    column = args.pop("column_name", column)
    if column is None and kind not in MODEL_LEVEL:
        raise ConfigError(
            f"test {kind!r} needs a column (put it under `columns:`).", path=path, line=line
        )
    judged = judgement(test_config, path, line)
    depends: tuple[str, ...] = ()
    if kind == "accepted_values" and not isinstance(args.get("values"), list):
        raise ConfigError("accepted_values needs `values: [...]`.", path=path, line=line)
    if kind == "relationships":
        depends = _relationship_target(project, model, args, path, line)
    if kind == "unique_key":
        _check_unique_key(args, path, line)
    if kind == "pandera":
        _check_pandera(args, path, line)
    base = test_config.get("name") or _default_name(kind, column, args)
    if kind == "relationships" and "name" not in test_config:
        base = f"{base}__{args['to_relation'].split('.')[-1]}"
    name, suffix = base, 2
    while name in names:
        name, suffix = f"{base}_{suffix}", suffix + 1
    names.add(name)
    return DataTest(
        name=name,
        kind=kind,  # type: ignore[arg-type]
        model=model.name,
        severity=judged.severity,  # type: ignore[arg-type]
        path=path or model.path,
        line=line,
        column=column,
        args=args,
        where=test_config.get("where"),
        depends_on=depends,
        description=test_config.get("description") or "",
        max_failing_rows=judged.max_failing_rows,
        max_failing_rate=judged.max_failing_rate,
        relation=model.relation,
    )


def _default_name(kind: str, column: str | None, args: dict[str, Any]) -> str:
    if kind == "unique_key":
        return "one_row_per_" + "_".join(args["columns"])
    if kind == "pandera":
        return f"pandera_{args['schema']}"
    return f"{kind}_{column}"


def _check_unique_key(args: dict[str, Any], path: Path | None, line: int | None) -> None:
    columns = args.get("columns")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        raise ConfigError(
            "unique_key needs `columns: [...]` (the key's columns, matched as one tuple).",
            path=path,
            line=line,
        )
    listed = args.get("list")
    if listed is not None and not isinstance(listed, str):
        raise ConfigError(
            "unique_key `list:` names one column whose values the sample lists per key.",
            path=path,
            line=line,
        )


def _check_pandera(args: dict[str, Any], path: Path | None, line: int | None) -> None:
    if not isinstance(args.get("schema"), str):
        raise ConfigError(
            "pandera needs `schema:` (a DataFrameModel name in the project's `test-schemas` "
            "module).",
            path=path,
            line=line,
        )
    if ("select" in args) == ("columns_matching" in args):
        raise ConfigError(
            "pandera needs one of `select:` (the columns read, a select list) or "
            "`columns_matching:` (a regular expression over the column names, read as DOUBLE).",
            path=path,
            line=line,
        )


def _relationship_target(
    project: Project, model: Model, args: dict[str, Any], path: Path | None, line: int | None
) -> tuple[str, ...]:
    target = str(args.get("to", ""))
    if "field" not in args:
        raise ConfigError(
            "relationships needs `field:` (the column in `to`).", path=path, line=line
        )
    ref_match = re.fullmatch(r"\s*ref\(\s*['\"](\w+)['\"]\s*\)\s*", target)
    source_match = re.fullmatch(
        r"\s*source\(\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]\s*\)\s*", target
    )
    if ref_match:
        name = ref_match.group(1)
        if name not in project.models:
            raise UnknownRefError(name, project.models, path=path or model.path, line=line)
        if project.models[name].is_ephemeral:
            raise ConfigError(
                f"relationships cannot test against ephemeral model {name!r}.", path=path, line=line
            )
        args["to_relation"] = str(project.relation(name))
        return (name,)
    if source_match:
        key = (source_match.group(1), source_match.group(2))
        if key not in project.sources:
            raise UnknownSourceError(
                *key, [f"{s}.{t}" for s, t in project.sources], path=path or model.path, line=line
            )
        args["to_relation"] = project.sources[key].relation
        return ()
    raise ConfigError(
        f"relationships `to:` must be \"ref('model')\" or \"source('s', 't')\", got {target!r}.",
        path=path,
        line=line,
    )


def singular_tests(project: Project, tests_dir: Path) -> list[DataTest]:
    if not tests_dir.is_dir():
        return []
    tests: list[DataTest] = []
    position = {name: i for i, name in enumerate(project.order)}
    for path in sorted(tests_dir.rglob("*.sql")):
        raw = path.read_text(encoding="utf-8")
        template = project.renderer.compile(raw, path)
        refs: list[str] = []

        def ref(
            name: str, _path: Path = path, _raw: str = raw, _refs: list[str] = refs
        ) -> Relation:
            if name not in project.models:
                raise UnknownRefError(name, project.models, path=_path, line=ref_line(_raw, name))
            _refs.append(name)
            return project.relation(name)

        rendered = project.renderer.render(
            template,
            raw,
            path=path,
            ref=ref,
            this=None,
            source_fn=project.source_relation,
        )
        parse_model(rendered.sql, path, raw)
        built = [r for r in dict.fromkeys(refs) if not project.models[r].is_ephemeral]
        if not built:
            raise ConfigError(
                "a singular test must ref() at least one non-ephemeral model; it becomes a "
                "check of the most downstream one.",
                path=path,
            )
        owner = max(built, key=position.__getitem__)
        judged = judgement(rendered.config, path, ref_line(raw, "severity"))
        tests.append(
            DataTest(
                name=path.stem,
                kind="singular",
                model=owner,
                severity=judged.severity,  # type: ignore[arg-type]
                path=path,
                line=1,
                template=template,
                args={"raw_sql": raw},
                depends_on=tuple(r for r in built if r != owner),
                description=rendered.config.get("description") or "",
                max_failing_rows=judged.max_failing_rows,
                max_failing_rate=judged.max_failing_rate,
                relation=project.models[owner].relation,
            )
        )
    return tests

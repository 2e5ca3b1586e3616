"""Loading a models folder into a checked `Project`, before anything runs.

Layout: `project.yml` (folder defaults + vars), `sources.yml`, `<folder>/<model>.sql` with YAML
beside it (any `*.yml` holding `models:`), `macros/*.py`, `tests/*.sql` (singular tests).
Load renders every template twice (once to learn refs and config, once with final relation
names), parses it with sqlglot and reports syntax errors, unknown refs, cycles and duplicate
names with the model's file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.engine import config as cfg
from pipeline.engine.errors import (
    ConfigError,
    CycleError,
    DuplicateModelError,
    ModelSyntaxError,
    UnknownRefError,
    UnknownSourceError,
)
from pipeline.engine.graph import Graph
from pipeline.engine.macros import load_macros
from pipeline.engine.model import ColumnDoc, DataTest, Model, SourceTable
from pipeline.engine.render import Relation, Rendered, Renderer, ref_line, source_line
from pipeline.engine.yamlio import line_of, read_yaml

if TYPE_CHECKING:
    from sqlglot import exp

PROJECT_FILE = "project.yml"
SPECIAL_DIRS = frozenset({"macros", "tests"})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Project:
    """A loaded, validated models folder. `order` is a topological order of all models."""

    root: Path
    models: dict[str, Model]
    sources: dict[tuple[str, str], SourceTable]
    vars: dict[str, Any]
    graph: Graph
    renderer: Renderer
    singular_tests: list[DataTest] = field(default_factory=list)

    @property
    def order(self) -> list[str]:
        return self.graph.order

    def tests_of(self, name: str) -> list[DataTest]:
        """YAML and singular tests attached to model `name`."""
        return self.models[name].tests + [t for t in self.singular_tests if t.model == name]

    def relation(self, name: str) -> Relation:
        """What `ref(name)` renders to: `schema.name`, or the CTE name of an ephemeral model."""
        model = self.models[name]
        if model.is_ephemeral:
            return Relation("", model.cte_name)
        return Relation(model.schema, model.name)

    def source_relation(self, source: str, table: str) -> Relation:
        """What `source(source, table)` renders to."""
        declared = self.sources[(source, table)]
        return Relation(declared.schema, declared.identifier)


def load_project(models_dir: Path | str, vars: Mapping[str, Any] | None = None) -> Project:
    """Load and check every model, source, test and macro under `models_dir`."""
    root = Path(models_dir).resolve()
    if not root.is_dir():
        raise ConfigError(
            "the models folder does not exist; set MOPS_MODELS_DIR or create it.", path=root
        )
    settings = _read_project_file(root / PROJECT_FILE)
    project_vars = {**(settings.get("vars") or {}), **(vars or {})}
    renderer = Renderer(load_macros(root / "macros"), project_vars)
    sql_files, yaml_files = _discover(root)
    models = _new_models(root, sql_files, renderer)
    sources: dict[tuple[str, str], SourceTable] = {}
    entries: dict[str, tuple[dict[str, Any], Path]] = {}
    for path in yaml_files:
        document = read_yaml(path) or {}
        if not isinstance(document, dict):
            raise ConfigError("expected a mapping with `models:` and/or `sources:`.", path=path)
        _read_sources(document.get("sources") or [], path, sources)
        _read_model_entries(document.get("models") or [], path, models, entries)

    tree = settings.get("models") or {}
    for model in models.values():
        entry, yaml_path = entries.get(model.name, ({}, None))
        _describe(model, entry, yaml_path)
        first = _render_first_pass(model, models, sources, renderer)
        levels = [*cfg.folder_defaults(tree, model.folder), entry.get("config") or {}, first]
        line = model.line_of("config(") if first else line_of(entry) if entry else None
        where = model.path if first or not yaml_path else yaml_path
        model.config = cfg.validate(cfg.merge(levels), path=where, line=line)
        _check_config(model, where, line)
    models = {name: m for name, m in models.items() if m.config.enabled}
    graph = _graph(models, root)
    project = Project(root, models, sources, project_vars, graph, renderer)
    for model in models.values():
        model.rendered_sql = render_model(project, model).sql
        model.ast = parse_model(model.rendered_sql, model.path, model.raw_sql)
        if model.materialized == "incremental" and "is_incremental" in model.raw_sql:
            parse_model(
                render_model(project, model, is_incremental=True).sql, model.path, model.raw_sql
            )
    from pipeline.engine.data_tests import model_tests, singular_tests

    for name, model in models.items():
        model.tests = model_tests(project, model, entries.get(name, ({}, None))[0])
    project.singular_tests = singular_tests(project, root / "tests")
    return project


def render_model(
    project: Project,
    model: Model,
    *,
    is_incremental: bool = False,
    vars: Mapping[str, Any] | None = None,
) -> Rendered:
    """Render `model` with final relation names."""
    renderer = project.renderer.with_vars(vars)
    return renderer.render(
        model.template,
        model.raw_sql,
        path=model.path,
        ref=project.relation,
        source_fn=project.source_relation,
        this=Relation(model.schema, model.name),
        is_incremental=is_incremental,
    )


def render_hooks(
    project: Project,
    model: Model,
    hooks: Sequence[str],
    *,
    is_incremental: bool = False,
    vars: Mapping[str, Any] | None = None,
) -> list[str]:
    """Render `model`'s pre- or post-hooks with its context, at build time; blank ones are
    dropped."""
    renderer = project.renderer.with_vars(vars)
    rendered = []
    for hook in hooks:
        result = renderer.render(
            renderer.compile(hook, model.path),
            hook,
            path=model.path,
            ref=project.relation,
            source_fn=project.source_relation,
            this=Relation(model.schema, model.name),
            is_incremental=is_incremental,
        )
        if result.sql.strip():  # a hook may render to nothing, e.g. outside is_incremental()
            rendered.append(result.sql)
    return rendered


def parse_model(sql: str, path: Path, raw_sql: str) -> exp.Expr:
    """Parse rendered SQL; exactly one query, else `ModelSyntaxError` at the source line."""
    import sqlglot
    from sqlglot import exp

    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as error:
        first = error.errors[0] if error.errors else {}
        rendered_line = first.get("line")
        raise ModelSyntaxError(
            f"SQL syntax error: {first.get('description', error)} near "
            f"{first.get('highlight', '')!r}; fix the SQL (run `mops compile` to see it rendered).",
            path=path,
            line=_source_line(sql, raw_sql, rendered_line),
        ) from None
    except sqlglot.errors.TokenError as error:
        raise ModelSyntaxError(f"SQL syntax error: {error}", path=path) from None
    if len(statements) != 1:
        raise ModelSyntaxError(
            f"a model is exactly one select statement, found {len(statements)}; mops creates "
            "the relation itself.",
            path=path,
        )
    statement = statements[0]
    if isinstance(statement, (exp.Create, exp.Insert, exp.Delete, exp.Update, exp.Drop)):
        raise ModelSyntaxError(
            f"a model is a select statement, not {statement.key.upper()}; mops creates the "
            "relation itself (set `materialized` in config).",
            path=path,
        )
    return statement


def _source_line(rendered: str, raw: str, rendered_line: int | None) -> int | None:
    """Map a rendered-SQL line to the template line (Jinja blocks may have removed lines)."""
    if not rendered_line:
        return None
    rendered_lines = rendered.splitlines()
    if rendered_line > len(rendered_lines):
        return rendered_line
    text = rendered_lines[rendered_line - 1].strip()
    raw_lines = raw.splitlines()
    for index in range(rendered_line - 1, len(raw_lines)):
        if raw_lines[index].strip() == text:
            return index + 1
    return rendered_line


def _read_project_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    settings = read_yaml(path) or {}
    if not isinstance(settings, dict):
        raise ConfigError("expected a mapping with `models:` and `vars:`.", path=path)
    unknown = set(settings) - {"name", "models", "vars", "version", "config-version"}
    if unknown:
        raise ConfigError(
            f"unknown keys {sorted(unknown)}; project.yml has `models:` (folder defaults) and "
            "`vars:`.",
            path=path,
        )
    return settings


def _discover(root: Path) -> tuple[list[Path], list[Path]]:
    sql_files: list[Path] = []
    yaml_files: list[Path] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if relative[0] in SPECIAL_DIRS or any(p.startswith(".") for p in relative):
            continue
        if path.suffix == ".sql":
            sql_files.append(path)
        elif path.suffix in (".yml", ".yaml") and path.name != PROJECT_FILE:
            yaml_files.append(path)
    return sql_files, yaml_files


def _new_models(root: Path, files: list[Path], renderer: Renderer) -> dict[str, Model]:
    models: dict[str, Model] = {}
    for path in files:
        name = path.stem
        if not _IDENTIFIER.match(name):
            raise ConfigError(
                f"model name {name!r} is not a plain identifier; rename the file to letters, "
                "digits and underscores (it becomes the table name).",
                path=path,
            )
        if name in models:
            raise DuplicateModelError(name, [models[name].path, path])
        raw = path.read_text(encoding="utf-8")
        models[name] = Model(
            name=name,
            path=path,
            rel_path=path.relative_to(root).as_posix(),
            folder=path.relative_to(root).parent.parts,
            raw_sql=raw,
            template=renderer.compile(raw, path),
        )
    return models


def _read_sources(
    entries: list[Any], path: Path, sources: dict[tuple[str, str], SourceTable]
) -> None:
    from pipeline.ingest.objects import snake_case

    for entry in entries:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError("each source needs a `name`.", path=path, line=line_of(entry))
        schema = entry.get("schema", "raw")
        for table in entry.get("tables") or []:
            if not isinstance(table, dict) or "name" not in table:
                raise ConfigError(
                    "each source table needs a `name`.",
                    path=path,
                    line=line_of(table) or line_of(entry),
                )
            key = (entry["name"], table["name"])
            if key in sources:
                raise ConfigError(
                    f"source {key} is declared twice.", path=path, line=line_of(table)
                )
            dagster_meta = (table.get("meta") or {}).get("dagster") or {}
            sources[key] = SourceTable(
                source=key[0],
                name=key[1],
                schema=str(table.get("schema") or schema),
                identifier=table.get("identifier") or f"{key[0]}__{snake_case(key[1])}",
                description=table.get("description") or "",
                asset_key=tuple(dagster_meta.get("asset_key") or ("raw", key[0], key[1])),
                columns=tuple(c["name"] for c in table.get("columns") or [] if "name" in c),
            )


def _read_model_entries(
    entries: list[Any],
    path: Path,
    models: dict[str, Model],
    seen: dict[str, tuple[dict[str, Any], Path]],
) -> None:
    for entry in entries:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(
                "each entry under `models:` needs a `name`.", path=path, line=line_of(entry)
            )
        name = entry["name"]
        if name not in models:
            raise UnknownRefError(name, models, path=path, line=line_of(entry))
        if name in seen:
            raise ConfigError(
                f"model {name!r} is described twice (also in {seen[name][1]}); keep one entry.",
                path=path,
                line=line_of(entry),
            )
        seen[name] = (entry, path)


def _describe(model: Model, entry: dict[str, Any], yaml_path: Path | None) -> None:
    model.yaml_path = yaml_path
    model.description = entry.get("description") or ""
    for column in entry.get("columns") or []:
        if not isinstance(column, dict) or "name" not in column:
            raise ConfigError(
                "each column needs a `name`.",
                path=yaml_path,
                line=line_of(column) or line_of(entry),
            )
        model.columns[column["name"]] = ColumnDoc(
            column["name"], column.get("description") or "", column.get("data_type")
        )


def _check_config(model: Model, path: Path, line: int | None) -> None:
    config = model.config
    if (
        config.materialized == "incremental"
        and config.strategy in ("merge", "delete+insert")
        and not config.key_columns
    ):
        raise ConfigError(
            f"incremental_strategy {config.strategy!r} needs `unique_key` (a column or a list "
            "of columns); set it, or use incremental_strategy='append'.",
            path=path,
            line=line,
        )
    for owner in config.owners:
        if "@" not in owner and not owner.startswith("team:"):
            raise ConfigError(
                f"owner {owner!r} must be an email address or 'team:<name>'.",
                path=path,
                line=line,
            )


def _render_first_pass(
    model: Model,
    models: Mapping[str, Model],
    sources: Mapping[tuple[str, str], SourceTable],
    renderer: Renderer,
) -> dict[str, Any]:
    """Render once to learn refs, sources and `config()`; unknown names fail here."""

    def ref(name: str) -> Relation:
        if name not in models:
            raise UnknownRefError(name, models, path=model.path, line=ref_line(model.raw_sql, name))
        return Relation("", name)

    def source(source_name: str, table: str) -> Relation:
        if (source_name, table) not in sources:
            raise UnknownSourceError(
                source_name,
                table,
                [f"{s}.{t}" for s, t in sources],
                path=model.path,
                line=source_line(model.raw_sql, source_name, table),
            )
        return Relation("", f"{source_name}__{table}")

    this = Relation("", model.name)
    first = renderer.render(
        model.template, model.raw_sql, path=model.path, ref=ref, source_fn=source, this=this
    )
    refs = list(first.refs)
    found_sources = list(first.sources)
    if "is_incremental" in model.raw_sql:
        second = renderer.render(
            model.template,
            model.raw_sql,
            path=model.path,
            ref=ref,
            source_fn=source,
            this=this,
            is_incremental=True,
        )
        refs += second.refs
        found_sources += second.sources
    model.refs = [r for r in dict.fromkeys(refs) if r != model.name]
    model.sources = list(dict.fromkeys(found_sources))
    return first.config


def _graph(models: Mapping[str, Model], root: Path) -> Graph:
    for model in models.values():
        for name in model.refs:
            if name not in models:  # a ref to a disabled model
                raise UnknownRefError(
                    name, models, path=model.path, line=ref_line(model.raw_sql, name)
                )
    graph = Graph({name: model.refs for name, model in models.items()})
    cycle = graph.find_cycle()
    if cycle:
        # the closing edge parent -> child is a `ref(parent)` in the child's file
        parent, child = cycle[-2], models[cycle[-1]]
        raise CycleError(cycle, path=child.path, line=ref_line(child.raw_sql, parent))
    return graph

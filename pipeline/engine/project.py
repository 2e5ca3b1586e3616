"""Loading a project folder into a checked `Project`, before anything runs.

Layout (see `project_file`): the project file (folder defaults + vars), `<folder>/<model>.sql`
with YAML beside it (any `*.yml` holding `models:`, `seeds:` or `sources:`), seed CSVs, doc
blocks in `*.md`, macros (`*.py` functions and `{% macro %}` files), singular tests (`*.sql`).
Load renders every template twice (once to learn refs and config, once with final relation
names), parses it with sqlglot and reports syntax errors, unknown refs, cycles and duplicate
names with the model's file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.engine import changes
from pipeline.engine import config as cfg
from pipeline.engine.data_tests import model_tests, singular_tests
from pipeline.engine.docs import read_doc_blocks, render_description
from pipeline.engine.errors import (
    ConfigError,
    CycleError,
    DuplicateModelError,
    UnknownRefError,
    UnknownSourceError,
)
from pipeline.engine.graph import Graph
from pipeline.engine.macros import load_macros
from pipeline.engine.model import ColumnDoc, DataTest, Model, SourceTable
from pipeline.engine.parse import parse_model
from pipeline.engine.project_file import (
    DBT_PROJECT_FILE,
    MOPS_PROJECT_FILE,
    ProjectFile,
    key_line,
    read_project_file,
)
from pipeline.engine.render import Relation, Rendered, Renderer, ref_line, source_line
from pipeline.engine.seeds import seed_select
from pipeline.engine.yamlio import line_of, read_yaml

PROJECT_FILES = frozenset({DBT_PROJECT_FILE, MOPS_PROJECT_FILE})
PUBLISH_TAG = "publish"
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
    test_schemas: str | None = None  # module of the `pandera` tests' DataFrameModels

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

    @property
    def load_log(self) -> str | None:
        """The relation listing every load (`changes.LOAD_LOG`), if the project declares it."""
        if changes.LOAD_LOG not in self.sources:
            return None
        return str(self.source_relation(*changes.LOAD_LOG))

    def change_inputs(self, model: Model) -> dict[str, str]:
        """The relation of each input `model` reads changes from (`changes_from`)."""
        inputs = {}
        for input_id in model.changes_from:
            kind, _, name = input_id.partition(":")
            if kind == "ref":
                inputs[input_id] = str(self.relation(name))
            else:
                source, _, table = name.partition(".")
                inputs[input_id] = str(self.source_relation(source, table))
        return inputs

    def helpers(self, model: Model) -> changes.Helpers:
        """The change-tracking template functions of `model` (pipeline/engine/changes.py)."""
        return changes.Helpers(
            model=model.name,
            schema=model.schema,
            load_log=self.load_log,
            declared=model.changes_from,
            path=model.path,
        )

    @property
    def published(self) -> list[str]:
        """The models tagged `publish`: the tables of the published marts file."""
        return [name for name, model in self.models.items() if PUBLISH_TAG in model.config.tags]


def load_project(models_dir: Path | str, vars: Mapping[str, Any] | None = None) -> Project:
    """Load and check every model, seed, source, test and macro of a project folder: a dbt
    project (`dbt_project.yml`) or a mops models folder (`project.yml`)."""
    root = Path(models_dir).resolve()
    if not root.is_dir():
        raise ConfigError(
            "the models folder does not exist; set MOPS_MODELS_DIR or create it.", path=root
        )
    settings = read_project_file(root)
    project_vars = {**settings.vars, **(vars or {})}
    renderer = Renderer(load_macros(settings.macro_paths), project_vars)
    for path in macro_sql_files(settings.macro_paths):
        renderer.add_macro_file(path)
    sql_files, yaml_files, doc_files = _discover(settings)
    models = _new_models(settings, sql_files, renderer)
    for seed in new_seeds(settings):
        if seed.name in models:
            raise DuplicateModelError(seed.name, [models[seed.name].path, seed.path])
        models[seed.name] = seed
    doc_blocks = read_doc_blocks(doc_files)
    sources: dict[tuple[str, str], SourceTable] = {}
    entries: dict[str, tuple[dict[str, Any], Path]] = {}
    for path in yaml_files:
        document = read_yaml(path) or {}
        if not isinstance(document, dict):
            raise ConfigError("expected a mapping with `models:` and/or `sources:`.", path=path)
        _refuse_unsupported_properties(document, path)
        _read_sources(document.get("sources") or [], path, sources, doc_blocks)
        for key in ("models", "seeds"):
            _read_model_entries(document.get(key) or [], path, models, entries, key)

    for model in models.values():
        entry, yaml_path = entries.get(model.name, ({}, None))
        _describe(model, entry, yaml_path, doc_blocks)
        _configure(model, entry, yaml_path, settings, models, sources, renderer)
    models = {name: m for name, m in models.items() if m.config.enabled}
    graph = _graph(models, root)
    project = Project(
        root, models, sources, project_vars, graph, renderer, test_schemas=settings.test_schemas
    )
    for model in models.values():
        model.rendered_sql = render_model(project, model).sql
        model.ast = parse_model(model.rendered_sql, model.path, model.raw_sql)
        if model.materialized == "incremental" and "is_incremental" in model.raw_sql:
            parse_model(
                render_model(project, model, is_incremental=True).sql, model.path, model.raw_sql
            )
    for name, model in models.items():
        model.tests = model_tests(project, model, entries.get(name, ({}, None))[0])
    project.singular_tests = [
        test for folder in settings.test_paths for test in singular_tests(project, folder)
    ]
    return project


def _configure(
    model: Model,
    entry: dict[str, Any],
    yaml_path: Path | None,
    settings: ProjectFile,
    models: Mapping[str, Model],
    sources: Mapping[tuple[str, str], SourceTable],
    renderer: Renderer,
) -> None:
    """Set `model.config` from its folder defaults, YAML `config:` and `{{ config() }}`; a seed
    also gets its generated SQL."""
    first = {} if model.is_seed else _render_first_pass(model, models, sources, renderer)
    tree = settings.seeds if model.is_seed else settings.models
    levels = [
        {"materialized": "seed"} if model.is_seed else {},
        *cfg.folder_defaults(tree, settings.config_path(model.folder)),
        entry.get("config") or {},
        first,
    ]
    line = model.line_of("config(") if first else line_of(entry) if entry else None
    where = model.path if first or not yaml_path else yaml_path
    model.config = cfg.validate(cfg.merge(levels), path=where, line=line)
    _check_config(model, where, line)
    _check_changes(model, models, sources, where, line)
    if model.seed_path is not None and isinstance(model.config, cfg.SeedConfig):
        model.raw_sql = seed_select(
            model.seed_path, model.config.column_types, model.config.delimiter
        )


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
        helpers=project.helpers(model).context(),
        macro=changes.REBUILD_MACRO if is_incremental and model.changes.rebuild else None,
    )


def render_rebuild(
    project: Project, model: Model, *, vars: Mapping[str, Any] | None = None
) -> str | None:
    """The SQL of `model`'s `{% macro rebuild() %}` for an incremental run, if it has one."""
    if not model.changes.rebuild:
        return None
    return render_model(project, model, is_incremental=True, vars=vars).macro_sql


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


def _discover(settings: ProjectFile) -> tuple[list[Path], list[Path], list[Path]]:
    """Model files, property YAML files and doc-block files under the model (and seed) paths."""
    sql_files: list[Path] = []
    yaml_files: list[Path] = []
    doc_files: list[Path] = []
    skip = settings.special_dirs
    for folder in settings.model_paths:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            relative = path.relative_to(folder).parts
            if any(p.startswith(".") for p in relative) or any(
                path.is_relative_to(special) for special in skip
            ):
                continue
            if path.suffix == ".sql":
                sql_files.append(path)
            elif path.suffix in (".yml", ".yaml") and path.name not in PROJECT_FILES:
                yaml_files.append(path)
            elif path.suffix == ".md":
                doc_files.append(path)
    for folder in settings.seed_paths if settings.is_dbt else ():
        yaml_files += [p for p in sorted(folder.rglob("*.y*ml")) if p not in yaml_files]
    return sql_files, yaml_files, doc_files


def _model_path(path: Path, folders: Sequence[Path]) -> Path:
    return next(folder for folder in folders if path.is_relative_to(folder))


def _new_models(settings: ProjectFile, files: list[Path], renderer: Renderer) -> dict[str, Model]:
    models: dict[str, Model] = {}
    for path in files:
        base = _model_path(path, settings.model_paths)
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
            rel_path=path.relative_to(base).as_posix(),
            folder=path.relative_to(base).parent.parts,
            raw_sql=raw,
            template=renderer.compile(raw, path),
        )
    return models


def new_seeds(settings: ProjectFile) -> list[Model]:
    """A model per seed CSV (dbt projects: any depth under the seed paths; a mops models
    folder: the top level of each seed path)."""
    seeds = []
    for folder in settings.seed_paths:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.csv") if settings.is_dbt else folder.glob("*.csv")):
            if not _IDENTIFIER.match(path.stem):
                raise ConfigError(
                    f"seed name {path.stem!r} is not a plain identifier; rename the file.",
                    path=path,
                )
            seeds.append(
                Model(
                    name=path.stem,
                    path=path,
                    rel_path=path.relative_to(folder).as_posix(),
                    folder=path.relative_to(folder).parent.parts,
                    raw_sql="",
                    template=None,
                    seed_path=path,
                )
            )
    return seeds


def macro_sql_files(folders: Sequence[Path]) -> list[Path]:
    """The `.sql` files holding `{% macro %}` definitions."""
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*.sql"))]


_UNSUPPORTED_PROPERTIES = (
    "snapshots",
    "analyses",
    "exposures",
    "metrics",
    "semantic_models",
    "macros",
    "unit_tests",
    "saved_queries",
    "groups",
)


def _refuse_unsupported_properties(document: dict[str, Any], path: Path) -> None:
    for key in _UNSUPPORTED_PROPERTIES:
        if document.get(key):
            raise ConfigError(
                f"`{key}:` is not supported by mops; remove it (supported: models, seeds, "
                "sources; see README 'SQL models').",
                path=path,
                line=key_line(path, key),
            )


def _read_sources(
    entries: list[Any],
    path: Path,
    sources: dict[tuple[str, str], SourceTable],
    doc_blocks: Mapping[str, str],
) -> None:
    """As dbt: a source's schema defaults to its name, a table's identifier to its name."""
    for entry in entries:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError("each source needs a `name`.", path=path, line=line_of(entry))
        schema = entry.get("schema") or entry["name"]
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
                identifier=str(table.get("identifier") or key[1]),
                description=render_description(
                    table.get("description") or "", doc_blocks, path=path, line=line_of(table)
                ),
                asset_key=tuple(dagster_meta.get("asset_key") or ("raw", key[0], key[1])),
                columns=tuple(c["name"] for c in table.get("columns") or [] if "name" in c),
            )


def _read_model_entries(
    entries: list[Any],
    path: Path,
    models: dict[str, Model],
    seen: dict[str, tuple[dict[str, Any], Path]],
    key: str,
) -> None:
    for entry in entries:
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConfigError(
                f"each entry under `{key}:` needs a `name`.", path=path, line=line_of(entry)
            )
        name = entry["name"]
        if name not in models or models[name].is_seed != (key == "seeds"):
            raise UnknownRefError(name, models, path=path, line=line_of(entry))
        if name in seen:
            raise ConfigError(
                f"model {name!r} is described twice (also in {seen[name][1]}); keep one entry.",
                path=path,
                line=line_of(entry),
            )
        seen[name] = (entry, path)


def _describe(
    model: Model, entry: dict[str, Any], yaml_path: Path | None, doc_blocks: Mapping[str, str]
) -> None:
    model.yaml_path = yaml_path
    model.description = render_description(
        entry.get("description") or "", doc_blocks, path=yaml_path, line=line_of(entry)
    )
    for column in entry.get("columns") or []:
        if not isinstance(column, dict) or "name" not in column:
            raise ConfigError(
                "each column needs a `name`.",
                path=yaml_path,
                line=line_of(column) or line_of(entry),
            )
        description = render_description(
            column.get("description") or "", doc_blocks, path=yaml_path, line=line_of(column)
        )
        model.columns[column["name"]] = ColumnDoc(
            column["name"], description, column.get("data_type")
        )


def _check_changes(
    model: Model,
    models: Mapping[str, Model],
    sources: Mapping[tuple[str, str], SourceTable],
    path: Path,
    line: int | None,
) -> None:
    """`changes_from` names known sources and refs of an incremental model, and every change
    helper the model calls reads a declared input."""
    declared = model.changes_from
    for input_id in declared:
        kind, _, name = input_id.partition(":")
        source, _, table = name.partition(".")
        known = name in models if kind == "ref" else kind == "source" and (source, table) in sources
        if not known:
            raise ConfigError(
                f"config 'changes_from': {input_id!r} is not a known source(...) or ref(...); "
                "write source('<source>', '<table>') or ref('<model>') (in YAML "
                "'source:<source>.<table>' or 'ref:<model>').",
                path=path,
                line=line,
            )
    used = [*model.changes.loads, *model.changes.rows]
    missing = [i for i in dict.fromkeys(used) if i not in declared]
    if missing:
        raise ConfigError(
            f"config 'changes_from' lacks {', '.join(missing)}, read by new_loads/changed_rows; "
            "add it.",
            path=path,
            line=line,
        )
    if model.changes.rebuild and not declared:
        raise ConfigError(
            "a `rebuild()` macro needs config 'changes_from' (the inputs it reads changes "
            "from); add it.",
            path=path,
            line=line,
        )


def _check_config(model: Model, path: Path, line: int | None) -> None:
    config = model.config
    if (config.materialized == "seed") != model.is_seed:
        raise ConfigError(
            "materialized 'seed' is set by mops for seed CSVs only; use view, table, "
            "ephemeral or incremental.",
            path=path,
            line=line,
        )
    incremental = model.incremental
    if (
        incremental
        and incremental.strategy in ("merge", "delete+insert")
        and not incremental.key_columns
    ):
        raise ConfigError(
            f"incremental_strategy {incremental.strategy!r} needs `unique_key` (a column or a list "
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
    helpers = changes.Helpers(
        model=model.name,
        schema="",
        load_log="load_log" if changes.LOAD_LOG in sources else None,
        declared=None,
        path=model.path,
        usage=model.changes,
    ).context()

    def render(is_incremental: bool) -> Rendered:
        return renderer.render(
            model.template,
            model.raw_sql,
            path=model.path,
            ref=ref,
            source_fn=source,
            this=this,
            is_incremental=is_incremental,
            helpers=helpers,
            macro=changes.REBUILD_MACRO if is_incremental else None,
        )

    first = render(False)
    refs = list(first.refs)
    found_sources = list(first.sources)
    if "is_incremental" in model.raw_sql:
        second = render(True)
        model.changes.rebuild = second.macro_sql is not None
        refs += second.refs
        found_sources += second.sources
    if model.changes.loads:  # new_loads() reads the load log
        found_sources.append(changes.LOAD_LOG)
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

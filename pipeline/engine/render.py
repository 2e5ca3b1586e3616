"""Rendering model templates with Jinja2 (sandboxed, strict): the dbt subset mops supports.

Globals: `ref(name)`, `source(source, table)`, `config(**kwargs)`, `var(name, default)`,
`is_incremental()`, `this`, `target`, `env_var(name, default)`, every Python macro and every
`{% macro %}` of the project's macro files (which see the same globals).
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pipeline.engine.errors import EngineError, ModelSyntaxError, RenderError

_MISSING: Any = object()
_JINJA_MARKERS = ("{{", "{%", "{#")
# dbt context members a template may reach for that mops does not provide: named in the error.
DBT_ONLY = frozenset(
    {
        "adapter",
        "run_query",
        "statement",
        "execute",
        "graph",
        "model",
        "exceptions",
        "log",
        "modules",
        "dbt_utils",
        "dbt",
        "return",
        "load_result",
        "run_started_at",
        "invocation_id",
        "builtins",
        "zip",
        "fromjson",
        "tojson",
        "fromyaml",
        "toyaml",
        "api",
        "flags",
        "selected_resources",
        "database",
        "schema",
        "snapshot",
    }
)
_UNDEFINED_NAME = re.compile(r"'(\w+)' is undefined")


@dataclass(frozen=True)
class Relation:
    """What `ref`, `source` and `this` return; renders as `schema.identifier`. `input` names
    what it resolves (`ref:<model>`, `source:<source>.<table>`) for change tracking."""

    schema: str
    identifier: str
    input: str = field(default="", compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.identifier

    def __str__(self) -> str:
        return f"{self.schema}.{self.identifier}" if self.schema else self.identifier


@dataclass
class Rendered:
    """A rendered template and what it called: refs, sources and config, in call order."""

    sql: str
    refs: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    macro_sql: str | None = None


RefResolver = Callable[[str], Relation]
SourceResolver = Callable[[str, str], Relation]


class Renderer:
    """One sandboxed Jinja environment per project, with the project's macros and vars."""

    def __init__(self, macros: Mapping[str, Callable[..., Any]], vars: Mapping[str, Any]):
        self.env = SandboxedEnvironment(
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
        )
        self.env.globals.update(macros)
        self.vars = dict(vars)
        self.macro_files: list[tuple[Path, jinja2.Template]] = []

    def add_macro_file(self, path: Path) -> None:
        """Make the `{% macro %}`s of a `.sql` file callable from every template."""
        template = self.compile(path.read_text(encoding="utf-8"), path)
        if template is not None:
            self.macro_files.append((path, template))

    def with_vars(self, overrides: Mapping[str, Any] | None) -> Renderer:
        """A renderer sharing this environment with `overrides` applied to the vars."""
        if not overrides:
            return self
        clone = object.__new__(Renderer)
        clone.env = self.env
        clone.vars = {**self.vars, **overrides}
        clone.macro_files = self.macro_files
        return clone

    def compile(self, source: str, path: Path) -> jinja2.Template | None:
        """Compile a template; `None` when the text has no Jinja at all (rendered as is)."""
        if not any(marker in source for marker in _JINJA_MARKERS):
            return None
        try:
            code = self.env.compile(source, filename=str(path))
        except jinja2.TemplateSyntaxError as error:
            raise ModelSyntaxError(
                f"template syntax error: {error.message}; fix the Jinja tag.",
                path=path,
                line=error.lineno,
            ) from None
        return self.env.template_class.from_code(self.env, code, self.env.make_globals(None))

    def render(
        self,
        template: jinja2.Template | None,
        source: str,
        *,
        path: Path,
        ref: RefResolver,
        source_fn: SourceResolver,
        this: Relation | None,
        is_incremental: bool = False,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        macro: str | None = None,
    ) -> Rendered:
        """Render one template, recording its refs, sources and `config()` calls; with `macro`,
        also call that `{% macro %}` of the template (if it defines it) into `macro_sql`."""
        result = Rendered(sql=source)
        if template is None:
            return result

        def _ref(name: str, *args: Any, **kwargs: Any) -> Relation:
            if args or kwargs:
                raise RenderError(
                    f"ref({name!r}, ...) with a package or version is not supported; use "
                    f"ref('<model>').",
                    path=path,
                    line=_line(source, "ref("),
                )
            result.refs.append(name)
            return replace(ref(name), input=f"ref:{name}")

        def _source(source_name: str, table: str) -> Relation:
            result.sources.append((source_name, table))
            return replace(source_fn(source_name, table), input=f"source:{source_name}.{table}")

        def _config(**kwargs: Any) -> str:
            result.config.update(kwargs)
            return ""

        def _var(name: str, default: Any = _MISSING) -> Any:
            if name in self.vars:
                return self.vars[name]
            if default is _MISSING:
                raise RenderError(
                    f"var({name!r}) is not set and has no default: add it under `vars:` in "
                    f"models/project.yml or pass --vars '{{{name}: ...}}'.",
                    path=path,
                    line=_line(source, name),
                )
            return default

        def _env_var(name: str, default: Any = _MISSING) -> Any:
            if name in os.environ:
                return os.environ[name]
            if default is _MISSING:
                raise RenderError(
                    f"env_var({name!r}): the environment variable is not set and no default "
                    "is given.",
                    path=path,
                    line=_line(source, name),
                )
            return default

        context = {
            "ref": _ref,
            "source": _source,
            "config": _config,
            "var": _var,
            "env_var": _env_var,
            "is_incremental": lambda: is_incremental,
            "this": this,
            "target": {"name": "mops", "type": "duckdb", "schema": "main"},
            **(helpers or {}),
        }
        try:
            self._add_macros(context)
            result.sql = template.render(context)
            if macro is not None:
                defined = getattr(template.make_module(context), macro, None)
                result.macro_sql = None if defined is None else str(defined())
        except EngineError:
            raise
        except jinja2.TemplateError as error:
            raise RenderError(
                _template_error(error), path=path, line=_traceback_line(error, path)
            ) from None
        except Exception as error:  # a failing macro
            raise RenderError(
                f"{type(error).__name__} while rendering: {error}",
                path=path,
                line=_traceback_line(error, path),
            ) from error
        return result

    def _add_macros(self, context: dict[str, Any]) -> None:
        """Each macro file as a module sharing `context`, so its macros see `ref`, `var`, ...
        and each other's macros (looked up when called)."""
        for _, template in self.macro_files:
            module = template.make_module(vars=context, shared=True)
            for name in dir(module):
                value = getattr(module, name)
                if isinstance(value, jinja2.runtime.Macro):
                    context[name] = value


def _template_error(error: jinja2.TemplateError) -> str:
    match = _UNDEFINED_NAME.search(str(error))
    if isinstance(error, jinja2.UndefinedError) and match and match.group(1) in DBT_ONLY:
        return (
            f"`{match.group(1)}` is a dbt feature mops does not support; write the SQL "
            "without it (see README 'SQL models' for the supported subset)."
        )
    return f"{type(error).__name__}: {error}; check the names used in the template."


def _traceback_line(error: BaseException, path: Path) -> int | None:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else None


def _line(source: str, needle: str) -> int | None:
    index = source.find(needle)
    return source.count("\n", 0, index) + 1 if index >= 0 else None


_REF_CALL = r"ref\(\s*['\"]{name}['\"]"


def ref_line(source: str, name: str) -> int | None:
    """The line of the first `ref('name')` call in a template."""
    match = re.search(_REF_CALL.format(name=re.escape(name)), source)
    return source.count("\n", 0, match.start()) + 1 if match else None


def source_line(source: str, source_name: str, table: str) -> int | None:
    """The line of the first `source('source_name', 'table')` call in a template."""
    pattern = rf"source\(\s*['\"]{re.escape(source_name)}['\"]\s*,\s*['\"]{re.escape(table)}"
    match = re.search(pattern, source)
    return source.count("\n", 0, match.start()) + 1 if match else None

"""Model configuration: folder defaults from `project.yml`, YAML `config:` and `{{ config() }}`.

Precedence, lowest first (as in dbt): folder defaults (outer folders first), the model's YAML
`config:`, then `{{ config(...) }}` in the model file. `tags` accumulate across levels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from pipeline.engine.changes import input_id
from pipeline.engine.errors import ConfigError, nearest

MATERIALIZATIONS = ("view", "table", "ephemeral", "incremental", "seed")
Strategy = Literal["append", "merge", "delete+insert"]
OnSchemaChange = Literal["fail", "ignore", "append_new_columns", "sync_all_columns"]
Severity = Literal["error", "warn"]

STRATEGIES: tuple[Strategy, ...] = ("append", "merge", "delete+insert")
DEFAULT_SCHEMA = "main"


class _Common(BaseModel):
    """What every materialization accepts. Unknown keys are refused (typos)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    schema_: str = Field(DEFAULT_SCHEMA, alias="schema")
    tags: tuple[str, ...] = ()
    # SQL run in the model's transaction before / after it is built, rendered with its context
    # (`this`, `is_incremental()`, ...) at build time, as dbt's hooks are.
    pre_hook: tuple[str, ...] = ()
    post_hook: tuple[str, ...] = ()
    enabled: bool = True
    owners: tuple[str, ...] = ()
    meta: dict[str, Any] = Field(default_factory=dict)


class ViewConfig(_Common):
    materialized: Literal["view"] = "view"


class TableConfig(_Common):
    materialized: Literal["table"] = "table"


class EphemeralConfig(_Common):
    materialized: Literal["ephemeral"] = "ephemeral"


class IncrementalConfig(_Common):
    materialized: Literal["incremental"] = "incremental"
    unique_key: str | tuple[str, ...] | None = None
    incremental_strategy: Strategy | None = None
    on_schema_change: OnSchemaChange = "fail"
    # the inputs an incremental run reads changes from (pipeline/engine/changes.py), as
    # `source:<source>.<table>` / `ref:<model>`; `source()`/`ref()` results are converted
    changes_from: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        """`unique_key` as a tuple of column names (a composite key is matched as a tuple)."""
        if self.unique_key is None:
            return ()
        if isinstance(self.unique_key, str):
            return tuple(part.strip() for part in self.unique_key.split(",") if part.strip())
        return self.unique_key

    @property
    def strategy(self) -> Strategy:
        """The incremental strategy: explicit, else `merge` with a unique key, else `append`."""
        if self.incremental_strategy:
            return self.incremental_strategy
        return "merge" if self.key_columns else "append"


class SeedConfig(_Common):
    materialized: Literal["seed"] = "seed"
    # left out of dumps: they shape a seed's generated SQL, which is hashed anyway
    column_types: dict[str, str] = Field(default_factory=dict, exclude=True)
    delimiter: str = Field(",", exclude=True)
    quote_columns: bool = Field(False, exclude=True)  # DuckDB keeps header names either way


ModelConfig = ViewConfig | TableConfig | EphemeralConfig | IncrementalConfig | SeedConfig
"""The validated configuration of one model: one type per materialization."""
KINDS: tuple[type[_Common], ...] = (
    ViewConfig,
    TableConfig,
    EphemeralConfig,
    IncrementalConfig,
    SeedConfig,
)
_ADAPTER: TypeAdapter[ModelConfig] = TypeAdapter(
    Annotated[ModelConfig, Field(discriminator="materialized")]
)


CONFIG_KEYS = frozenset(
    {
        "materialized",
        "schema",
        "tags",
        "unique_key",
        "incremental_strategy",
        "on_schema_change",
        "changes_from",
        "pre_hook",
        "post_hook",
        "enabled",
        "owners",
        "owner",
        "meta",
        "column_types",
        "delimiter",
        "quote_columns",
        "alias",
        "docs",
        "description",
    }
)


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Strip dbt's `+` prefixes, turn `owner`/`tags` strings into tuples, drop doc-only keys."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        key = key.lstrip("+")
        if key in ("docs", "description"):
            continue
        if key in ("pre-hook", "post-hook"):  # dbt's YAML spelling
            key = key.replace("-", "_")
        if key in ("pre_hook", "post_hook") and isinstance(value, str):
            value = [value]
        if key == "owner":
            key, value = "owners", value
        if key in ("tags", "owners") and isinstance(value, str):
            value = [value]
        if key == "changes_from":
            value = [input_id(v) for v in ([value] if isinstance(value, str) else value or [])]
        out[key] = value
    return out


def merge(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge config levels, later wins; `tags` and `owners` accumulate, `meta` merges."""
    merged: dict[str, Any] = {}
    for level in levels:
        for key, value in normalise(level).items():
            if key in ("tags", "owners"):
                merged[key] = list(dict.fromkeys([*merged.get(key, []), *value]))
            elif key == "meta" and isinstance(value, dict):
                merged[key] = {**merged.get("meta", {}), **value}
            else:
                merged[key] = value
    return merged


def validate(raw: dict[str, Any], *, path: Path, line: int | None) -> ModelConfig:
    """Validate merged config; errors name the key, the accepted values and the file."""
    if "alias" in raw:
        raise ConfigError(
            "config 'alias' is not supported: the relation name is the file stem; rename the "
            "file instead.",
            path=path,
            line=line,
        )
    raw = {"materialized": "view", **raw}
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as error:
        problems = [_problem(item, str(raw["materialized"])) for item in error.errors()]
        raise ConfigError("; ".join(problems) + ".", path=path, line=line) from None


def _problem(item: Any, materialized: str) -> str:
    """One validation error as a sentence naming the key."""
    if item["type"] == "union_tag_invalid":
        hint = nearest(materialized, MATERIALIZATIONS)
        return (
            f"config 'materialized' must be one of {', '.join(map(repr, MATERIALIZATIONS))}, "
            f"not {materialized!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        )
    key = ".".join(str(part) for part in item["loc"][1:])
    if item["type"] != "extra_forbidden":
        return f"config {key!r}: {item['msg']} (got {item.get('input')!r})"
    owners = [k.model_fields["materialized"].default for k in KINDS if _accepts(k, key)]
    if owners:
        return (
            f"config {key!r} applies to {' and '.join(owners)} models only, not to "
            f"materialized={materialized!r}; remove it or change `materialized`"
        )
    hint = nearest(key, CONFIG_KEYS)
    return f"unknown config key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")


def _accepts(kind: type[_Common], key: str) -> bool:
    return any(key == name or key == field.alias for name, field in kind.model_fields.items())


def folder_defaults(tree: dict[str, Any], parts: tuple[str, ...]) -> list[dict[str, Any]]:
    """The config levels that `project.yml`'s `models:` tree gives a model in folder `parts`.

    Keys that are config keys (with or without dbt's `+`) apply to the folder; other mapping
    keys are sub-folders.
    """
    levels: list[dict[str, Any]] = []
    node: Any = tree
    for depth in range(len(parts) + 1):
        if not isinstance(node, dict):
            break
        levels.append({k: v for k, v in node.items() if _is_config_key(k, v)})
        if depth == len(parts):
            break
        node = node.get(parts[depth])
    return levels


def _is_config_key(key: str, value: Any) -> bool:
    return key.startswith("+") or key in CONFIG_KEYS or not isinstance(value, dict)

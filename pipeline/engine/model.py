"""The loaded objects of a project: models, sources, columns and data tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.engine.changes import Usage
from pipeline.engine.config import IncrementalConfig, ModelConfig, Severity, ViewConfig

if TYPE_CHECKING:
    import jinja2
    from sqlglot import exp

EPHEMERAL_PREFIX = "__dbt__cte__"
TestKind = Literal[
    "unique", "not_null", "accepted_values", "relationships", "unique_key", "pandera", "singular"
]


@dataclass(frozen=True)
class SourceTable:
    """A raw table declared in `sources.yml`; `{{ source(source, name) }}` resolves to it."""

    source: str
    name: str
    schema: str
    identifier: str
    description: str = ""
    asset_key: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.identifier}"


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    description: str = ""
    data_type: str | None = None


@dataclass(frozen=True)
class DataTest:
    """A test of one model: a query returning failing rows. `name` is unique per model."""

    name: str
    kind: TestKind
    model: str
    severity: Severity
    path: Path
    line: int | None
    column: str | None = None
    args: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    where: str | None = None
    depends_on: tuple[str, ...] = ()
    template: jinja2.Template | None = field(default=None, hash=False, compare=False)
    description: str = ""
    max_failing_rows: int = 0
    max_failing_rate: float | None = None
    relation: str = ""  # `schema.model` of the tested model

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    @property
    def test_id(self) -> str:
        """`<schema>.<model>:<name>`: the key of the test's verification and of its settings."""
        return f"{self.relation}:{self.name}"

    @property
    def tolerant(self) -> bool:
        """It passes with some failing rows, so it is judged on all of them."""
        return self.max_failing_rows > 0 or self.max_failing_rate is not None

    def passes(self, failing: int, checked: int | None) -> bool:
        """Failing rows within the thresholds: `max_failing_rows`, else `max_failing_rate` of
        the rows checked."""
        if failing <= self.max_failing_rows:
            return True
        if self.max_failing_rate is None or not checked:
            return False
        return failing / checked <= self.max_failing_rate


@dataclass(eq=False)
class Model:
    """One SQL model file or seed CSV. `rendered_sql` is the template rendered for a full
    (re)build."""

    name: str
    path: Path
    rel_path: str
    folder: tuple[str, ...]
    raw_sql: str
    template: jinja2.Template | None
    config: ModelConfig = field(default_factory=lambda: ViewConfig.model_validate({}))
    description: str = ""
    columns: dict[str, ColumnDoc] = field(default_factory=dict)
    tests: list[DataTest] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    rendered_sql: str = ""
    ast: exp.Expr | None = None
    yaml_path: Path | None = None
    seed_path: Path | None = None
    changes: Usage = field(default_factory=Usage)

    @property
    def is_seed(self) -> bool:
        """A seed CSV, built as a table by a generated `read_csv` query."""
        return self.seed_path is not None

    @property
    def layer(self) -> str:
        """The top folder (`staging`, `intermediate`, `marts`), or `main` at the root."""
        return self.folder[0] if self.folder else "main"

    @property
    def schema(self) -> str:
        return self.config.schema_

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def materialized(self) -> str:
        return self.config.materialized

    @property
    def incremental(self) -> IncrementalConfig | None:
        """The config of an incremental model; None for any other materialization."""
        return self.config if isinstance(self.config, IncrementalConfig) else None

    @property
    def changes_from(self) -> tuple[str, ...]:
        """The inputs an incremental model reads changes from (none for other models)."""
        return self.incremental.changes_from if self.incremental else ()

    @property
    def is_ephemeral(self) -> bool:
        return self.config.materialized == "ephemeral"

    @property
    def cte_name(self) -> str:
        return f"{EPHEMERAL_PREFIX}{self.name}"

    def line_of(self, needle: str) -> int | None:
        """The 1-based line of the first occurrence of `needle` in the file, if any."""
        index = self.raw_sql.find(needle)
        return self.raw_sql.count("\n", 0, index) + 1 if index >= 0 else None

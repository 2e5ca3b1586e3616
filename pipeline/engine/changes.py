"""Change tracking of incremental models: what a night reads changes from, and what each build
consumed.

An incremental model declares the inputs it reads changes from (`changes_from`, sources and
refs) and reads them in its `is_incremental()` branch through typed helpers:

- `new_loads(source)`: a query of the load ids of `source` its last build did not consume
  (the load log only grows, so these are exactly the deliveries since, late ones included);
- `changed_rows(relation, columns)`: the rows of `relation` (those columns) added or removed
  since its last build, from a snapshot the engine took then;
- `changed_keys(relation, key, columns)`: the distinct `key` values of those rows;
- `rebuilt()`: the rows the model's `{% macro rebuild() %}` returned for this run (key
  columns of the table): the engine deletes the table's rows matching them before the run's
  new rows are applied, so a key that is gone is deleted.

The engine keeps all of it in one table, `meta.model_state`, one row per (model, input, kind,
item), replaced in the model's transaction by every build:

    input    one row per declared input: item = how it is tracked (`loads`, `rows:<columns>`)
    load     item = a load id of the source that build consumed
    snapshot item = the engine's table of the input's rows (the compared columns) at that build
    build    item = the build id of the upstream model read (meta.model_builds), if incremental
    rebuilt  item = the table of the rows `rebuild()` returned on the last incremental run

A model without a complete state (first build, a new input, a snapshot whose columns changed)
is built whole instead of incrementally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.engine.errors import ConfigError
from pipeline.sqltext import identifier, literal

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb

    from pipeline.engine.render import Relation

STATE = "meta.model_state"
LOAD_LOG = ("meta", "load_log")
"""The source whose rows (`load_id`, `system`, `object`) list every load of every source; a
source's loads are those whose system and object are its source and table names."""
REBUILD_MACRO = "rebuild"


@dataclass
class Usage:
    """The change helpers a model's `is_incremental()` branch calls, found when it is loaded."""

    loads: set[str] = field(default_factory=set)
    rows: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    relations: dict[str, str] = field(default_factory=dict)
    rebuilt: bool = False
    rebuild: bool = False  # the template defines `{% macro rebuild() %}`

    def spec(self, input_id: str, columns: Sequence[str] | None = None) -> str:
        """How `input_id` is tracked, as recorded in the state (`columns`: those of `*`)."""
        if input_id in self.loads:
            return "loads"
        if input_id in self.rows:
            wanted = self.rows[input_id]
            return "rows:" + ",".join(wanted if wanted is not None else (columns or ()))
        return "read"


def state_table(schema: str, name: str, suffix: str) -> str:
    """An engine-owned table of model `schema.name` in schema `meta`."""
    return f"meta.{identifier(f'{schema}__{name}__{suffix}')}"


def snapshot_table(schema: str, name: str, input_id: str) -> str:
    safe = "".join(c if c.isalnum() else "_" for c in input_id)
    return state_table(schema, name, f"consumed__{safe}")


def rebuilt_table(schema: str, name: str) -> str:
    return state_table(schema, name, "rebuilt")


class Helpers:
    """The template functions of one render of one model (see the module docstring)."""

    def __init__(
        self,
        *,
        model: str,
        schema: str,
        load_log: str | None,
        declared: Sequence[str] | None,
        path: Path,
        usage: Usage | None = None,
    ):
        self.model = model
        self.schema = schema
        self.load_log = load_log
        self.declared = declared
        self.path = path
        self.usage = usage if usage is not None else Usage()

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.model}"

    def context(self) -> dict[str, Callable[..., Any]]:
        return {
            "new_loads": self.new_loads,
            "changed_rows": self.changed_rows,
            "changed_keys": self.changed_keys,
            "rebuilt": self.rebuilt,
        }

    def _input(self, relation: Relation, helper: str) -> str:
        input_id = getattr(relation, "input", "")
        if not input_id:
            raise ConfigError(
                f"{helper}() takes a source(...) or ref(...), not {str(relation)!r}.",
                path=self.path,
            )
        if self.declared is not None and input_id not in self.declared:
            raise ConfigError(
                f"{helper}({_spelled(input_id)}): add {_spelled(input_id)} to the model's "
                "config `changes_from`.",
                path=self.path,
            )
        self.usage.relations[input_id] = str(relation)
        return input_id

    def new_loads(self, source: Relation) -> str:
        input_id = self._input(source, "new_loads")
        if not input_id.startswith("source:"):
            raise ConfigError(
                f"new_loads({_spelled(input_id)}): loads belong to sources; use changed_rows() "
                "for a model.",
                path=self.path,
            )
        if self.load_log is None:
            raise ConfigError(
                f"new_loads() reads the load log: declare source {'.'.join(LOAD_LOG)}.",
                path=self.path,
            )
        self.usage.loads.add(input_id)
        system, table = input_id.removeprefix("source:").split(".", 1)
        return (
            f"select load_id from {self.load_log} "
            f"where system = {literal(system)} and object = {literal(table)} "
            f"and load_id not in (select item from {STATE} where model = "
            f"{literal(self.relation)} and input = {literal(input_id)} and kind = 'load')"
        )

    def changed_rows(self, relation: Relation, columns: Sequence[str] | str | None = None) -> str:
        input_id = self._input(relation, "changed_rows")
        wanted = (columns,) if isinstance(columns, str) else tuple(columns) if columns else None
        earlier = self.usage.rows.get(input_id, wanted)
        if input_id in self.usage.rows and earlier != wanted:
            raise ConfigError(
                f"changed_rows({_spelled(input_id)}) is called with two column lists; compare "
                "one list of columns per input.",
                path=self.path,
            )
        self.usage.rows[input_id] = wanted
        names = ", ".join(identifier(c) for c in wanted) if wanted else "*"
        snapshot = snapshot_table(self.schema, self.model, input_id)
        return (
            f"(select {names} from {relation} except select {names} from {snapshot})\n"
            f"union all\n(select {names} from {snapshot} except select {names} from {relation})"
        )

    def changed_keys(
        self, relation: Relation, key: str, columns: Sequence[str] | str | None = None
    ) -> str:
        rows = self.changed_rows(relation, columns or [key])
        return f"select distinct {identifier(key)} from ({rows}) as changed"

    def rebuilt(self) -> str:
        self.usage.rebuilt = True
        return rebuilt_table(self.schema, self.model)


def _spelled(input_id: str) -> str:
    kind, _, name = input_id.partition(":")
    if kind == "source":
        source, _, table = name.partition(".")
        return f"source({source!r}, {table!r})"
    return f"ref({name!r})"


def input_id(value: Any) -> str:
    """A `changes_from` entry as an input id: a `source()`/`ref()` result, or YAML text
    `source:<source>.<table>` / `ref:<model>`."""
    found = getattr(value, "input", None)
    return str(found) if found else str(value)


def ensure(cur: duckdb.DuckDBPyConnection) -> None:
    """Create the state table (once, before models build concurrently)."""
    cur.execute("create schema if not exists meta")
    cur.execute(
        f"create table if not exists {STATE} "
        "(model varchar, input varchar, kind varchar, item varchar)"
    )


def _columns(cur: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    rows = cur.execute(f"select * from {relation} limit 0").description or []
    return [str(r[0]) for r in rows]


def has_state(
    cur: duckdb.DuckDBPyConnection,
    model: str,
    schema: str,
    inputs: Mapping[str, str],
    usage: Usage,
) -> bool:
    """Whether the last build of `schema.model` recorded every input as it is tracked now."""
    ensure(cur)
    recorded = {
        (str(i), str(item))
        for i, item in cur.execute(
            f"select input, item from {STATE} where model = ? and kind = 'input'",
            [f"{schema}.{model}"],
        ).fetchall()
    }
    wanted = set()
    for input_id in inputs:
        columns = None
        if input_id in usage.rows and usage.rows[input_id] is None:
            columns = _columns(cur, inputs[input_id])
        wanted.add((input_id, usage.spec(input_id, columns)))
    return recorded == wanted


def stage_rebuild(
    cur: duckdb.DuckDBPyConnection, schema: str, name: str, target: str, sql: str
) -> None:
    """Keep the rows `rebuild()` returned and delete the target rows matching them (by the
    rebuilt table's columns, as null-safe tuples)."""
    from pipeline.engine.materialize.delete_insert import key_match

    table = rebuilt_table(schema, name)
    cur.execute(f"create or replace table {table} as (\n{sql}\n)")
    keys = _columns(cur, table)
    cur.execute(
        f"delete from {target} as dst where exists "
        f"(select 1 from {table} as src where {key_match('src', 'dst', keys)})"
    )


def record(
    cur: duckdb.DuckDBPyConnection,
    *,
    model: str,
    schema: str,
    inputs: Mapping[str, str],
    usage: Usage,
    load_log: str | None,
    incremental: bool,
) -> None:
    """Replace the state of `schema.model` with what this build consumed (in its transaction).
    `inputs` maps each declared input to its relation."""
    ensure(cur)
    relation = f"{schema}.{model}"
    cur.execute(f"delete from {STATE} where model = ?", [relation])
    rows: list[tuple[str, str, str, str]] = []
    for input_id, source in inputs.items():
        columns = None
        if input_id in usage.loads and load_log is not None:
            system, table = input_id.removeprefix("source:").split(".", 1)
            cur.execute(
                f"insert into {STATE} select ?, ?, 'load', load_id from {load_log} "
                "where system = ? and object = ? and load_id is not null",
                [relation, input_id, system, table],
            )
        elif input_id in usage.rows:
            wanted = usage.rows[input_id]
            names = ", ".join(identifier(c) for c in wanted) if wanted else "*"
            snapshot = snapshot_table(schema, model, input_id)
            cur.execute(f"create or replace table {snapshot} as select {names} from {source}")
            columns = None if wanted else _columns(cur, snapshot)
            rows.append((relation, input_id, "snapshot", snapshot))
        if input_id.startswith("ref:"):
            rows += _upstream_build(cur, relation, input_id, source)
        rows.append((relation, input_id, "input", usage.spec(input_id, columns)))
    table = rebuilt_table(schema, model)
    if incremental and usage.rebuilt:
        rows.append((relation, "", "rebuilt", table))
    else:
        cur.execute(f"drop table if exists {table}")
    if rows:
        cur.executemany(f"insert into {STATE} values (?, ?, ?, ?)", rows)


def _upstream_build(
    cur: duckdb.DuckDBPyConnection, relation: str, input_id: str, upstream: str
) -> list[tuple[str, str, str, str]]:
    from pipeline.engine.builds import current_build

    found = current_build(cur, upstream)
    return [(relation, input_id, "build", found)] if found else []


def rebuilt_relation(cur: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """The table of the rows the last incremental run of `relation` (`schema.name`) rebuilt,
    or None after a full build."""
    from pipeline.engine.materialize.relations import meta_table_exists

    if not meta_table_exists(cur, "model_state"):
        return None
    row = cur.execute(
        f"select item from {STATE} where model = ? and kind = 'rebuilt'", [relation]
    ).fetchone()
    return str(row[0]) if row else None

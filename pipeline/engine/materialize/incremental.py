"""`incremental`: the first run (or `--full-refresh`) creates the table; later runs build the
new rows beside it, reconcile the schema (`on_schema_change`), then apply the strategy
(`append`, `merge`, `delete+insert`). The caller wraps it all in one transaction. The new rows
stay in the run's increment table (pipeline/engine/builds.py) for the quality gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.engine.builds import increment_relation, increment_table
from pipeline.engine.errors import SchemaChangeError
from pipeline.engine.materialize import append, delete_insert, merge
from pipeline.engine.materialize.relations import columns
from pipeline.sqltext import identifier, qualified

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.config import IncrementalConfig

StatementsFn = Callable[[str, str, Sequence[str], Sequence[str]], list[str]]
STRATEGIES: dict[str, StatementsFn] = {
    "append": append.statements,
    "merge": merge.statements,
    "delete+insert": delete_insert.statements,
}


@dataclass(frozen=True)
class SchemaDiff:
    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    retyped: list[tuple[str, str, str]]  # column, old type, new type

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.retyped)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("added " + ", ".join(f"{c} {t}" for c, t in self.added))
        if self.removed:
            parts.append("removed " + ", ".join(c for c, _ in self.removed))
        if self.retyped:
            parts.append("retyped " + ", ".join(f"{c} {a} -> {b}" for c, a, b in self.retyped))
        return "; ".join(parts)


def diff(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> SchemaDiff:
    """Columns added, removed and retyped from `old` to `new` (matched by name)."""
    old_types, new_types = dict(old), dict(new)
    return SchemaDiff(
        added=[(c, t) for c, t in new if c not in old_types],
        removed=[(c, t) for c, t in old if c not in new_types],
        retyped=[(c, old_types[c], t) for c, t in new if c in old_types and old_types[c] != t],
    )


def build_incremental(
    cur: duckdb.DuckDBPyConnection,
    schema: str,
    name: str,
    sql: str,
    config: IncrementalConfig,
    *,
    model_label: str,
) -> int:
    """Apply the new rows of `sql` (rendered with `is_incremental()` true) to the table."""
    target = qualified(schema, name)
    staged = increment_relation(schema, name)
    cur.execute("create schema if not exists meta")
    cur.execute(f"create or replace table {staged} as (\n{sql}\n)")
    # no try/finally: on failure the caller's rollback also removes the staged table
    new_columns = columns(cur, "meta", increment_table(schema, name))
    old_columns = columns(cur, schema, name)
    change = diff(old_columns, new_columns)
    if change:
        _reconcile(cur, target, change, config.on_schema_change, model_label)
    kept = {c for c, _ in columns(cur, schema, name)} if change else {c for c, _ in old_columns}
    insert_columns = [c for c, _ in new_columns if c in kept]
    for statement in STRATEGIES[config.strategy](
        target, staged, insert_columns, config.key_columns
    ):
        cur.execute(statement)
    row = cur.execute(f"select count(*) from {target}").fetchone()
    return int(row[0]) if row else 0


def _reconcile(
    cur: duckdb.DuckDBPyConnection, target: str, change: SchemaDiff, policy: str, label: str
) -> None:
    if policy == "fail":
        raise SchemaChangeError(
            f"model {label}: the columns changed ({change.describe()}); set on_schema_change "
            "to append_new_columns, sync_all_columns or ignore, or rebuild it with "
            "--full-refresh."
        )
    if policy == "ignore":
        return
    for column, kind in change.added:
        cur.execute(f"alter table {target} add column {identifier(column)} {kind}")
    if policy == "sync_all_columns":
        for column, _ in change.removed:
            cur.execute(f"alter table {target} drop column {identifier(column)}")
        for column, _, kind in change.retyped:
            column_sql = identifier(column)
            cur.execute(f"alter table {target} alter column {column_sql} set data type {kind}")

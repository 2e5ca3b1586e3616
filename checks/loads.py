"""The load gate: checks on the files a run loaded, per landing object, before any model uses them.

Two checks per object, on its raw table (Dagster: on its `raw/<system>/<object>` asset):
- `quarantined_share`: of the rows read from the object's files in scope, the quarantined share
  stays at or under `max_quarantined_share` (checks/config.yml, default 1%);
- `no_file_wholly_quarantined`: no file in scope had rows and loaded none of them.

A failing row is an offending file: its path, rows read and quarantined, and its top reasons.

The scope is the loads the gate has not yet passed (`meta.gate_loads`): after a clean gate, the
loads of this run; after a blocked run, that run's loads too, so a bad delivery cannot slip into
the marts with the next quiet night. A check that passes (or only warns) records its loads as
judged. Rejected files (unreadable, unknown object) load nothing and are not judged here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.ingest.objects import OBJECTS, SourceObject
from pipeline.sqltext import literal as _literal

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import duckdb

    Catalog = Mapping[str, Sequence[str]]

JUDGED = "meta.gate_loads"
LOAD_LOG = "meta.load_log"
QUARANTINE = "meta.quarantine"
TOP_REASONS = 3
SHARE = "quarantined_share"
WHOLLY = "no_file_wholly_quarantined"


@dataclass(frozen=True)
class LoadCheck:
    relation: str  # the object's raw table
    name: str
    description: str
    system: str
    object: str
    reads: tuple[str, ...] = ()

    def check_id(self) -> str:
        return f"{self.relation}:{self.name}"

    def scope(self, catalog: Catalog) -> str:
        """The loads of this object the check judges: not rejected, not yet passed."""
        judged = (
            f" and load_id not in (select load_id from {JUDGED} "
            f"where check_id = {_literal(self.check_id())})"
            if JUDGED in catalog
            else ""
        )
        return (
            f"select * from {LOAD_LOG} where system = {_literal(self.system)} "
            f"and object = {_literal(self.object)} and status <> 'rejected'{judged}"
        )

    def render(self, catalog: Catalog, max_share: float = 0.01) -> str | None:
        """The offending files, with their top reasons (none when the check passes)."""
        if LOAD_LOG not in catalog:
            return None
        offending = (
            "rows_quarantined > 0 and (select quarantined > "
            f"{float(max_share)!r} * read from totals)"
            if self.name == SHARE
            else "rows_read > 0 and rows_loaded = 0"
        )
        reasons = (
            f"""(select list(reason || ' (' || rows || ')' order by rows desc, reason)
                [1:{TOP_REASONS}] from (select reason, count(*) as rows from {QUARANTINE} as q
                where q.load_id = loads.load_id group by reason))"""
            if QUARANTINE in catalog
            else "[]::varchar[]"
        )
        return f"""
            with loads as ({self.scope(catalog)}),
            totals as (
                select coalesce(sum(rows_read), 0) as read,
                    coalesce(sum(rows_quarantined), 0) as quarantined
                from loads
            )
            select path, load_id, rows_read, rows_quarantined,
                round(rows_quarantined / nullif(rows_read, 0), 4) as quarantined_share,
                {reasons} as top_reasons
            from loads
            where {offending}
            order by path
        """


def _checks(obj: SourceObject) -> tuple[LoadCheck, LoadCheck]:
    where = f"{obj.system}/{obj.name}"
    return (
        LoadCheck(
            obj.qualified_table,
            SHARE,
            f"The share of quarantined rows in the new files of {where} stays at or under "
            "max_quarantined_share (checks/config.yml).",
            obj.system,
            obj.name,
        ),
        LoadCheck(
            obj.qualified_table,
            WHOLLY,
            f"No new file of {where} has every row quarantined.",
            obj.system,
            obj.name,
        ),
    )


LOAD_CHECKS: tuple[LoadCheck, ...] = tuple(c for obj in OBJECTS for c in _checks(obj))


def remember(con: duckdb.DuckDBPyConnection, check: LoadCheck, catalog: Catalog) -> None:
    """After `check` passed (or only warned): its loads are judged."""
    if LOAD_LOG not in catalog:
        return
    con.execute(f"create table if not exists {JUDGED} (check_id varchar, load_id varchar)")
    con.execute(
        f"insert into {JUDGED} select {_literal(check.check_id())}, load_id "
        f"from ({check.scope({**catalog, JUDGED: []})})"
    )


def describe(sample: list[dict[str, object]]) -> list[str]:
    """One line per offending file: `path: 3 of 4 rows quarantined (reason (n), ...)`."""
    lines = []
    for row in sample:
        reasons = row.get("top_reasons") or []
        why = f" ({'; '.join(str(r) for r in reasons)})" if isinstance(reasons, list) else ""
        lines.append(
            f"{row.get('path')}: {row.get('rows_quarantined')} of {row.get('rows_read')} "
            f"rows quarantined{why}"
        )
    return lines

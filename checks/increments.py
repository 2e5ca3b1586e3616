"""When a check may judge only the rows an incremental run wrote, and what it has verified.

A check that found no failing row on build B of its relation (recorded in `meta.gate_verified`
with a hash of the check's SQL) vouches for every row of B. When the relation's current build
is one incremental run on top of B (the engine's `last_builds`), only the
rows that run wrote, its increment, can break a key or a row rule: deleting rows cannot.
So such a check reads the increment (SqlCheck.increment_sql, SchemaCheck.row_level).

Everything else is checked whole: a first build or a full refresh, two runs without a clean
gate between them, a check that failed or tolerated failures last time, an edited check, a
check that reads other relations, and a read-only connection (which records nothing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checks.config import CheckSettings
from checks.registry import Catalog, Check, SchemaCheck, SqlCheck, check_id
from pipeline.engine import Build, last_builds

if TYPE_CHECKING:
    import duckdb

VERIFIED = "meta.gate_verified"


def _fingerprint(check: Check, catalog: Catalog) -> str:
    return hashlib.md5(str(check.render(catalog)).encode()).hexdigest()


def _scopable(check: Check) -> bool:
    if check.reads:
        return False
    if isinstance(check, SqlCheck):
        return check.increment_sql is not None
    return isinstance(check, SchemaCheck) and check.row_level


@dataclass
class Increments:
    """The builds and verifications read once per gate run."""

    catalog: Catalog
    writable: bool = False
    builds: dict[str, Build] = field(default_factory=dict)
    verified: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, catalog: Catalog) -> Increments:
        row = con.execute(
            "select not readonly from duckdb_databases() where database_name = current_database()"
        ).fetchone()
        state = cls(catalog, writable=bool(row and row[0]))
        state.builds = last_builds(con)
        if VERIFIED in catalog:
            state.verified = {
                check: (build_id, fingerprint)
                for check, build_id, fingerprint in con.execute(
                    f"select check_id, build_id, fingerprint from {VERIFIED}"
                ).fetchall()
            }
        return state

    def scope(self, check: Check, settings: CheckSettings) -> str | None:
        """The increment `check` may read instead of its whole relation, if any. A check that
        tolerates failing rows is judged on all of them, so it reads everything."""
        tolerant = settings.max_failing_rows > 0 or settings.max_failing_rate is not None
        build = self.builds.get(check.relation)
        if tolerant or not (
            _scopable(check) and build and build.increment and build.parent_build_id
        ):
            return None
        wanted = (build.parent_build_id, _fingerprint(check, self.catalog))
        return build.increment if self.verified.get(check_id(check)) == wanted else None

    def remember(self, con: duckdb.DuckDBPyConnection, check: Check, clean: bool) -> None:
        """After `check` ran on the relation's current build: clean (no failing row) or not."""
        build = self.builds.get(check.relation)
        if not (self.writable and build):
            return
        con.execute(
            f"create table if not exists {VERIFIED} "
            "(check_id varchar, build_id varchar, fingerprint varchar, verified_at timestamp)"
        )
        con.execute(f"delete from {VERIFIED} where check_id = ?", [check_id(check)])
        if clean:
            con.execute(
                f"insert into {VERIFIED} values (?, ?, ?, now()::timestamp)",
                [check_id(check), build.build_id, _fingerprint(check, self.catalog)],
            )

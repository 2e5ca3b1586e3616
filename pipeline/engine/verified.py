"""When a test may judge only the rows an incremental run wrote, and what it has verified.

A test that found no failing row on build B of its model (recorded in `meta.test_verified`
with a hash of its SQL) vouches for every row of B. When the model's current build is one
incremental run on top of B (`meta.model_builds`), only the rows that run wrote, its
increment, can break a key or a row rule: deleting rows cannot. So a test that can be judged
on the increment (`scopable`) reads only the increment.

Everything else is checked whole: a first build or a full refresh, two runs without a clean
test between them, a test that failed or tolerated failures last time, an edited test, a test
of other relations, and a read-only connection (which records nothing).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pipeline.engine.builds import Build, last_builds
from pipeline.engine.materialize.relations import meta_table_exists

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.model import DataTest

VERIFIED = "meta.test_verified"
LEGACY = "meta.gate_verified"
"""The former gate's verifications, dropped once the engine records its own."""


def scopable(test: DataTest) -> bool:
    """Judged on the increment alone: a key (`unique_key`) or a row rule (`pandera` with
    `row_level`), reading no other relation and no `where`."""
    if test.depends_on or test.where:
        return False
    row_level = test.kind == "pandera" and bool(test.args.get("row_level"))
    return test.kind == "unique_key" or row_level


def fingerprint(sql: str) -> str:
    return hashlib.md5(sql.encode()).hexdigest()


def writable(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute(
        "select not readonly from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return bool(row and row[0])


def ensure(cur: duckdb.DuckDBPyConnection) -> None:
    """The verification table (before tests run concurrently); the gate's old one goes."""
    cur.execute("create schema if not exists meta")
    cur.execute(
        f"create table if not exists {VERIFIED} "
        "(test_id varchar, build_id varchar, fingerprint varchar, verified_at timestamp)"
    )
    cur.execute(f"drop table if exists {LEGACY}")


class Verifications:
    """The verifications and the current builds, read when a model's tests start."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.writable = writable(cur)
        self.ensured = meta_table_exists(cur, "test_verified")
        self.builds: dict[str, Build] = last_builds(cur)
        self.verified: dict[str, tuple[str, str]] = {}
        if self.ensured:
            self.verified = {
                str(test_id): (str(build_id), str(mark))
                for test_id, build_id, mark in cur.execute(
                    f"select test_id, build_id, fingerprint from {VERIFIED}"
                ).fetchall()
            }

    def increment(self, test: DataTest, whole_sql: str) -> str | None:
        """The increment `test` may read instead of its whole model, if any."""
        build = self.builds.get(test.relation)
        if test.tolerant or not (
            scopable(test) and build and build.increment and build.parent_build_id
        ):
            return None
        wanted = (build.parent_build_id, fingerprint(whole_sql))
        return build.increment if self.verified.get(test.test_id) == wanted else None

    def remember(
        self, cur: duckdb.DuckDBPyConnection, test: DataTest, whole_sql: str, clean: bool
    ) -> None:
        """After `test` ran on its model's current build: clean (no failing row) or not."""
        build = self.builds.get(test.relation)
        if not (self.writable and build and scopable(test)):
            return
        if not self.ensured:
            ensure(cur)
            self.ensured = True
        cur.execute(f"delete from {VERIFIED} where test_id = ?", [test.test_id])
        if clean:
            cur.execute(
                f"insert into {VERIFIED} values (?, ?, ?, now()::timestamp)",
                [test.test_id, build.build_id, fingerprint(whole_sql)],
            )

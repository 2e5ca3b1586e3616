"""Engine overhead benchmark: `mops bench-engine` or `run_bench(200)`.

Generates N synthetic models (a quarter staging views over one source, the rest tables joining
two earlier models) in a temp folder, then measures two ratios, each side by side in one run:
(1) load + plan against parsing the same files with bare sqlglot, in CPU seconds of this process
(a busy machine steals wall seconds from whichever side it lands on), and (2) `build()` against
the floor: the same compiled SQL executed directly (`create or replace ... as`) in dependency
order on a fresh DuckDB file. Each side is the best of `repeats`, the two alternated.
"""

from __future__ import annotations

import gc
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from pipeline.engine.project import Project

PROJECT_YML = """\
models:
  staging: {+materialized: view, +schema: staging}
  intermediate: {+materialized: table, +schema: intermediate}
  marts: {+materialized: table, +schema: marts}
"""
SOURCES_YML = """\
sources:
  - name: bench
    schema: raw
    tables: [{name: events, identifier: bench__events}]
"""


@dataclass(frozen=True)
class BenchReport:
    models: int
    rows: int
    load_plan_seconds: float
    parse_seconds: float
    build_seconds: float
    floor_seconds: float

    @property
    def ratio(self) -> float:
        """build time / floor time (1.0 = no overhead)."""
        return self.build_seconds / self.floor_seconds

    @property
    def load_plan_ratio(self) -> float:
        """load + plan CPU time / bare sqlglot parsing CPU time of the same files."""
        return self.load_plan_seconds / self.parse_seconds

    def summary(self) -> str:
        return (
            f"{self.models} models, {self.rows:,} source rows\n"
            f"load + plan: {self.load_plan_seconds:.3f} CPU s, parsing alone: "
            f"{self.parse_seconds:.3f} CPU s, ratio {self.load_plan_ratio:.2f}\n"
            f"build: {self.build_seconds:.3f} s, compiled SQL alone: {self.floor_seconds:.3f} s, "
            f"ratio {self.ratio:.3f} ({(self.ratio - 1) * 100:+.1f}% overhead)"
        )


def write_project(root: Path, n: int, seed: int = 7) -> None:
    """Write `n` synthetic models under `root`."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "project.yml").write_text(PROJECT_YML)
    (root / "sources.yml").write_text(SOURCES_YML)
    for folder in ("staging", "intermediate", "marts"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    staging = max(1, n // 4)
    for i in range(n):
        if i < staging:
            name = f"stg_events_{i:03d}"
            sql = (
                f"select id, user_id, kind, amount * {i + 1} as amount, ts\n"
                f"from {{{{ source('bench', 'events') }}}}\nwhere id % 7 != {i % 7}\n"
            )
            folder = "staging"
        else:
            folder = "marts" if i >= n - n // 10 else "intermediate"
            name = f"{'fct' if folder == 'marts' else 'int'}_model_{i:03d}"
            left, right = rng.sample(names, 2) if len(names) > 1 else (names[0], names[0])
            sql = (
                f"with l as (select * from {{{{ ref('{left}') }}}}),\n"
                f"r as (select id, amount from {{{{ ref('{right}') }}}})\n"
                "select l.id, l.user_id, l.kind, l.amount + coalesce(r.amount, 0) as amount, l.ts\n"
                "from l left join r using (id)\n"
            )
        (root / folder / f"{name}.sql").write_text(sql)
        names.append(name)


def seed_source(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """The synthetic models' one source table, `rows` rows long."""
    con.execute("create schema if not exists raw")
    con.execute(
        "create or replace table raw.bench__events as select range as id, range % 997 as "
        "user_id, ['a','b','c'][1 + range % 3] as kind, (range % 1000) / 10.0 as amount, "
        f"timestamp '2024-01-01' + to_seconds(range) as ts from range({rows})"
    )


def parse_bare(root: Path) -> None:
    """The work no engine can skip: read each model's SQL once and parse it with sqlglot (Jinja
    braces dropped, so `ref('x')` parses as a table function)."""
    import sqlglot

    for path in sorted(root.rglob("*.sql")):
        text = path.read_text().replace("{{", "").replace("}}", "")
        sqlglot.parse_one(text, read="duckdb")


def load_and_plan(root: Path) -> Project:
    """What every command does before it builds: load the project and order the selection."""
    from pipeline.engine.project import load_project
    from pipeline.engine.runner import build_order
    from pipeline.engine.selection import select

    project = load_project(root)
    build_order(project, select(project))
    return project


def time_load_plan(root: Path, repeats: int = 5) -> tuple[float, float]:
    """CPU seconds of load + plan and of bare parsing, best of `repeats` each, alternated, with
    the garbage collector paused as timeit does; imports are warmed outside the timing."""
    load_and_plan(root)
    parse_bare(root)
    engine: list[float] = []
    bare: list[float] = []
    gc.disable()
    try:
        for _ in range(repeats):
            started = time.process_time()
            load_and_plan(root)
            engine.append(time.process_time() - started)
            started = time.process_time()
            parse_bare(root)
            bare.append(time.process_time() - started)
            gc.collect()
    finally:
        gc.enable()
    return min(engine), min(bare)


def run_bench(n: int = 200, *, rows: int = 20_000, repeats: int = 3) -> BenchReport:
    """Generate, load, plan and build `n` models; compare with the compiled SQL alone."""
    from pipeline.engine.compile import compile_model
    from pipeline.engine.materialize.relations import qualified
    from pipeline.engine.project import load_project
    from pipeline.engine.runner import build
    from pipeline.engine.selection import select
    from pipeline.warehouse import connect

    with tempfile.TemporaryDirectory(prefix="mops-bench-") as tmp:
        root = Path(tmp) / "models"
        write_project(root, n)
        load_plan, parse = time_load_plan(root, max(repeats, 5))
        project = load_project(root)
        names = select(project)

        compiled = [(project.models[name], compile_model(project, project.models[name]))
                    for name in names]  # fmt: skip
        build_times: list[float] = []
        floor_times: list[float] = []
        for attempt in range(repeats):
            for kind in ("floor", "build"):
                path = Path(tmp) / f"{kind}{attempt}.duckdb"
                with connect(path) as con:
                    seed_source(con, rows)
                    for schema in sorted({m.schema for m, _ in compiled}):
                        con.execute(f"create schema if not exists {schema}")
                    started = time.perf_counter()
                    if kind == "build":
                        results = build(con, project, names, run_tests=False)
                        assert all(r.ok for r in results), [r.message for r in results if not r.ok]
                        build_times.append(time.perf_counter() - started)
                    else:
                        for model, sql in compiled:
                            relation = qualified(model.schema, model.name)
                            kind_sql = "view" if model.materialized == "view" else "table"
                            con.execute(f"create or replace {kind_sql} {relation} as (\n{sql}\n)")
                        floor_times.append(time.perf_counter() - started)
    return BenchReport(n, rows, load_plan, parse, min(build_times), min(floor_times))


if __name__ == "__main__":
    print(run_bench().summary())

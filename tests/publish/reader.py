"""A BI-like reader process: SQLAlchemy + duckdb-engine, read-only, NullPool, in a loop.

    python -m tests.publish.reader <marts.duckdb> <stop-file> <report.json>

Each iteration opens one connection and checks that every table and `_published` belong to the
same run (rows carry `gen`; counts match `_published`). Writes a JSON report when stopped.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


def main(target: str, stop: str, report: str) -> None:
    engine = create_engine(
        f"duckdb:///{target}", poolclass=NullPool, connect_args={"read_only": True}
    )
    iterations, errors, mixes, runs = 0, [], [], set()
    ready = Path(report + ".ready")
    while not Path(stop).exists():
        try:
            with engine.connect() as con:
                published = con.execute(
                    text("select run_id, table_name, row_count from _published")
                ).fetchall()
                run_ids = {r[0] for r in published}
                for _, table, expected in published:
                    count, low, high = con.execute(
                        text(f"select count(*), min(gen), max(gen) from {table}")
                    ).one()
                    gen = f"run-{low}"
                    if len(run_ids) != 1 or count != expected or low != high or {gen} != run_ids:
                        mixes.append([sorted(run_ids), table, count, expected, low, high])
                runs |= run_ids
            iterations += 1
            ready.touch()
        except Exception as error:  # every error counts
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(0.002)
    Path(report).write_text(json.dumps({
        "iterations": iterations, "errors": errors[:20], "error_count": len(errors),
        "mixes": mixes[:20], "runs": sorted(runs),
    }), encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:4])

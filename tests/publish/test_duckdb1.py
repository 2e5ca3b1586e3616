"""BI tools ship DuckDB 1.x: a real 1.x client opens the published file."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.publish import TableDoc, publish
from pipeline.warehouse import connect
from tests.publish.duckdb1 import run_with_duckdb1
from tests.publish.marts import PUBLISHED, expected_counts, write_generation

READ = """
import duckdb, json
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "published": con.execute("select table_name, row_count from _published").fetchall(),
    "kpis": con.execute("select count(*), sum(value)::double from mart_kpis").fetchall(),
    "comment": con.execute(
        "select comment from duckdb_columns() where table_name = 'mart_kpis' "
        "and column_name = 'value'").fetchall(),
}))
"""


def test_a_duckdb_1x_client_reads_the_published_file(tmp_path: Path) -> None:
    warehouse, target = tmp_path / "wh.duckdb", tmp_path / "marts.duckdb"
    write_generation(warehouse, 3)
    with connect(warehouse) as con:
        publish(
            con,
            target,
            run_id="r",
            names=PUBLISHED,
            docs={"mart_kpis": TableDoc("", {"value": "v"})},
        )
    done = run_with_duckdb1(READ, str(target))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"].startswith("1."), seen["version"]
    assert dict(seen["published"]) == expected_counts(3)
    assert seen["kpis"][0][0] == 103
    assert seen["comment"] == [["v"]]

"""The CDC macro keeps the latest version per key exactly as a row_number window would: keys
delivered once pass through, re-delivered keys keep their latest version, NULL keys are one."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.engine.macros import load_macros
from tests.funnel.harness import MODELS_DIR

ORDER = "modstamp desc nulls last, _file desc, _line desc"
ROWS = [
    # key, modstamp, file, line, value
    ("a", "2024-01-01", "f1", 1, "a only"),
    ("b", "2024-01-01", "f1", 2, "b old"),
    ("b", "2024-01-03", "f2", 1, "b newest"),
    ("b", "2024-01-02", "f3", 1, "b re-delivered older"),
    ("c", None, "f1", 3, "c first file"),
    ("c", None, "f2", 2, "c later file"),
    (None, "2024-01-01", "f1", 4, "null old"),
    (None, "2024-01-05", "f1", 5, "null new"),
]


def latest(con: duckdb.DuckDBPyConnection) -> list[tuple[str | None, str]]:
    sql = load_macros(MODELS_DIR / "macros")["latest_versions"]("versions", "key", ORDER)
    return sorted(
        con.execute(f"select key, value from {sql} as latest").fetchall(),
        key=lambda row: (row[0] is None, row[0] or ""),
    )


def test_latest_versions_keeps_one_row_per_key_as_a_window_does(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "cdc.duckdb"))
    con.execute(
        "create table versions (key varchar, modstamp date, _file varchar, _line int, "
        "value varchar)"
    )
    con.executemany("insert into versions values (?, ?, ?, ?, ?)", ROWS)
    window = sorted(
        con.execute(
            f"select key, value from versions "
            f"qualify row_number() over (partition by key order by {ORDER}) = 1"
        ).fetchall(),
        key=lambda row: (row[0] is None, row[0] or ""),
    )
    assert latest(con) == [
        ("a", "a only"),
        ("b", "b newest"),
        ("c", "c later file"),
        (None, "null new"),
    ]
    assert latest(con) == window

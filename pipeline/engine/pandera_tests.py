"""`pandera` tests: a Pandera DataFrameModel (polars backend) validated on only the columns the
test reads, taken from DuckDB through Arrow (never pandas, never the whole table).

The model is named by the test's `schema:` and found in the module the project file names
(`test-schemas: checks.schemas`), imported when the first such test runs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.engine.values import jsonable

if TYPE_CHECKING:
    import duckdb
    import polars as pl

    from pipeline.engine.model import DataTest
    from pipeline.engine.project import Project

Found = tuple[int, int, list[dict[str, Any]], dict[str, int]]


def schema_model(project: Project, name: str) -> Any:
    """The DataFrameModel `name` of the project's `test-schemas` module."""
    if not project.test_schemas:
        raise LookupError(
            f"pandera schema {name!r}: the project file names no `test-schemas` module; add "
            "`test-schemas: <module>` to project.yml."
        )
    module = importlib.import_module(project.test_schemas)
    found = getattr(module, name, None)
    if found is None:
        raise LookupError(f"pandera schema {name!r} is not defined in {project.test_schemas}.")
    return found


def pandera_projection(test: DataTest, columns: Sequence[str]) -> str | None:
    """The select list a `pandera` test reads: `select`, or every column of the model whose
    name matches `columns_matching`, cast to DOUBLE (None when no column matches)."""
    if "select" in test.args:
        return str(test.args["select"])
    pattern = re.compile(str(test.args["columns_matching"]))
    chosen = [c for c in columns if pattern.search(c)]
    return ", ".join(f'"{c}"::double as "{c}"' for c in chosen) or None


def run_pandera(
    cur: duckdb.DuckDBPyConnection,
    project: Project,
    test: DataTest,
    relation: str,
    sample_rows: int,
) -> Found:
    """(failing rows, rows checked, sample, failures by rule) of a `pandera` test reading
    `relation` (the model or its increment)."""
    import polars as pl
    from pandera.errors import SchemaErrors

    columns = [d[0] for d in cur.execute(f"select * from {relation} limit 0").description or []]
    projection = pandera_projection(test, columns)
    if projection is None:
        return 0, 0, [], {}
    frame = pl.from_arrow(cur.sql(f"select {projection} from {relation}").to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    try:
        schema_model(project, str(test.args["schema"])).validate(frame, lazy=True)
    except SchemaErrors as errors:
        return _failures(frame, errors.failure_cases, sample_rows)
    return 0, frame.height, [], {}


def _failures(frame: pl.DataFrame, cases: pl.DataFrame, sample_rows: int) -> Found:
    import polars as pl

    labelled = cases.with_columns(
        pl.concat_str([pl.col("column"), pl.lit(": "), pl.col("check")]).alias("rule")
    )
    details = {
        str(rule): int(count)
        for rule, count in labelled.group_by("rule").len().sort("rule").iter_rows()
    }
    indexed = labelled.filter(pl.col("index").is_not_null())
    schema_level = labelled.height - indexed.height
    indexes = indexed.get_column("index").unique().sort()
    failing = indexes.len() + schema_level
    rules_by_row: dict[int, list[str]] = {}
    for index, rule in indexed.select("index", "rule").iter_rows():
        rules_by_row.setdefault(int(index), []).append(str(rule))
    sample: list[dict[str, Any]] = []
    for index in indexes.head(sample_rows).to_list():
        row = frame.row(int(index), named=True)
        sample.append({**jsonable(row), "failed": sorted(set(rules_by_row[int(index)]))})
    if schema_level and len(sample) < sample_rows:
        for rule, case in (
            labelled.filter(pl.col("index").is_null()).select("rule", "failure_case").iter_rows()
        ):
            sample.append({"failed": [str(rule)], "failure_case": str(case)})
    return failing, frame.height, sample[:sample_rows], details

"""`python -m pipeline.engine.spark [SELECTOR ...]`: build models on Spark (preview).

Connects as `MOPS_SPARK_REMOTE` says (else a local session), copies the tables the selected
models read from the DuckDB warehouse (`MOPS_WAREHOUSE`, filled by `mops build` or `mops
ingest`) into `MOPS_LAKE`, then builds the selection on Spark and prints one line per model.
Exit status 1 if any model failed or was skipped, 2 if the lint (or a setting) refused.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from pipeline.errors import MopsError

    try:
        return build(argv)
    except MopsError as error:
        print(error, file=sys.stderr)
        return 2


def build(argv: list[str]) -> int:
    from pipeline.engine import load_project, select
    from pipeline.engine.spark import lake, runner, session
    from pipeline.engine.spark.lint import check_project
    from pipeline.settings import Settings
    from pipeline.warehouse import connect

    settings = Settings.from_env()
    project = load_project(settings.models_dir)
    names = [n for n in select(project, argv or None) if not project.models[n].is_seed]
    check_project(project, names)
    spark = session.connect(settings)
    with connect(settings.warehouse, read_only=True) as con:
        lake.copy_from_duckdb(con, spark, settings.lake, runner.inputs_of(project, names))
    failed = 0
    for result in runner.iter_build(spark, project, names, settings.lake):
        rows = "" if result.rows is None else f" {result.rows} rows"
        print(
            f"{result.status:8} {result.relation} ({result.materialized}){rows} "
            f"{result.seconds:.1f}s {result.message}".rstrip()
        )
        failed += not result.ok
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The `mops` command line. Heavy modules are imported inside each command, so `mops --help`
stays instant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import MopsError
from pipeline.settings import Settings

app = typer.Typer(
    name="mops",
    help="Declarative ELT for marketing operations: MAP + CRM + ad spend -> funnel -> KPI marts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """mops: MAP + CRM + ad spend -> one lead-to-revenue funnel -> KPI marts on DuckDB."""


def _fail(error: MopsError) -> typer.Exit:
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command()
def ingest(
    landing: Annotated[
        Path | None, typer.Option(help="Landing folder (default: $MOPS_LANDING_DIR).")
    ] = None,
    warehouse: Annotated[
        Path | None, typer.Option(help="Warehouse file (default: $MOPS_WAREHOUSE).")
    ] = None,
    retry_rejected: Annotated[
        bool, typer.Option(help="Try files rejected before again (same content hash).")
    ] = False,
) -> None:
    """Load every new landing file into the warehouse's raw schema."""
    from pipeline.ingest.loader import ingest_landing
    from pipeline.ingest.report import print_file_results
    from pipeline.warehouse import connect

    settings = Settings.from_env()
    try:
        with connect(warehouse or settings.warehouse, memory_limit=settings.memory_limit) as con:
            results = ingest_landing(
                con, landing or settings.landing_dir, settings, retry_rejected=retry_rejected
            )
    except MopsError as error:
        raise _fail(error) from error
    print_file_results(results)


@app.command()
def build() -> None:
    """Run the main job on this machine: ingest new landing files, then build the models."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.defs.run import run_build

    settings = Settings.from_env()
    console = Console()
    console.print(f"landing:   {settings.landing_dir}")
    try:
        success, outcomes = run_build(settings)
    except MopsError as error:
        raise _fail(error) from error
    table = Table(title="materialized assets")
    table.add_column("asset")
    table.add_column("rows", justify="right")
    for outcome in sorted(outcomes, key=lambda o: o.key):
        table.add_row(outcome.key, "" if outcome.row_count is None else f"{outcome.row_count:,}")
    console.print(table)
    console.print(f"warehouse: {settings.warehouse}  (duckdb {settings.warehouse} -readonly)")
    console.print("load log:  meta.load_log, quarantined rows: meta.quarantine")
    if not success:
        console.print("[red]the build failed: see the errors above or the run in `dagster dev`[/]")
        raise typer.Exit(code=1)

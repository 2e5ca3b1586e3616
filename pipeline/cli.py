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
) -> None:
    """Load every new landing file into the warehouse's raw schema."""
    from pipeline.ingest.loader import ingest_landing
    from pipeline.ingest.report import print_file_results
    from pipeline.warehouse import connect

    settings = Settings.from_env()
    try:
        with connect(warehouse or settings.warehouse, memory_limit=settings.memory_limit) as con:
            results = ingest_landing(con, landing or settings.landing_dir, settings)
    except MopsError as error:
        raise _fail(error) from error
    print_file_results(results)

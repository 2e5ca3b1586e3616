"""The `mops` command line. Heavy modules are imported inside each command, so `mops --help`
stays instant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.errors import MopsError
from pipeline.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console

    from pipeline.run import BuildOutcome

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


NoWaitOption = Annotated[
    bool,
    typer.Option(
        "--no-wait", help="If another build holds the warehouse, exit 1 instead of waiting."
    ),
]


def _waiting(message: str) -> None:
    typer.secho(message, fg=typer.colors.YELLOW, err=True)


@contextmanager
def _one_build(warehouse: Path, settings: Settings, no_wait: bool) -> Iterator[None]:
    """The warehouse's build lock (pipeline/lock.py) and the file mode of what it writes."""
    from pipeline.filemodes import apply_umask
    from pipeline.lock import build_lock

    apply_umask(settings.file_mode)
    with build_lock(warehouse, wait=not no_wait, on_wait=_waiting, mode=settings.file_mode):
        yield


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
    no_wait: NoWaitOption = False,
) -> None:
    """Load every new landing file into the warehouse's raw schema."""
    from pipeline.ingest.loader import ingest_landing
    from pipeline.ingest.report import print_file_results
    from pipeline.warehouse import connect

    try:
        settings = Settings.from_env()
        target = warehouse or settings.warehouse
        with (
            _one_build(target, settings, no_wait),
            connect(target, memory_limit=settings.memory_limit) as con,
        ):
            results = ingest_landing(
                con, landing or settings.landing_dir, settings, retry_rejected=retry_rejected
            )
    except MopsError as error:
        raise _fail(error) from error
    print_file_results(results)


@app.command()
def build(
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild incremental models from scratch.")
    ] = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Run the nightly job here: ingest new files, build the models, run the checks, publish."""
    from pipeline.progress import Progress
    from pipeline.run import model_count, run_build

    console = _console()
    try:
        settings = Settings.from_env()
        console.print(f"landing:   {settings.landing_dir}")
        progress = Progress(lambda line: console.print(line, markup=False), model_count())
        with _one_build(settings.warehouse, settings, no_wait):
            outcome = run_build(settings, full_refresh=full_refresh, on_event=progress)
    except MopsError as error:
        raise _fail(error) from error
    _print_summary(console, outcome, settings)
    if not outcome.success:
        console.print("[red]the run failed: see the errors above or the run in `make dev`[/]")
        raise typer.Exit(code=1)


def _console() -> Console:
    """Rich output; outside a terminal nothing is wrapped or cut (a long line stays one line)."""
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        return console
    return Console(width=1_000, soft_wrap=True, no_color=True)


def _print_summary(console: Console, outcome: BuildOutcome, settings: Settings) -> None:
    """The assets in pipeline order, then the checks that failed, then where things are."""
    from rich.table import Table

    table = Table(title="materialized assets (in pipeline order)")
    for name in ("asset", "rows", "loaded", "quarantined"):
        table.add_column(name, justify="left" if name == "asset" else "right")
    for asset in outcome.assets:
        table.add_row(
            asset.key, _number(asset.row_count),
            _number(asset.rows_loaded), _number(asset.rows_quarantined),
        )  # fmt: skip
    console.print(table)
    failed = outcome.failed_checks
    passed = len(outcome.checks) - len(failed)
    console.print(f"checks:    {passed} passed, {len(failed)} failed")
    for check in failed:
        style = "red" if check.blocking else "yellow"
        console.print(f"  [{style}]{'error' if check.blocking else 'warn '}[/] {check.key}")
        for line in check.offending_files.splitlines():
            text = f"        {line.removeprefix('- ')}"
            console.print(text, markup=False, highlight=False, soft_wrap=True)
    console.print(f"warehouse: {settings.warehouse}", markup=False)
    console.print("load log:  meta.load_log, quarantined rows: meta.quarantine")
    if outcome.published:
        console.print(f"marts:     {settings.marts}  (published; Parquet in marts_parquet/)")
    else:
        console.print(f"marts:     not published this run; {settings.marts} is unchanged")
    for report in outcome.reports:
        console.print(f"report:    {report}", markup=False)
    console.print(f"query:     {QUERY_HINT.format(marts=settings.marts)}", markup=False)
    console.print(f"dagster:   run {outcome.run_id} of the job in `make dev`", markup=False)


QUERY_HINT = (
    '.venv/bin/python -c "import duckdb; '
    "duckdb.connect('{marts}', read_only=True)"
    ".sql('select table_name, row_count, as_of from _published').show()\""
)


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


# --- model engine commands (issue 3) ---------------------------------------------------------

SelectOption = Annotated[
    list[str] | None,
    typer.Option("--select", "-s", help="Selectors: model, +model, model+, tag:x, path:dir."),
]
ExcludeOption = Annotated[list[str] | None, typer.Option("--exclude", help="Selectors to skip.")]
VarsOption = Annotated[
    str | None, typer.Option("--vars", help="Project vars as YAML/JSON: '{start: 2024-01-01}'.")
]
ModelsDirOption = Annotated[
    Path | None, typer.Option("--models-dir", help="Models folder (default: $MOPS_MODELS_DIR).")
]


@app.command("compile")
def compile_cmd(
    model: Annotated[str, typer.Argument(help="Model name (the file stem).")],
    vars: VarsOption = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Print a model's final SQL (rendered, ephemeral models inlined)."""
    from pipeline.engine.report import compile_one, load_for_cli

    try:
        project = load_for_cli(models_dir or Settings.from_env().models_dir, vars)
        typer.echo(compile_one(project, model))
    except MopsError as error:
        raise _fail(error) from error


@app.command("ls")
def ls_cmd(
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """List the selected models in dependency order: name, materialization, relation, file."""
    from pipeline.engine import select as select_models
    from pipeline.engine.report import load_for_cli

    try:
        project = load_for_cli(models_dir or Settings.from_env().models_dir)
        for name in select_models(project, select, exclude):
            model = project.models[name]
            typer.echo(f"{name}\t{model.materialized}\t{model.relation}\t{model.rel_path}")
    except MopsError as error:
        raise _fail(error) from error


@app.command("models")
def models_cmd(
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    vars: VarsOption = None,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild incremental models from scratch.")
    ] = False,
    threads: Annotated[int, typer.Option(help="Models built concurrently.")] = 1,
    models_dir: ModelsDirOption = None,
    warehouse: Annotated[
        Path | None, typer.Option(help="Warehouse file (default: $MOPS_WAREHOUSE).")
    ] = None,
    no_wait: NoWaitOption = False,
) -> None:
    """Load the seeds, then build the selected models; print status, rows, seconds per model."""
    from pipeline.engine import iter_build
    from pipeline.engine import select as select_models
    from pipeline.engine.report import ResultsTable, load_for_cli
    from pipeline.seeds import load_seeds
    from pipeline.warehouse import connect

    table = ResultsTable()
    try:
        settings = Settings.from_env()
        project = load_for_cli(models_dir or settings.models_dir, vars)
        names = select_models(project, select, exclude)
        target = warehouse or settings.warehouse
        with (
            _one_build(target, settings, no_wait),
            connect(target, memory_limit=settings.memory_limit) as con,
        ):
            load_seeds(con, settings.seeds_dir)
            for result in iter_build(
                con, project, names, full_refresh=full_refresh, threads=threads
            ):
                table.add(result)
    except MopsError as error:
        raise _fail(error) from error
    table.print()
    if table.failed:
        raise typer.Exit(code=1)


@app.command("bench-engine")
def bench_engine_cmd(
    models: Annotated[int, typer.Option(help="Synthetic models to generate.")] = 200,
    rows: Annotated[int, typer.Option(help="Rows in the synthetic source table.")] = 20_000,
    enforce: Annotated[
        bool, typer.Option(help="Exit 1 when a ratio misses its target (default: report only).")
    ] = False,
) -> None:
    """Measure engine overhead: load+plan vs. bare sqlglot parsing, build vs. the compiled SQL."""
    from pipeline.engine.bench import run_bench

    report = run_bench(models, rows=rows)
    typer.echo(report.summary())
    ratios = {"load_plan_over_parse": report.load_plan_ratio, "models_over_floor": report.ratio}
    _judge(ratios, enforce)


def _judge(ratios: dict[str, float], enforce: bool) -> None:
    """Print each ratio against its target; with `enforce`, a missed target exits 1."""
    from pipeline.bench.targets import judge, missed

    verdicts = judge(ratios)
    typer.echo("targets (" + ("enforced" if enforce else "report only") + "):")
    for verdict in verdicts:
        typer.echo(verdict.line())
    if enforce and missed(verdicts):
        typer.echo(
            f"{len(missed(verdicts))} target(s) missed; compare with a run on a quiet machine "
            "before looking for a slower code path",
            err=True,
        )
        raise typer.Exit(1)


@app.command("bench")
def bench_cmd(
    scale: Annotated[str, typer.Option(help="small (10k people), medium (100k), large (1M).")] = (
        "small"
    ),
    cache: Annotated[
        Path, typer.Option(help="Where worlds (reused, keyed by parameters) and runs live.")
    ] = Path("data/bench"),
    memory_limit: Annotated[str, typer.Option(help="DuckDB memory limit; it spills beyond.")] = (
        "2GB"
    ),
    repeats: Annotated[
        int, typer.Option(min=1, help="Floor and repeat rounds (best of N each).")
    ] = 2,
    enforce: Annotated[
        bool | None,
        typer.Option(
            "--enforce/--report-only",
            help="Exit 1 when a ratio misses its target (default: enforced at medium and "
            "large, report only at small, the smoke test `make test` runs).",
        ),
    ] = None,
) -> None:
    """Benchmark the pipeline: full build, one nightly day and the DuckDB floor, per stage."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.bench.run import run_bench
    from pipeline.bench.worlds import SCALES

    if scale not in SCALES:
        raise typer.BadParameter(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    console = Console()
    result = run_bench(
        SCALES[scale],
        cache.resolve(),
        memory_limit,
        repeats=repeats,
        progress=lambda s: console.log(s),
    )
    table = Table(title=f"mops bench --scale {scale} ({result.people:,} people)")
    for header in ("run", "stage", "seconds", "rows", "rows/s", "peak MiB"):
        table.add_column(header, justify="left" if header in {"run", "stage"} else "right")
    for s in result.stages:
        table.add_row(
            s.run, s.stage, f"{s.seconds:.2f}", f"{s.rows:,}", f"{s.rows_per_second:,.0f}",
            f"{s.peak_bytes / 2**20:,.0f}",
        )  # fmt: skip
    console.print(table)
    for kind in ("models", "checks"):
        for run in ("full", "nightly"):
            slowest = result.slowest(run, kind=kind)
            console.print(
                f"slowest {kind} ({run}): " + ", ".join(f"{n} {sec:.1f} s" for n, sec in slowest)
            )
    target = cache.resolve() / f"result-{scale}.json"
    target.write_text(result.to_json())
    console.print(f"JSON: {target}")
    print(result.summary())
    _judge(result.ratios, scale != "small" if enforce is None else enforce)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Landing folder to write the world into.")],
    people: Annotated[int, typer.Option(help="Number of people (humans).")] = 2000,
    days: Annotated[int, typer.Option(help="Number of daily extract days.")] = 120,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 7,
    end_date: Annotated[
        str, typer.Option("--end-date", help="Last extract day, YYYY-MM-DD.")
    ] = "2026-10-31",
    dirty_rows: Annotated[
        bool, typer.Option(help="Add a handful of unparseable values (quarantine tests).")
    ] = False,
    activity_rate: Annotated[
        float, typer.Option(help="Multiplies email sends and web visits per person-day.")
    ] = 1.0,
) -> None:
    """Write a deterministic synthetic MAP + CRM + ads + FX world as daily landing files."""
    from datetime import date

    from pipeline.generate import generate_world

    summary = generate_world(
        out, people=people, days=days, seed=seed, end_date=date.fromisoformat(end_date),
        dirty_rows=dirty_rows, activity_rate=activity_rate,
    )  # fmt: skip
    typer.echo(
        f"wrote {len(summary.files)} files, {sum(summary.counts.values()):,} rows "
        f"({summary.start_date} .. {summary.end_date}) to {out} in {summary.seconds:.1f}s"
    )
    for key, rows in summary.counts.items():
        typer.echo(f"  {key:<40} {rows:>12,}")
    typer.echo("dirt: " + ", ".join(f"{k}={v}" for k, v in summary.dirt.items()))


@app.command()
def rollback(
    marts: Annotated[
        Path | None, typer.Option(help="Published marts file (default: $MOPS_MARTS).")
    ] = None,
) -> None:
    """Swap the published marts file with the previous generation (run it again to undo)."""
    from pipeline.publish import rollback as rollback_marts

    target = marts or Settings.from_env().marts
    try:
        now, previous = rollback_marts(target)
    except MopsError as error:
        raise _fail(error) from error
    typer.echo(f"published: {target} (run {now}); previous generation: run {previous}")


@app.command("report")
def report_cmd(
    grain: Annotated[str, typer.Option(help="week, month or quarter.")] = "month",
    period: Annotated[
        str | None,
        typer.Option(help="2026-10, 2026-Q4, 2026-W43 or a date in it (default: latest complete)."),
    ] = None,
    marts: Annotated[
        Path | None, typer.Option(help="Published marts file (default: $MOPS_MARTS).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Reports folder (default: $MOPS_REPORTS_DIR).")
    ] = None,
    pdf: Annotated[
        bool | None,
        typer.Option(
            help="Also print a PDF when Chromium is installed (default: MOPS_REPORT_PDF)."
        ),
    ] = None,
) -> None:
    """Write the performance report of a period: <reports dir>/<grain>/<period>.html (+ .pdf)."""
    from pipeline.report import build_report

    try:
        settings = Settings.from_env()
        pdf = settings.report_pdf if pdf is None else pdf
        result = build_report(
            marts or settings.marts, out or settings.reports_dir, grain, period, pdf=pdf,
            file_mode=settings.file_mode,
        )  # fmt: skip
    except MopsError as error:
        raise _fail(error) from error
    typer.echo(f"report: {result.html} ({result.bytes / 1024:,.0f} KiB, {result.seconds:.1f}s)")
    if result.pdf is not None:
        typer.echo(f"pdf:    {result.pdf}")
    elif pdf:
        typer.echo("pdf:    not written (no Chromium found: apt-get install chromium)")

"""`report/week`, `report/month`, `report/quarter`: after `publish/marts`, the performance
report of the latest complete week and month and of the latest (current) quarter, as an HTML
file (and a PDF when Chromium is installed) under MOPS_REPORTS_DIR; metadata links the file."""

from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.defs.publish import PUBLISH_GROUP, PUBLISH_KEY
from pipeline.defs.resources import WarehouseResource

REPORT_SOURCE = Path(__file__).resolve().parent.parent / "report" / "build.py"
NIGHTLY_PERIODS = {"week": "latest complete", "month": "latest complete", "quarter": "latest"}


class ReportConfig(dg.Config):
    """Run config of a `report/<grain>` asset."""

    period: str = ""  # 2026-10, 2026-Q4, 2026-W43 (default: see NIGHTLY_PERIODS)


def report_key(grain: str) -> dg.AssetKey:
    return dg.AssetKey(["report", grain])


def report_asset(grain: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=report_key(grain),
        group_name=PUBLISH_GROUP,
        deps=[PUBLISH_KEY],
        kinds={"html"},
        owners=["team:marketing-operations"],
        description=f"The {grain}ly performance report of the {NIGHTLY_PERIODS[grain]} {grain} "
        "from the published marts: executive summary, key metrics with trends, funnel stages, "
        "channels, ICP, opportunities and risks, action items, data quality; "
        f"MOPS_REPORTS_DIR/{grain}/<period>.html (+ .pdf with Chromium). `mops report "
        f"--grain {grain}` builds the same file.",
        metadata={
            "dagster/code_references": dg.CodeReferencesMetadataValue(
                code_references=[dg.LocalFileCodeReference(file_path=str(REPORT_SOURCE))]
            ),
        },
    )
    def _report(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: ReportConfig
    ) -> dg.MaterializeResult:  # type: ignore[type-arg]
        return run_report(context, warehouse, grain, config.period)

    return _report


def run_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, grain: str, period: str
) -> dg.MaterializeResult:  # type: ignore[type-arg]
    from pipeline.report import PeriodError, build_report

    settings = warehouse.settings()
    try:
        result = build_report(
            settings.marts, settings.reports_dir, grain, period or None,
            pdf=settings.report_pdf, latest=grain == "quarter",
            file_mode=settings.file_mode,
        )  # fmt: skip
    except PeriodError as error:
        if period:
            raise
        context.log.warning(f"no {grain} report: {error}")
        return dg.MaterializeResult(metadata={"report": f"none: {error}"})
    metadata: dict[str, Any] = {
        "path": dg.MetadataValue.path(str(result.html)),
        "url": dg.MetadataValue.url(result.html.resolve().as_uri()),
        "period": result.period.label,
        "bytes": result.bytes,
        "signals": result.signals,
        "targets": result.has_targets,
        "seconds": round(result.seconds, 3),
    }
    if result.pdf is not None:
        metadata["pdf"] = dg.MetadataValue.path(str(result.pdf))
    return dg.MaterializeResult(metadata=metadata)


def report_defs() -> dg.Definitions:
    return dg.Definitions(assets=[report_asset(grain) for grain in NIGHTLY_PERIODS])


__all__ = ["ReportConfig", "report_asset", "report_defs", "report_key"]

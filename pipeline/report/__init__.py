"""The performance report (issue 21): a self-contained HTML page (and a PDF when Chromium is
installed) per grain and period, built from the published marts: `mops report` and the Dagster
assets `report/<grain>`."""

from pipeline.report.build import ReportResult, build_report, notes_path
from pipeline.report.errors import MartsMissingError, PeriodError, ReportError
from pipeline.report.periods import GRAINS, Period, parse_period

__all__ = ["GRAINS", "MartsMissingError", "Period", "PeriodError", "ReportError", "ReportResult",
           "build_report", "notes_path", "parse_period"]  # fmt: skip

"""Errors of the report: each says what is wrong and what to do."""

from pipeline.errors import MopsError


class ReportError(MopsError):
    """The report cannot be built from the published marts."""


class MartsMissingError(ReportError):
    """The published marts file is absent or lacks a table the report needs."""


class PeriodError(ReportError):
    """The requested grain or period is not valid or has no data."""

"""Every gate result states why it passed or failed: the counts against the rule's thresholds."""

from __future__ import annotations

from checks.config import CheckSettings
from checks.gate import CheckOutcome
from checks.registry import SqlCheck

EMAIL = SqlCheck("marts.dim_person", "email_syntax", "emails are valid", "select 1")


def outcome(settings: CheckSettings, failing: int, checked: int | None = 600) -> CheckOutcome:
    status = "passed" if settings.passes(failing, checked) else "failed"
    return CheckOutcome(EMAIL, settings, status, failing, checked)


def test_a_clean_pass_counts_its_rows() -> None:
    assert outcome(CheckSettings(), 0).verdict() == (
        "passed: 0 failing row(s) of 600 checked (0.00%)"
    )


def test_failures_under_the_rate_threshold_pass_within_it() -> None:
    tolerant = CheckSettings(severity="warn", max_failing_rate=0.02)
    assert outcome(tolerant, 2).verdict() == (
        "passed within threshold 0.02 (max_failing_rate): 2 failing row(s) of 600 checked (0.33%)"
    )


def test_failures_under_the_row_threshold_pass_within_it() -> None:
    assert outcome(CheckSettings(max_failing_rows=3), 3, None).verdict() == (
        "passed within threshold 3 (max_failing_rows): 3 failing row(s)"
    )


def test_a_failure_names_the_thresholds_it_broke() -> None:
    tolerant = CheckSettings(severity="warn", max_failing_rate=0.002)
    assert outcome(tolerant, 2).verdict() == (
        "failed: 2 failing row(s) of 600 checked (0.33%), "
        "over max_failing_rows 0 and max_failing_rate 0.002 (warn)"
    )


def test_a_check_that_cannot_run_says_so() -> None:
    broken = CheckOutcome(EMAIL, CheckSettings(), "failed", error="CatalogException: no table")
    assert broken.verdict() == "failed: the check could not run (CatalogException: no table)"

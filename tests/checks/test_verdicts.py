"""Every test result states why it passed or failed: the counts against the test's thresholds."""

from __future__ import annotations

from pathlib import Path

from pipeline.engine.model import DataTest
from pipeline.engine.tests import TestResult

EMAIL = DataTest(
    "email_syntax", "pandera", "dim_person", "error", Path("x.yml"), 1, relation="marts.dim_person"
)


def outcome(
    failing: int,
    checked: int | None = 600,
    *,
    severity: str = "error",
    rows: int = 0,
    rate: float | None = None,
) -> TestResult:
    test = DataTest(
        EMAIL.name, EMAIL.kind, EMAIL.model, severity, EMAIL.path, EMAIL.line,  # type: ignore[arg-type]
        max_failing_rows=rows, max_failing_rate=rate, relation=EMAIL.relation,
    )  # fmt: skip
    status = "passed" if test.passes(failing, checked) else "failed"
    return TestResult(test, status, failing, 0.0, "select 1", checked_rows=checked)


def test_a_clean_pass_counts_its_rows() -> None:
    assert outcome(0).verdict() == "passed: 0 failing row(s) of 600 checked (0.00%)"


def test_failures_under_the_rate_threshold_pass_within_it() -> None:
    assert outcome(2, severity="warn", rate=0.02).verdict() == (
        "passed within threshold 0.02 (max_failing_rate): 2 failing row(s) of 600 checked (0.33%)"
    )


def test_failures_under_the_row_threshold_pass_within_it() -> None:
    assert outcome(3, None, rows=3).verdict() == (
        "passed within threshold 3 (max_failing_rows): 3 failing row(s)"
    )


def test_a_failure_names_the_thresholds_it_broke() -> None:
    assert outcome(2, severity="warn", rate=0.002).verdict() == (
        "failed: 2 failing row(s) of 600 checked (0.33%), "
        "over max_failing_rows 0 and max_failing_rate 0.002 (warn)"
    )


def test_a_check_that_cannot_run_says_so() -> None:
    broken = TestResult(EMAIL, "failed", 0, 0.0, "", error="CatalogException: no table")
    assert broken.verdict() == "failed: the test could not run (CatalogException: no table)"
    assert broken.summary() == (
        "marts.dim_person:email_syntax [error]: "
        "failed: the test could not run (CatalogException: no table)"
    )

"""A real browser opens the report from disk with the network shut off: Debian's `chromium`
(headless) takes a screenshot and prints the PDF in one start; no console message, several
pages. The screenshot and PDF are kept under data/test-artifacts/ for CI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipeline.report import build_report
from pipeline.report.pdf import chromium_args
from pipeline.settings import PROJECT_ROOT
from tests.report.marts_world import build_marts

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "data" / "test-artifacts"

pytestmark = [
    pytest.mark.report,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


def test_chromium_renders_the_page_offline_without_console_messages(tmp_path: Path) -> None:
    marts = build_marts(tmp_path / "marts.duckdb")
    html = build_report(marts, tmp_path / "reports", "month", pdf=False).html
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot, pdf = ARTIFACTS / "report-month.png", ARTIFACTS / "report-month.pdf"
    for path in (shot, pdf):
        path.unlink(missing_ok=True)
    args = chromium_args(
        str(CHROMIUM), "--enable-logging=stderr", "--v=0", "--window-size=1100,2400",
        f"--screenshot={shot}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    )  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "CONSOLE" not in done.stderr, re.findall(r".*CONSOLE.*", done.stderr)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    assert pages >= 3, f"{pages} page(s): the page rendered too short"

"""A PDF of the page when a Chromium is installed (`--print-to-pdf`, headless, no network)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
OFFLINE = ("--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND")


def find_chromium() -> str | None:
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def chromium_args(browser: str, *extra: str) -> list[str]:
    """Headless Chromium with the network shut off (root needs --no-sandbox)."""
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
            "--no-first-run", "--disable-dev-shm-usage", *OFFLINE, *extra]  # fmt: skip


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path | None:
    """The PDF beside the HTML, or None without a renderer or when it fails (the HTML stays)."""
    browser = find_chromium()
    if browser is None:
        return None
    args = chromium_args(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                         html.resolve().as_uri())  # fmt: skip
    try:
        subprocess.run(args, capture_output=True, timeout=timeout, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return pdf if pdf.exists() and pdf.stat().st_size > 0 else None

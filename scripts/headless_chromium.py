"""The headless system Chromium (Debian package ``chromium``) that the browser tests and the benchmark
drive with Playwright: where it is, the flags it runs with on a machine without a GPU or display, and
how a page of it tells that the Streamlit app in it has settled."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def executable() -> str | None:
    """The Chromium binary: ``$CHROMIUM_PATH``, Debian's ``/usr/bin/chromium`` or ``chromium`` on the PATH; None if absent."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(playwright: Any, path: str) -> Any:
    """A headless Chromium browser from ``path``, started by a running Playwright."""
    return playwright.chromium.launch(executable_path=path, args=ARGS, headless=True)


# True when, at one and the same moment, the script is not running, ``content`` (a CSS selector) is in the
# main area and no placeholder skeleton is left. Checked together, not one after the other: between a
# first run that ends early and the run that follows it, "not running" alone is true on an empty page.
_SETTLED = """content => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
  && document.querySelector('[data-testid="stMainBlockContainer"] ' + content)
  && !document.querySelector('[data-testid="stSkeleton"]')"""


def wait_until_settled(page: Any, content: str, timeout_ms: float) -> None:
    """Wait until the app in ``page`` has finished running and shows ``content`` (a CSS selector) in its main area."""
    page.wait_for_function(_SETTLED, arg=content, timeout=timeout_ms)

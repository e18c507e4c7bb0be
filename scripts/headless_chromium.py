"""The headless system Chromium (Debian package ``chromium``) that the browser tests and the benchmark
drive with Playwright: where it is, and the flags it runs with on a machine without a GPU or display."""

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

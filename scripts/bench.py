"""Benchmark: warm rerun time of every page beside an empty Streamlit page, in one process.

Each page is opened once through ``app.py`` (as a visitor would), then rerun ``RUNS`` times;
the median is compared with the median rerun of a page that only imports Streamlit.
Targets on the shipped data: every page at most 5x the empty page and under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PAGES = [
    ("Overview", None),
    ("Map", "views/map.py"),
    ("Site profile", "views/site.py"),
    ("Themes", "views/themes.py"),
    ("Ecosystem metrics", "views/metrics.py"),
    ("Library", "views/library.py"),
]
MAX_RATIO = 5.0
MAX_MS = 100.0


def median_rerun_ms(at: AppTest, runs: int) -> float:
    """Median wall time of ``runs`` reruns of the page the AppTest is on, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise SystemExit(f"page raised: {at.exception}")
    return statistics.median(times)


def empty_page_ms(runs: int) -> float:
    """The baseline: a Streamlit page that does nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "empty.py"
        script.write_text("import streamlit as st\n")
        at = AppTest.from_file(str(script), default_timeout=60)
        at.run()
        return median_rerun_ms(at, runs)


def shell_ms(runs: int) -> float:
    """The app's shell (catalog, filters, navigation, share link, footer) around an empty page."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "empty.py").write_text("import streamlit as st\n")
        script = Path(tmp) / "shell.py"
        script.write_text(
            "import sys\n"
            f"sys.path.insert(0, {str(ROOT / 'src')!r})\n"
            "import streamlit as st\n"
            "from dashboard import ui\n"
            "ui.app_shell([st.Page('empty.py', title='Empty', url_path='empty', default=True)])\n"
        )
        at = AppTest.from_file(str(script), default_timeout=60)
        at.run()
        return median_rerun_ms(at, runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    baseline = empty_page_ms(args.runs)
    shell = shell_ms(args.runs)
    rows = []
    for name, page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        if page:
            at.switch_page(page).run()
        rows.append((name, median_rerun_ms(at, args.runs)))
    print(f"Warm rerun, median of {args.runs} AppTest runs per page (same process)\n")
    print("| page | median ms | × empty page | within target |")
    print("|---|---:|---:|:---:|")
    print(f"| empty Streamlit page (baseline) | {baseline:.1f} | 1.0 | |")
    print(f"| the app's shell around an empty page (for reference) | {shell:.1f} | {shell / baseline:.1f} | |")
    failed = 0
    for name, ms in rows:
        ratio = ms / baseline
        ok = ratio <= MAX_RATIO and ms < MAX_MS
        failed += not ok
        print(f"| {name} | {ms:.1f} | {ratio:.1f} | {'yes' if ok else 'NO'} |")
    print(f"\nTarget: at most {MAX_RATIO:g}× the empty page and under {MAX_MS:g} ms.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

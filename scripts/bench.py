"""Benchmark: warm rerun time of every page beside an empty Streamlit page, in one process.

Each page is opened once through ``app.py`` (as a visitor would), then rerun ``--runs`` times
(default 60). Every round reruns each page once, each right after a rerun of a page that only
imports Streamlit; a page's median is compared with the median of its paired empty-page reruns.
Targets on the shipped data: every page at most 5x the empty page and under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]

PAGES = [
    ("Overview", None),
    ("Map", "pages/sites_map.py"),
    ("Site profile", "pages/site_profile.py"),
    ("Themes", "pages/theme_browser.py"),
    ("Ecosystem metrics", "pages/ecosystem_metrics.py"),
    ("Library", "pages/source_library.py"),
]
MAX_RATIO = 5.0
MAX_MS = 100.0


def round_robin_medians(subjects: list[AppTest], baseline: AppTest, runs: int) -> list[tuple[float, float]]:
    """For each subject, the median rerun time (ms) and the median of the empty-page reruns paired with it.

    Every round reruns each subject once, each right after a rerun of the empty page, so a slow
    spell of the machine falls on all pages and on their baselines alike.
    """
    times: list[tuple[list[float], list[float]]] = [([], []) for _ in subjects]
    for _ in range(runs):
        for subject, (subject_times, baseline_times) in zip(subjects, times):
            for at, out in ((baseline, baseline_times), (subject, subject_times)):
                start = time.perf_counter()
                at.run()
                out.append((time.perf_counter() - start) * 1000)
                if at.exception:
                    raise SystemExit(f"page raised: {at.exception}")
    return [(statistics.median(page), statistics.median(empty)) for page, empty in times]


def opened(script: Path, page: str | None = None) -> AppTest:
    """An AppTest of ``script`` after its first run (and a switch to ``page``, if given)."""
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--page", action="append", help="only this page (by name; may repeat)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.py"
        empty.write_text("import streamlit as st\n")
        baseline = opened(empty)
        chosen = [(name, page) for name, page in PAGES if not args.page or name in args.page]
        subjects = [opened(ROOT / "app.py", page) for _, page in chosen]
        medians = round_robin_medians(subjects, baseline, args.runs)
    names = [name for name, _ in chosen]
    rows = [(name, ms, empty_ms, True) for name, (ms, empty_ms) in zip(names, medians)]
    print(
        f"Warm rerun, median of {args.runs} AppTest runs per page; every round reruns each page once, "
        "each right after a rerun of an empty page\n"
    )
    print("| page | median ms | empty page, same rounds (ms) | × empty page | within target |")
    print("|---|---:|---:|---:|:---:|")
    failed = 0
    for name, ms, empty_ms, checked in rows:
        ratio = ms / empty_ms
        ok = ratio <= MAX_RATIO and ms < MAX_MS
        failed += bool(checked) and not ok
        verdict = ("yes" if ok else "NO") if checked else ""
        print(f"| {name} | {ms:.1f} | {empty_ms:.1f} | {ratio:.1f} | {verdict} |")
    print(f"\nTarget: every page at most {MAX_RATIO:g}× the empty page and under {MAX_MS:g} ms.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run the benchmark: ``python -m scripts.bench [--quick] [--only load,replicas ...]`` (or ``make bench``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scripts import bench
from scripts import loadclient as lc
from scripts.bench.brief import measure_brief
from scripts.bench.check import checks
from scripts.bench.measure import (
    APP,
    ARTIFACTS,
    FILTER_LINKS,
    PAGES,
    PAUSE_S,
    hello_app,
    measure_cold_start,
    measure_load,
    measure_memory,
    measure_replicas,
    measure_synthetic,
    serve,
)
from scripts.bench.pages import FIRST_VISITS, measure_pages, served_reference
from scripts.bench.profile import profile_load, profile_pages
from scripts.bench.report import markdown
from scripts.bench.upload import MEMORY_ROUNDS, measure_upload, measure_upload_memory

PARTS = (
    "memory",
    "pages",
    "load",
    "upload",
    "upload-memory",
    "cold",
    "synthetic",
    "replicas",
    "brief",
    "profile",
    "load-profile",
)
DEFAULT_PARTS = PARTS[:-2]  # the profiles only with --profile (or --only profile,load-profile)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts, print the report, write the JSON; 1 when a target is missed or unmeasured."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench", description=bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        default=",".join(DEFAULT_PARTS),
        help=f"comma-separated parts of {','.join(PARTS)} (default all but the profiles)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also sample each page's warm reruns and first visits, and the load, with py-spy"
    )
    parser.add_argument("--profile-runs", type=int, default=30, help="reruns and first visits sampled per page (default 30)")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--reruns", type=int, default=6, help="reruns per visitor in the load runs (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each load run (default 3)")
    parser.add_argument("--page-rounds", type=int, default=30, help="paired reruns per page (default 30)")
    parser.add_argument(
        "--first-visits", type=int, default=FIRST_VISITS, help=f"first visits per page and reference (default {FIRST_VISITS})"
    )
    parser.add_argument("--upload-repeats", type=int, default=5, help="uploads of the largest map (default 5)")
    parser.add_argument(
        "--pause",
        type=float,
        default=PAUSE_S,
        help=f"seconds between one visitor's reruns in pages, upload, synthetic (default {PAUSE_S})",
    )
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--factors", default="10,100", help="synthetic program sizes (default 10,100)")
    parser.add_argument("--quick", action="store_true", help="small numbers, to try the benchmark out")
    parser.add_argument("--json", type=Path, default=ARTIFACTS / "bench.json")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()] + (["profile", "load-profile"] if args.profile else [])
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    if args.upload_repeats < 1:
        parser.error("--upload-repeats must be 1 or more")
    if args.quick:
        args.users, args.reruns, args.rounds, args.page_rounds, args.cold_runs, args.factors = 6, 3, 1, 5, 1, "2,4"
        args.upload_repeats, args.first_visits, args.profile_runs = 2, 2, 5
    factors = [int(f) for f in args.factors.split(",")]
    links = lc.link_list([text for _, text in PAGES] + FILTER_LINKS)
    results: dict[str, Any] = {"parts": parts, "machine": {"cpus": os.cpu_count()}, "pause_s": args.pause}
    started = time.monotonic()
    (ARTIFACTS / "bench").mkdir(parents=True, exist_ok=True)

    load_average = results["machine"]["load_average_1min"] = {"start": round(os.getloadavg()[0], 2)}

    def step(name: str, run: Callable[[], dict[str, Any]]) -> None:
        if name in parts:
            print(f"[{time.monotonic() - started:5.0f} s] {name} ...", file=sys.stderr, flush=True)
            load_average[name] = round(os.getloadavg()[0], 2)
            results[name] = run()

    if {"memory", "pages", "load", "upload", "profile", "load-profile", "cold"} & set(parts):
        with (
            hello_app() as hello_script,
            serve(APP, "app") as (app_url, app_proc),
            serve(hello_script, "hello") as (hello_url, hello_proc),
            serve(hello_script.with_name("blocks.py"), "blocks") as (blocks_url, blocks_proc),
            served_reference(app_url) as (own, replayed, reference_script),
        ):
            app, hello, blocks = (app_url, app_proc.pid), (hello_url, hello_proc.pid), (blocks_url, blocks_proc.pid)
            results["references"] = replayed
            step("memory", lambda: measure_memory(app, hello, links, args.users))
            step("pages", lambda: measure_pages(app, own, hello, blocks, args.page_rounds, args.first_visits, args.pause))
            step("load", lambda: measure_load(app, hello, links, args.users, args.reruns, args.rounds, own))
            step("upload", lambda: measure_upload(app, hello, args.upload_repeats, args.page_rounds, args.pause))
            step("cold", lambda: measure_cold_start(args.cold_runs, reference_script))
            page_links = {name: lc.Link.parse(text) for name, text in PAGES}
            step(
                "profile",
                lambda: {
                    "app": profile_pages(app, page_links, args.profile_runs, args.pause),
                    "references": profile_pages(own, page_links, args.profile_runs, args.pause),
                },
            )
            step(
                "load-profile",
                lambda: {
                    name: profile_load(server, links, args.users, args.reruns, args.rounds)
                    for name, server in (("app", app), ("references", own))
                },
            )
    step("upload-memory", lambda: measure_upload_memory(rounds=1 if args.quick else MEMORY_ROUNDS))
    step("synthetic", lambda: measure_synthetic(factors, 10, args.pause))
    step("replicas", lambda: measure_replicas(links, args.users, args.reruns, args.rounds))
    step("brief", lambda: measure_brief(1 if args.quick else 5))
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    load_average["end"] = round(os.getloadavg()[0], 2)

    found = checks(results)
    results["checks"] = [asdict(check) for check in found]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(markdown(results, found))
    missed = [c for c in found if c.ok is not True]
    print(f"\n{len(found) - len(missed)} of {len(found)} targets met in {results['elapsed_s']:.0f} s; figures in {args.json}")
    averages = ", ".join(f"{name} {value}" for name, value in load_average.items())
    print(f"Machine: {os.cpu_count()} CPUs; load average over 1 minute (this benchmark's own work included): {averages}.")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

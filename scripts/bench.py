"""Benchmark what a visitor feels on a real server, each figure beside a hello-world app started the same way.

    make bench          (PYTHONPATH=src python scripts/bench.py [--quick] [--only load,replicas ...])

Both apps run with ``streamlit run`` on loopback ports with the project's ``.streamlit/config.toml``;
the hello-world app is ``st.write("Hello")``. The protocol-level client (``loadclient.py``) talks
to ``/_stcore/stream`` as a browser tab does. Parts, in order:

- memory: server RSS after one warm session and after N more sessions (each on a first visit,
  all held open); the growth per extra session;
- pages: one visitor per page; each round reruns every page once, each right after a rerun of
  hello-world, so a slow spell falls on both; p50/p95 of the later reruns, the first visit's and
  a later rerun's bytes;
- load: N visitors at once, M reruns each, over every page and typical filter links (hello-world:
  its one page); p50, p95, throughput and errors, the median of several rounds;
- cold start: server start -> health -> first content settled in headless Chromium, a fresh
  server each time, alternating with hello-world;
- synthetic: programs 10x and 100x the shipped data (``synthetic_program.py``, through
  ``CTDC_DATA_DIR``): every page's rerun time and errors;
- replicas: the same load through nginx with 1 and 2 replicas (``replicas.py``): errors, whether
  every visitor stayed on one replica, and the throughput ratio.

Prints Markdown tables, writes ``artifacts/bench.json`` and exits non-zero when a target is missed
(or could not be measured).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import loadclient as lc
import replicas
import synthetic_program

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
APP = ROOT / "app.py"
HELLO_SOURCE = 'import streamlit as st\n\nst.write("Hello")\n'

PAGES = [
    ("Overview", "/"),
    ("Map", "/map"),
    ("Site profile", "/site?site=st-louis"),
    ("Themes", "/themes"),
    ("Ecosystem metrics", "/metrics"),
    ("Library", "/library"),
]
# Typical shared links: each page narrowed by the global filters (sites, themes, role).
FILTER_LINKS = [
    "/?" + lc.query(sites="St. Louis"),
    "/map?" + lc.query(role="learning"),
    "/site?" + lc.query(site="boston", themes="employment"),
    "/themes?" + lc.query(themes=["housing", "justice"]),
    "/metrics?" + lc.query(role="implementation"),
    "/library?" + lc.query(sites=["Boston", "Washington, DC"]),
]
SYNTHETIC_SITE = "syn-city-0001"

# Targets.
MAX_RERUN_RATIO = 1.2  # one visitor's rerun p50, x hello-world's
MIN_THROUGHPUT_RATIO = 0.7  # N visitors' throughput, x hello-world's
MAX_LATER_RERUN_BYTES = 20_000  # bytes sent for a later rerun of a page
MAX_COLD_START_RATIO = 1.2  # server start to first content, x hello-world's
MAX_SESSION_MB = 5.0  # server memory per extra session
MAX_SYNTHETIC_MS = 300.0  # every page's rerun at 100x
MIN_REPLICA_RATIO = 1.5  # throughput of 2 replicas, x 1 replica (on 2 cores)
PARTS = ("memory", "pages", "load", "cold", "synthetic", "replicas")


@dataclass
class Check:
    """One target: what was measured against what was wanted."""

    name: str
    measured: str
    target: str
    ok: bool | None  # None: could not be measured


def med(values: list[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else math.nan


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time used so far by the processes (Linux ``/proc``)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """Idle and total CPU ticks of the whole machine so far (Linux ``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return values[3] + values[4], sum(values)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextlib.contextmanager
def serve(script: Path, name: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A ``streamlit run`` server of ``script``, healthy; its output goes to ``artifacts/bench/NAME.log``."""
    logs = ARTIFACTS / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    port = replicas.free_port()
    with open(logs / f"{name}.log", "wb") as log:
        process = replicas.start_streamlit(script, port, env=env, log=log)
        try:
            url = f"http://127.0.0.1:{port}"
            replicas.wait_healthy(url, [process])
            yield url, process
        finally:
            replicas.stop(process)


@contextlib.contextmanager
def hello_app() -> Iterator[Path]:
    """A folder holding the hello-world script and the project's ``.streamlit/config.toml``."""
    with tempfile.TemporaryDirectory(prefix="ctdc-hello-") as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / ".streamlit", folder / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"))
        (folder / "hello.py").write_text(HELLO_SOURCE, encoding="utf-8")
        yield folder / "hello.py"


async def _hold_sessions(url: str, links: list[lc.Link], count: int, pid: int) -> dict[str, Any]:
    """RSS after one warm session, then after ``count`` more sessions held open (each after one first visit)."""
    async with lc.Session(url) as warm:
        for link in links:
            await warm.rerun(link)
        await asyncio.sleep(1)
        base = rss_mb(pid)
        sessions = [lc.Session(url) for _ in range(count)]
        await asyncio.gather(*(s.open() for s in sessions))
        try:
            visits = await asyncio.gather(*(s.rerun(links[i % len(links)]) for i, s in enumerate(sessions)))
            await asyncio.sleep(1)
            loaded = rss_mb(pid)
        finally:
            await asyncio.gather(*(s.close() for s in sessions))
    return {
        "rss_one_session_mb": round(base, 1),
        f"rss_{count + 1}_sessions_mb": round(loaded, 1),
        "per_extra_session_mb": round((loaded - base) / count, 2),
        "errors": sum(v.error is not None for v in visits),
    }


def measure_memory(app: tuple[str, int], hello: tuple[str, int], links: list[lc.Link], sessions: int) -> dict[str, Any]:
    """Memory per extra session, app and hello-world (run on freshly started servers)."""
    return {
        "sessions": sessions,
        "app": asyncio.run(_hold_sessions(app[0], links, sessions, app[1])),
        "hello": asyncio.run(_hold_sessions(hello[0], [lc.Link()], sessions, hello[1])),
    }


async def _paired_pages(app: tuple[str, int], hello: tuple[str, int], rounds: int) -> dict[str, Any]:
    (app_url, app_pid), (hello_url, hello_pid) = app, hello
    sessions = {name: lc.Session(app_url) for name, _ in PAGES}
    hello_session = lc.Session(hello_url)
    links = {name: lc.Link.parse(text) for name, text in PAGES}
    first = {}
    later: dict[str, list[lc.Rerun]] = {name: [] for name in sessions}
    paired: dict[str, list[lc.Rerun]] = {name: [] for name in sessions}
    cpu = {name: 0.0 for name in [*sessions, "hello"]}

    async def timed(session: lc.Session, link: lc.Link, pid: int, key: str) -> lc.Rerun:
        before = cpu_seconds([pid])
        rerun = await session.rerun(link)
        cpu[key] += cpu_seconds([pid]) - before
        return rerun

    await lc.page_reruns(hello_url, lc.Link(), 0)  # warm-up: no first visit below pays for loading the data
    for link in links.values():
        await lc.page_reruns(app_url, link, 0)
    await asyncio.gather(hello_session.open(), *(s.open() for s in sessions.values()))
    try:
        hello_first = await hello_session.rerun(lc.Link())
        for name, session in sessions.items():
            first[name] = await session.rerun(links[name])
        for _ in range(rounds):
            for name, session in sessions.items():
                paired[name].append(await timed(hello_session, lc.Link(), hello_pid, "hello"))
                later[name].append(await timed(session, links[name], app_pid, name))
    finally:
        await asyncio.gather(hello_session.close(), *(s.close() for s in sessions.values()))

    def figures(first_visit: lc.Rerun, reruns: list[lc.Rerun], cpu_s: float) -> dict[str, Any]:
        ok = [r.ms for r in reruns if r.error is None]
        return {
            "p50_ms": round(lc.percentile(ok, 50), 1),
            "p95_ms": round(lc.percentile(ok, 95), 1),
            "server_cpu_ms_per_rerun": round(cpu_s * 1000 / len(reruns), 1),
            "first_visit_ms": round(first_visit.ms, 1),
            "first_visit_bytes": first_visit.bytes,
            "later_rerun_bytes": int(med([r.bytes for r in reruns])),
            "later_rerun_max_bytes": max(r.bytes for r in reruns),
            "later_rerun_messages": int(med([r.frames for r in reruns])),
            "errors": sum(r.error is not None for r in [first_visit, *reruns]),
            "error_sample": next((r.error for r in [first_visit, *reruns] if r.error), None),
        }

    pages = {}
    for name in sessions:
        page = figures(first[name], later[name], cpu[name])
        page["hello_p50_ms"] = round(lc.percentile([r.ms for r in paired[name]], 50), 1)
        page["ratio"] = round(page["p50_ms"] / page["hello_p50_ms"], 2)
        pages[name] = page
    all_hello = [r for runs in paired.values() for r in runs]
    return {"rounds": rounds, "pages": pages, "hello": figures(hello_first, all_hello, cpu["hello"])}


def measure_pages(app: tuple[str, int], hello: tuple[str, int], rounds: int) -> dict[str, Any]:
    """One visitor per page, rerun in rounds paired with hello-world reruns; the servers' CPU time per rerun too."""
    return asyncio.run(_paired_pages(app, hello, rounds))


def load_runner(url: str, links: list[lc.Link], users: int, reruns: int, pids: list[int]) -> Callable[[], dict[str, Any]]:
    """A callable that runs one load of ``users`` x ``reruns`` against ``url``; its summary, with the servers'
    CPU time per rerun and the share of the machine's CPU left idle (other work on the machine shows there)."""

    def run() -> dict[str, Any]:
        cpu, (idle, total) = cpu_seconds(pids), machine_ticks()
        result = asyncio.run(lc.run_load(url, links, users, reruns))
        idle_after, total_after = machine_ticks()
        summary = result.summary()
        summary["server_cpu_ms_per_rerun"] = round((cpu_seconds(pids) - cpu) * 1000 / max(1, len(result.reruns)), 1)
        summary["machine_idle_share"] = round((idle_after - idle) / max(1, total_after - total), 2)
        return summary

    return run


MEDIAN_KEYS = ("p50_ms", "p95_ms", "throughput_per_s", "server_cpu_ms_per_rerun", "machine_idle_share")


def _load_rounds(runs: list[tuple[str, Callable[[], dict[str, Any]]]], rounds: int) -> dict[str, Any]:
    """Run each named load ``rounds`` times, interleaved; medians of the figures, errors summed."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in runs}
    for _ in range(rounds):
        for name, run in runs:
            results[name].append(run())
    out: dict[str, Any] = {}
    for name, summaries in results.items():
        out[name] = {key: round(med([float(s[key]) for s in summaries]), 2) for key in MEDIAN_KEYS}
        out[name]["errors"] = sum(int(s["errors"]) for s in summaries)
        out[name]["unsticky_visitors"] = sum(int(s["unsticky_visitors"]) for s in summaries)
        out[name]["rounds"] = summaries
    return out


def measure_load(
    app: tuple[str, int], hello: tuple[str, int], links: list[lc.Link], users: int, reruns: int, rounds: int
) -> dict[str, Any]:
    """N visitors x M reruns, app (every link) and hello-world, after a warm-up round of each."""
    (app_url, app_pid), (hello_url, hello_pid) = app, hello
    app_run = load_runner(app_url, links, users, reruns, [app_pid])
    hello_run = load_runner(hello_url, [lc.Link()], users, reruns, [hello_pid])
    asyncio.run(lc.run_load(app_url, links, len(links), 1))
    asyncio.run(lc.run_load(hello_url, [lc.Link()], users, 1))
    result = _load_rounds([("app", app_run), ("hello", hello_run)], rounds)
    result["users"], result["reruns_per_user"], result["links"] = users, reruns, [str(link) for link in links]
    return result


def _settled(page: Any) -> None:
    """Wait until the first script run has finished and the main area shows content."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
                 && document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"]')
                 && !document.querySelector('[data-testid="stSkeleton"]')""",
        timeout=120_000,
    )


def _browser() -> Any:
    """Playwright and a headless system Chromium, or None when either is missing."""
    executable = next(
        (p for p in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")) if p and Path(p).exists()),
        None,
    )
    if executable is None:
        return None
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
    ]
    return playwright, playwright.chromium.launch(executable_path=executable, args=args, headless=True)


def _cold_start_once(browser: Any, script: Path, name: str) -> dict[str, float]:
    start = time.monotonic()
    with serve(script, name) as (url, _):
        health = time.monotonic() - start
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url, timeout=120_000)
            _settled(page)
            content = time.monotonic() - start
        finally:
            context.close()
    return {"health_s": health, "first_content_s": content}


def measure_cold_start(runs: int) -> dict[str, Any]:
    """Server start -> health -> first content in Chromium, fresh servers, alternating app and hello-world."""
    found = _browser()
    if found is None:
        return {"error": "Chromium not found (Debian package 'chromium')"}
    playwright, browser = found
    times: dict[str, list[dict[str, float]]] = {"app": [], "hello": []}
    try:
        with hello_app() as hello:
            for _ in range(runs):
                times["hello"].append(_cold_start_once(browser, hello, "cold-hello"))
                times["app"].append(_cold_start_once(browser, APP, "cold-app"))
    finally:
        browser.close()
        playwright.stop()
    out: dict[str, Any] = {"runs": runs}
    for name, rows in times.items():
        out[name] = {key: round(med([row[key] for row in rows]), 2) for key in ("health_s", "first_content_s")}
    out["ratio"] = round(out["app"]["first_content_s"] / out["hello"]["first_content_s"], 2)
    return out


async def _synthetic_pages(url: str, links: dict[str, lc.Link], runs: int) -> tuple[lc.Rerun, dict[str, Any]]:
    """The first rerun (which loads and validates the data), then each page's first visit and later reruns."""
    async with lc.Session(url) as session:
        loaded = await session.rerun(lc.Link(), timeout=600)
    out = {}
    for name, link in links.items():
        first, later = await lc.page_reruns(url, link, runs)
        out[name] = {
            "first_visit_ms": round(first.ms, 1),
            "p50_ms": round(lc.percentile([r.ms for r in later], 50), 1),
            "later_rerun_bytes": int(med([r.bytes for r in later])),
            "first_visit_bytes": first.bytes,
            "errors": sum(r.error is not None for r in [first, *later]),
            "error_sample": next((r.error for r in [first, *later] if r.error), None),
        }
    return loaded, out


def measure_synthetic(factors: list[int], runs: int) -> dict[str, Any]:
    """Every page's rerun time and errors on generated programs ``factors`` times the shipped size."""
    links = {name: lc.Link.parse(text.replace("st-louis", SYNTHETIC_SITE)) for name, text in PAGES}
    out: dict[str, Any] = {}
    for factor in factors:
        with tempfile.TemporaryDirectory(prefix=f"ctdc-synthetic-{factor}x-") as tmp:
            started = time.monotonic()
            synthetic_program.write(synthetic_program.build(ROOT / "data", factor), ROOT / "data", Path(tmp))
            generated = time.monotonic() - started
            with serve(APP, f"synthetic-{factor}x", env={"CTDC_DATA_DIR": tmp}) as (url, _):
                loaded, pages = asyncio.run(_synthetic_pages(url, links, runs))
            out[f"{factor}x"] = {
                "generate_s": round(generated, 1),
                "data_load_s": round(loaded.ms / 1000, 1),
                "data_load_error": loaded.error,
                "pages": pages,
            }
    return out


def _warm_replicas(addresses: list[str], links: list[lc.Link]) -> None:
    """Visit every link once on every replica directly, so no replica is measured cold."""

    async def visit() -> None:
        for address in addresses:
            async with lc.Session(f"http://{address}") as session:
                for link in links:
                    await session.rerun(link)

    asyncio.run(visit())


def measure_replicas(links: list[lc.Link], users: int, reruns: int, rounds: int) -> dict[str, Any]:
    """The load through nginx with 1 and 2 replicas, rounds interleaved."""
    if replicas.nginx_binary() is None:
        return {"error": "nginx not found (Debian package 'nginx')"}
    with contextlib.ExitStack() as stack:
        runs = []
        for count in (1, 2):
            log = stack.enter_context(open(ARTIFACTS / "bench" / f"replicas-{count}.log", "wb"))
            served = stack.enter_context(replicas.topology(count, log=log))
            _warm_replicas(served.addresses, links)
            runs.append(
                (f"{count} replica" + ("s" if count > 1 else ""), load_runner(served.url, links, users, reruns, served.pids))
            )
        result = _load_rounds(runs, rounds)
    result["ratio"] = round(result["2 replicas"]["throughput_per_s"] / result["1 replica"]["throughput_per_s"], 2)
    return result


def checks(results: dict[str, Any]) -> list[Check]:
    """Every target, met or not (``ok`` is None where the figure is missing)."""
    out: list[Check] = []
    pages = results.get("pages")
    if pages:
        for name, page in pages["pages"].items():
            out.append(
                Check(
                    f"{name}: one visitor's rerun p50",
                    f"{page['p50_ms']} ms = {page['ratio']}x hello-world",
                    f"<= {MAX_RERUN_RATIO}x",
                    page["ratio"] <= MAX_RERUN_RATIO and not page["errors"],
                )
            )
            out.append(
                Check(
                    f"{name}: bytes of a later rerun",
                    f"{page['later_rerun_bytes']:,} B",
                    f"<= {MAX_LATER_RERUN_BYTES:,} B",
                    page["later_rerun_bytes"] <= MAX_LATER_RERUN_BYTES,
                )
            )
    load = results.get("load")
    if load:
        ratio = load["app"]["throughput_per_s"] / load["hello"]["throughput_per_s"]
        out.append(Check(f"{load['users']} visitors: errors", str(load["app"]["errors"]), "0", load["app"]["errors"] == 0))
        out.append(
            Check(
                f"{load['users']} visitors: throughput",
                f"{load['app']['throughput_per_s']}/s = {ratio:.2f}x hello-world",
                f">= {MIN_THROUGHPUT_RATIO}x",
                ratio >= MIN_THROUGHPUT_RATIO,
            )
        )
    cold = results.get("cold")
    if cold is not None:
        if "error" in cold:
            out.append(Check("cold start to first content", cold["error"], f"<= {MAX_COLD_START_RATIO}x", None))
        else:
            out.append(
                Check(
                    "cold start to first content",
                    f"{cold['app']['first_content_s']} s = {cold['ratio']}x hello-world",
                    f"<= {MAX_COLD_START_RATIO}x",
                    cold["ratio"] <= MAX_COLD_START_RATIO,
                )
            )
    memory = results.get("memory")
    if memory:
        per = memory["app"]["per_extra_session_mb"]
        out.append(
            Check(
                "memory per extra session",
                f"{per} MB",
                f"<= {MAX_SESSION_MB:g} MB",
                per <= MAX_SESSION_MB and not memory["app"]["errors"],
            )
        )
    synthetic = results.get("synthetic")
    if synthetic:
        out.extend(_synthetic_checks(synthetic))
    scale = results.get("replicas")
    if scale is not None:
        if "error" in scale:
            out.append(Check("2 replicas vs 1", scale["error"], f">= {MIN_REPLICA_RATIO}x", None))
        else:
            errors = scale["1 replica"]["errors"] + scale["2 replicas"]["errors"]
            unsticky = scale["1 replica"]["unsticky_visitors"] + scale["2 replicas"]["unsticky_visitors"]
            out.append(Check("replicas: errors", str(errors), "0", errors == 0))
            out.append(Check("replicas: visitors that met two replicas", str(unsticky), "0", unsticky == 0))
            out.append(
                Check(
                    "replicas: throughput, 2 vs 1",
                    f"{scale['ratio']}x",
                    f">= {MIN_REPLICA_RATIO}x",
                    scale["ratio"] >= MIN_REPLICA_RATIO,
                )
            )
    return out


def _synthetic_checks(synthetic: dict[str, Any]) -> list[Check]:
    out = []
    largest = max(synthetic, key=lambda key: int(key.rstrip("x")))
    for key, run in synthetic.items():
        broken = [name for name, page in run["pages"].items() if page["errors"]] + (
            ["data load"] if run["data_load_error"] else []
        )
        out.append(
            Check(f"{key}: pages without errors", ", ".join(broken) + " failed" if broken else "all", "every page", not broken)
        )
    for name, page in synthetic[largest]["pages"].items():
        out.append(
            Check(
                f"{largest}: {name} rerun",
                f"{page['p50_ms']} ms",
                f"<= {MAX_SYNTHETIC_MS:g} ms",
                page["p50_ms"] <= MAX_SYNTHETIC_MS and not page["errors"],
            )
        )
    sizes = sorted(synthetic, key=lambda key: int(key.rstrip("x")))
    if len(sizes) >= 2:
        small, big = sizes[-2], sizes[-1]
        factor = int(big.rstrip("x")) / int(small.rstrip("x"))
        for name in synthetic[big]["pages"]:
            grew = synthetic[big]["pages"][name]["p50_ms"] / synthetic[small]["pages"][name]["p50_ms"]
            out.append(
                Check(
                    f"{small} -> {big}: {name} growth", f"{grew:.1f}x for {factor:g}x the data", f"<= {factor:g}x", grew <= factor
                )
            )
    return out


def markdown(results: dict[str, Any], found: list[Check]) -> str:
    """The report: the measured tables, then every target."""
    lines: list[str] = []
    pages = results.get("pages")
    if pages:
        lines += [
            "### One visitor, per page (later reruns; first visit for reference)",
            "",
            (
                "| page | rerun p50 ms | p95 ms | hello-world p50, same rounds | × hello-world | server CPU per rerun (ms) | "
                "first visit ms | first visit bytes | later rerun bytes | later rerun messages | errors |"
            ),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, p in pages["pages"].items():
            lines.append(
                f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p['hello_p50_ms']} | {p['ratio']} | {p['server_cpu_ms_per_rerun']} | "
                f"{p['first_visit_ms']} | {p['first_visit_bytes']:,} | {p['later_rerun_bytes']:,} | "
                f"{p['later_rerun_messages']} | {p['errors']} |"
            )
        h = pages["hello"]
        lines += [
            (
                f"| hello-world | {h['p50_ms']} | {h['p95_ms']} |  |  | {h['server_cpu_ms_per_rerun']} | {h['first_visit_ms']} | "
                f"{h['first_visit_bytes']:,} | {h['later_rerun_bytes']:,} | {h['later_rerun_messages']} | {h['errors']} |"
            ),
            "",
        ]
    load, memory, cold = results.get("load"), results.get("memory"), results.get("cold")
    if load or memory or cold:
        lines += ["### The server as a whole", "", "| measure | app | hello-world | app ÷ hello-world |", "|---|---:|---:|---:|"]
        if load:
            label = f"{load['users']} visitors × {load['reruns_per_user']} reruns"
            for key, what in (
                ("p50_ms", "rerun p50 (ms)"),
                ("p95_ms", "rerun p95 (ms)"),
                ("throughput_per_s", "throughput (reruns/s)"),
                ("errors", "errors"),
                ("server_cpu_ms_per_rerun", "server CPU per rerun (ms)"),
                ("machine_idle_share", "machine CPU left idle (share)"),
            ):
                a, b = load["app"][key], load["hello"][key]
                ratio = f"{a / b:.2f}" if b and key != "machine_idle_share" else ""
                lines.append(f"| {label}: {what} | {a} | {b} | {ratio} |")
        if cold and "error" not in cold:
            for key in ("health_s", "first_content_s"):
                a, b = cold["app"][key], cold["hello"][key]
                lines.append(
                    f"| cold start: server start to {key.rsplit('_', 1)[0].replace('_', ' ')} (s) | {a} | {b} | {a / b:.2f} |"
                )
        if memory:
            a, b = memory["app"], memory["hello"]
            count = memory["sessions"] + 1
            lines.append(f"| server memory, 1 session (MB) | {a['rss_one_session_mb']} | {b['rss_one_session_mb']} | |")
            lines.append(
                f"| server memory, {count} sessions (MB) | {a[f'rss_{count}_sessions_mb']} | {b[f'rss_{count}_sessions_mb']} | |"
            )
            lines.append(f"| memory per extra session (MB) | {a['per_extra_session_mb']} | {b['per_extra_session_mb']} | |")
        lines.append("")
    synthetic = results.get("synthetic")
    if synthetic:
        sizes = sorted(synthetic, key=lambda key: int(key.rstrip("x")))
        base = (pages or {}).get("pages", {})
        header = (
            "| page | "
            + ("1x rerun ms | " if base else "")
            + " | ".join(f"{s} rerun ms | {s} later bytes | {s} errors" for s in sizes)
            + " |"
        )
        lines += ["### Bigger programs (generated, fictional)", "", header, "|---|" + "---:|" * (header.count("|") - 2)]
        for name in synthetic[sizes[0]]["pages"]:
            cells = [str(base[name]["p50_ms"])] if base else []
            for s in sizes:
                p = synthetic[s]["pages"][name]
                cells += [
                    str(p["p50_ms"]),
                    f"{p['later_rerun_bytes']:,}",
                    str(p["errors"]) + (f" ({p['error_sample'][:60]})" if p["errors"] else ""),
                ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        loads = ", ".join(f"{s}: {synthetic[s]['data_load_s']} s" for s in sizes)
        lines += ["", f"First rerun after the server starts, which loads and validates the data: {loads}.", ""]
    scale = results.get("replicas")
    if scale and "error" not in scale:
        lines += [
            "### Behind nginx (sticky by cookie)",
            "",
            "| replicas | p50 ms | p95 ms | throughput reruns/s | errors | visitors on two replicas | "
            "servers' CPU per rerun (ms) | machine CPU left idle |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name in ("1 replica", "2 replicas"):
            r = scale[name]
            lines.append(
                f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['throughput_per_s']} | {r['errors']} | "
                f"{r['unsticky_visitors']} | {r['server_cpu_ms_per_rerun']} | {r['machine_idle_share']} |"
            )
        lines += [f"| 2 ÷ 1 | | | {scale['ratio']} | | | | |", ""]
    lines += ["### Targets", "", "| target | measured | wanted | met |", "|---|---|---|:---:|"]
    for check in found:
        verdict = {True: "yes", False: "NO", None: "not measured"}[check.ok]
        lines.append(f"| {check.name} | {check.measured} | {check.target} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts, print the report, write the JSON; 1 when a target is missed or unmeasured."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts (default all: {','.join(PARTS)})")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--reruns", type=int, default=6, help="reruns per visitor in the load runs (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each load run (default 3)")
    parser.add_argument("--page-rounds", type=int, default=30, help="paired reruns per page (default 30)")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--factors", default="10,100", help="synthetic program sizes (default 10,100)")
    parser.add_argument("--quick", action="store_true", help="small numbers, to try the benchmark out")
    parser.add_argument("--json", type=Path, default=ARTIFACTS / "bench.json")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    if args.quick:
        args.users, args.reruns, args.rounds, args.page_rounds, args.cold_runs, args.factors = 6, 3, 1, 5, 1, "2,4"
    factors = [int(f) for f in args.factors.split(",")]
    links = lc.link_list([text for _, text in PAGES] + FILTER_LINKS)
    results: dict[str, Any] = {"parts": parts, "machine": {"cpus": os.cpu_count()}}
    started = time.monotonic()
    (ARTIFACTS / "bench").mkdir(parents=True, exist_ok=True)

    def step(name: str, run: Callable[[], dict[str, Any]]) -> None:
        if name in parts:
            print(f"[{time.monotonic() - started:5.0f} s] {name} ...", file=sys.stderr, flush=True)
            results[name] = run()

    if {"memory", "pages", "load"} & set(parts):
        with (
            hello_app() as hello_script,
            serve(APP, "app") as (app_url, app_proc),
            serve(hello_script, "hello") as (hello_url, hello_proc),
        ):
            step("memory", lambda: measure_memory((app_url, app_proc.pid), (hello_url, hello_proc.pid), links, args.users))
            step("pages", lambda: measure_pages((app_url, app_proc.pid), (hello_url, hello_proc.pid), args.page_rounds))
            step(
                "load",
                lambda: measure_load(
                    (app_url, app_proc.pid), (hello_url, hello_proc.pid), links, args.users, args.reruns, args.rounds
                ),
            )
    step("cold", lambda: measure_cold_start(args.cold_runs))
    step("synthetic", lambda: measure_synthetic(factors, 10))
    step("replicas", lambda: measure_replicas(links, args.users, args.reruns, args.rounds))
    results["elapsed_s"] = round(time.monotonic() - started, 1)

    found = checks(results)
    results["checks"] = [asdict(check) for check in found]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(markdown(results, found))
    missed = [c for c in found if c.ok is not True]
    print(f"\n{len(found) - len(missed)} of {len(found)} targets met in {results['elapsed_s']:.0f} s; figures in {args.json}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

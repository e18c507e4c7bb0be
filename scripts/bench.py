"""Benchmark what a visitor feels on a real server, each figure beside a hello-world app started the same way.

    make bench          (PYTHONPATH=src python scripts/bench.py [--quick] [--only load,replicas ...])

Both apps run with ``streamlit run`` on loopback ports with the project's ``.streamlit/config.toml``;
the hello-world app is ``st.write("Hello")``. The protocol-level client (``loadclient.py``) talks
to ``/_stcore/stream`` as a browser tab does. In the parts that time one visitor (pages, upload,
synthetic), each visitor lets 0.1 s (``--pause``) pass between the end of a rerun and the next, as
between clicks: back to back, a rerun waits about 40 ms for the client's delayed acknowledgement
(see ``loadclient.py``), which would time the network stack rather than the app. Parts, in order:

- memory: server RSS after one warm session and after N more sessions (each on a first visit,
  all held open); the growth per extra session;
- pages: one visitor per page; each round reruns every page once, each right after a rerun of
  hello-world, so a slow spell falls on both; p50/p95 of the later reruns, the first visit's and
  a later rerun's bytes; a reference page of 30 fixed Markdown blocks (about as many elements as a
  page sends, nothing computed) is timed the same way, to show what a page's size alone costs;
- load: N visitors at once, M reruns each, over every page and typical filter links (hello-world:
  its one page); p50, p95, throughput and errors, the median of several rounds;
- upload: the largest map Your ecosystem accepts (5,000 organizations and 20,000 ties, two generated
  CSV files) uploaded as the frontend uploads it, each time in a fresh session: the time from the
  rerun that carries the files to ``script_finished`` with the network drawn (the median of a few,
  after one not counted); then that page's later reruns with the map loaded, each right after a
  rerun of hello-world;
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
import csv
import dataclasses
import io
import json
import math
import os
import random
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

import headless_chromium
import loadclient as lc
import replicas
import synthetic_program

from dashboard.data.schema import RELATIONSHIP_KINDS
from dashboard.network.model import NETWORK_TYPES
from dashboard.upload import tables as upload_tables
from dashboard.upload.templates import TEMPLATE_FILES

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
APP = ROOT / "app.py"
HELLO_SOURCE = 'import streamlit as st\n\nst.write("Hello")\n'
# A reference for what a page's size alone costs: as many Markdown blocks as a typical page sends,
# fixed text, nothing computed or read. Timed in the pages part beside hello-world, like a page.
BLOCKS = 30
REFERENCE = f"reference: {BLOCKS} fixed Markdown blocks, nothing else"
BLOCKS_SOURCE = (
    "import streamlit as st\n\n"
    f"for number in range({BLOCKS}):\n"
    "    st.markdown(f\"**Block {number}.** A fixed paragraph of about the length of a page's text block, "
    'with a [link](https://example.org) and *some emphasis*, written again on every rerun.")\n'
)

PAGES = [
    ("Overview", "/"),
    ("Map", "/map"),
    ("Site profile", "/site?site=st-louis"),
    ("Themes", "/themes"),
    ("Ecosystem metrics", "/metrics"),
    ("Partner networks", "/networks"),
    ("Your ecosystem", "/ecosystem"),
    ("Library", "/library"),
]
# Typical shared links: each page narrowed by the global filters (sites, themes, role).
FILTER_LINKS = [
    "/?" + lc.query(sites="St. Louis"),
    "/map?" + lc.query(role="learning"),
    "/site?" + lc.query(site="boston", themes="employment"),
    "/themes?" + lc.query(themes=["housing", "justice"]),
    "/metrics?" + lc.query(role="implementation"),
    "/networks?" + lc.query(networks_tab="Every network", role="implementation"),
    # Your ecosystem: the worked example beside a site, and self-check answers beside the learning sites.
    "/ecosystem?" + lc.query(example="true", compare="Boston"),
    "/ecosystem?" + lc.query(my_place="Riverton", my_nnip="2012", my_portal="no", role="learning"),
    "/library?" + lc.query(sites=["Boston", "Washington, DC"]),
]
SYNTHETIC_SITE = "syn-city-0001"
PAUSE_S = 0.1  # the least time between one visitor's reruns in the one-visitor parts (default of --pause)
# The upload: the page, its uploader's key, and the largest map it accepts (generated, fictional).
UPLOAD_PAGE = "/ecosystem"
UPLOAD_KEY = "ecosystem_files"
MAP_ORGANIZATIONS, MAP_TIES = upload_tables.MAX_ORGANIZATIONS, upload_tables.MAX_TIES
UPLOAD_TIMEOUT_S = 120.0

# Targets.
MAX_RERUN_RATIO = 1.2  # one visitor's rerun p50, x hello-world's
MIN_THROUGHPUT_RATIO = 0.7  # N visitors' throughput, x hello-world's
MAX_LATER_RERUN_BYTES = 20_000  # bytes sent for a later rerun of a page
MAX_COLD_START_RATIO = 1.2  # server start to first content, x hello-world's
MAX_SESSION_MB = 5.0  # server memory per extra session
MAX_SYNTHETIC_MS = 300.0  # every page's rerun at 100x
MIN_REPLICA_RATIO = 1.5  # throughput of 2 replicas, x 1 replica (on 2 cores)
MAX_UPLOAD_MS = 2000.0  # the largest map: from the rerun carrying the files to the network drawn
PARTS = ("memory", "pages", "load", "upload", "cold", "synthetic", "replicas")


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
    """A folder holding the hello-world script (``hello.py``), the reference page of fixed Markdown
    blocks (``blocks.py``) and the project's ``.streamlit/config.toml``."""
    with tempfile.TemporaryDirectory(prefix="ctdc-hello-") as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / ".streamlit", folder / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"))
        (folder / "hello.py").write_text(HELLO_SOURCE, encoding="utf-8")
        (folder / "blocks.py").write_text(BLOCKS_SOURCE, encoding="utf-8")
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


async def _rerun_with_cpu(session: lc.Session, link: lc.Link, pid: int) -> tuple[lc.Rerun, float]:
    """A rerun, and the CPU seconds the server process used meanwhile."""
    before = cpu_seconds([pid])
    rerun = await session.rerun(link)
    return rerun, cpu_seconds([pid]) - before


async def _paired_pages(
    app: tuple[str, int], hello: tuple[str, int], blocks: tuple[str, int], rounds: int, pause_s: float
) -> dict[str, Any]:
    (hello_url, hello_pid) = hello
    # name -> (server URL, server pid, link); the reference page of fixed blocks is timed like a page
    targets = {name: (app[0], app[1], lc.Link.parse(text)) for name, text in PAGES}
    targets[REFERENCE] = (blocks[0], blocks[1], lc.Link())
    sessions = {name: lc.Session(url, pause_s=pause_s) for name, (url, _, _) in targets.items()}
    hello_session = lc.Session(hello_url, pause_s=pause_s)
    first = {}
    later: dict[str, list[lc.Rerun]] = {name: [] for name in sessions}
    paired: dict[str, list[lc.Rerun]] = {name: [] for name in sessions}
    cpu = {name: 0.0 for name in [*sessions, "hello"]}

    async def timed(session: lc.Session, link: lc.Link, pid: int, key: str) -> lc.Rerun:
        rerun, used = await _rerun_with_cpu(session, link, pid)
        cpu[key] += used
        return rerun

    await lc.page_reruns(hello_url, lc.Link(), 0)  # warm-up: no first visit below pays for loading the data
    for url, _, link in targets.values():
        await lc.page_reruns(url, link, 0)
    await asyncio.gather(hello_session.open(), *(s.open() for s in sessions.values()))
    try:
        hello_first = await hello_session.rerun(lc.Link())
        for name, session in sessions.items():
            first[name] = await session.rerun(targets[name][2])
        for _ in range(rounds):
            for name, session in sessions.items():
                _, pid, link = targets[name]
                paired[name].append(await timed(hello_session, lc.Link(), hello_pid, "hello"))
                later[name].append(await timed(session, link, pid, name))
    finally:
        await asyncio.gather(hello_session.close(), *(s.close() for s in sessions.values()))

    pages = {name: _beside_hello(_figures(first[name], later[name], cpu[name]), paired[name]) for name in sessions}
    all_hello = [r for runs in paired.values() for r in runs]
    return {
        "rounds": rounds,
        "pages": pages,
        "reference": pages.pop(REFERENCE),
        "hello": _figures(hello_first, all_hello, cpu["hello"]),
    }


def _figures(first_visit: lc.Rerun, reruns: list[lc.Rerun], cpu_s: float) -> dict[str, Any]:
    """One visitor's figures: the later reruns' p50 and p95 and bytes, the first visit's time and bytes, errors."""
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


def _beside_hello(figures: dict[str, Any], hello_reruns: list[lc.Rerun]) -> dict[str, Any]:
    """``figures`` with the p50 of the hello-world reruns paired with them, and their p50 as a multiple of it."""
    hello_p50 = round(lc.percentile([r.ms for r in hello_reruns], 50), 1)
    return {**figures, "hello_p50_ms": hello_p50, "ratio": round(figures["p50_ms"] / hello_p50, 2)}


def measure_pages(
    app: tuple[str, int], hello: tuple[str, int], blocks: tuple[str, int], rounds: int, pause_s: float = PAUSE_S
) -> dict[str, Any]:
    """One visitor per page (and one on the reference page of fixed blocks), rerun in rounds paired with
    hello-world reruns; the servers' CPU time per rerun too."""
    return asyncio.run(_paired_pages(app, hello, blocks, rounds, pause_s))


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


def map_files(organizations: int, ties: int, seed: int = 1) -> list[tuple[str, bytes]]:
    """A fictional ecosystem map as the two CSV files of Your ecosystem's template (its columns and file names):
    ``organizations`` organizations named "Fictional Organization 0001" …, of every type, and ``ties`` ties
    between distinct pairs, half of the ends picked in proportion to the ties made so far (so hubs form). The
    same arguments give the same bytes."""
    if ties > organizations * (organizations - 1) // 2:
        raise ValueError(f"{organizations} organizations cannot have {ties} distinct ties")
    rng = random.Random(seed)
    names = [f"Fictional Organization {i + 1:04d}" for i in range(organizations)]
    orgs_text, ties_text = io.StringIO(), io.StringIO()
    orgs, links = csv.writer(orgs_text, lineterminator="\n"), csv.writer(ties_text, lineterminator="\n")
    orgs.writerow(upload_tables.TABLE_COLUMNS[upload_tables.ORGANIZATIONS])
    for i, name in enumerate(names):
        url = f"https://example.org/fictional/{i + 1}" if i % 3 == 0 else ""
        orgs.writerow([name, rng.choice(NETWORK_TYPES), url, "Fictional, generated for a benchmark."])
    links.writerow(upload_tables.TABLE_COLUMNS[upload_tables.TIES])
    seen: set[frozenset[int]] = set()
    ends: list[int] = []
    while len(seen) < ties:
        a = rng.randrange(organizations)
        b = rng.choice(ends) if ends and rng.random() < 0.5 else rng.randrange(organizations)
        if a == b or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        ends += [a, b]
        links.writerow([names[a], names[b], rng.choice(RELATIONSHIP_KINDS), ""])
    orgs_name, ties_name = TEMPLATE_FILES["csv"]
    return [(orgs_name, orgs_text.getvalue().encode("utf-8")), (ties_name, ties_text.getvalue().encode("utf-8"))]


def _drawn(upload: lc.Upload, before: lc.Rerun) -> lc.Rerun:
    """The upload's rerun, an error unless it drew more charts than the page did before the upload and showed
    no error message (the page lists a map's problems in one)."""
    rerun = upload.rerun
    if rerun.error is None and rerun.texts("error"):
        return dataclasses.replace(rerun, error="the page showed an error: " + rerun.texts("error")[0][:200])
    if rerun.error is None and rerun.count("vega_lite_chart") <= before.count("vega_lite_chart"):
        return dataclasses.replace(rerun, error="no network drawn after the upload")
    return rerun


async def _upload_runs(
    app: tuple[str, int], hello: tuple[str, int], files: list[tuple[str, bytes]], repeats: int, rounds: int, pause_s: float
) -> dict[str, Any]:
    (app_url, app_pid), hello_url = app, hello[0]
    link = lc.Link.parse(UPLOAD_PAGE)
    await lc.page_reruns(app_url, lc.Link(), 0)  # a fresh server's first session should not be a deep link
    uploads: list[lc.Upload] = []
    drawn: list[lc.Rerun] = []
    session: lc.Session | None = None
    hello_session = lc.Session(hello_url, pause_s=pause_s)
    await hello_session.open()
    try:
        for attempt in range(repeats + 1):  # each in a fresh session; the first is not counted
            if session is not None:
                await session.close()
            session = lc.Session(app_url, pause_s=pause_s)
            await session.open()
            before = await session.rerun(link)
            upload = await session.upload(files, UPLOAD_KEY, timeout=UPLOAD_TIMEOUT_S)
            if attempt:
                uploads.append(upload)
                drawn.append(_drawn(upload, before))
        assert session is not None
        charts = drawn[-1].count("vega_lite_chart")
        await hello_session.rerun(lc.Link())  # its first visit, not counted
        later: list[lc.Rerun] = []
        paired: list[lc.Rerun] = []
        cpu = 0.0
        for _ in range(rounds):
            paired.append(await hello_session.rerun(lc.Link()))
            rerun, used = await _rerun_with_cpu(session, link, app_pid)
            cpu += used
            if rerun.error is None and rerun.count("vega_lite_chart") < charts:
                rerun = dataclasses.replace(rerun, error="the uploaded map is no longer drawn")
            later.append(rerun)
    finally:
        await hello_session.close()
        if session is not None:
            await session.close()
    ok = [r.ms for r in drawn if r.error is None]
    after = _beside_hello(_figures(drawn[-1], later, cpu), paired)
    return {
        "organizations": MAP_ORGANIZATIONS,
        "ties": MAP_TIES,
        "files_bytes": {name: len(data) for name, data in files},
        "repeats": repeats,
        "upload": {
            "send_p50_ms": round(med([u.send_ms for u in uploads]), 1),
            "send_max_ms": round(max(u.send_ms for u in uploads), 1),
            "p50_ms": round(med(ok), 1),
            "min_ms": round(min(ok, default=math.nan), 1),
            "max_ms": round(max(ok, default=math.nan), 1),
            "runs_ms": [round(r.ms, 1) for r in drawn],
            "bytes": int(med([r.bytes for r in drawn])),
            "charts": charts,
            "errors": sum(r.error is not None for r in drawn),
            "error_sample": next((r.error for r in drawn if r.error), None),
        },
        "later": after,
    }


def measure_upload(
    app: tuple[str, int], hello: tuple[str, int], repeats: int, rounds: int, pause_s: float = PAUSE_S
) -> dict[str, Any]:
    """The largest map Your ecosystem accepts, uploaded ``repeats`` times, each in a fresh session (after one not
    counted): send time, and rerun time to the network drawn; then ``rounds`` later reruns of the page with the map
    loaded, each right after a rerun of hello-world."""
    files = map_files(MAP_ORGANIZATIONS, MAP_TIES)
    too_big = [f"{name} is {len(data):,} B" for name, data in files if len(data) > upload_tables.MAX_BYTES]
    if too_big:
        return {"error": "; ".join(too_big) + f", over the {upload_tables.MAX_UPLOAD_MB} MB a file may have"}
    return asyncio.run(_upload_runs(app, hello, files, repeats, rounds, pause_s))


def _browser() -> Any:
    """Playwright and a headless system Chromium, or None when either is missing."""
    executable = headless_chromium.executable()
    if executable is None:
        return None
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    return playwright, headless_chromium.launch(playwright, executable)


def _cold_start_once(browser: Any, script: Path, name: str) -> dict[str, float]:
    start = time.monotonic()
    with serve(script, name) as (url, _):
        health = time.monotonic() - start
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url, timeout=120_000)
            headless_chromium.wait_until_settled(page, '[data-testid="stMarkdownContainer"]', timeout_ms=120_000)
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


async def _synthetic_pages(url: str, links: dict[str, lc.Link], runs: int, pause_s: float) -> tuple[lc.Rerun, dict[str, Any]]:
    """The first rerun (which loads and validates the data), then each page's first visit and later reruns."""
    async with lc.Session(url) as session:
        loaded = await session.rerun(lc.Link(), timeout=600)
    out = {}
    for name, link in links.items():
        first, later = await lc.page_reruns(url, link, runs, pause_s)
        out[name] = {
            "first_visit_ms": round(first.ms, 1),
            "p50_ms": round(lc.percentile([r.ms for r in later], 50), 1),
            "later_rerun_bytes": int(med([r.bytes for r in later])),
            "first_visit_bytes": first.bytes,
            "errors": sum(r.error is not None for r in [first, *later]),
            "error_sample": next((r.error for r in [first, *later] if r.error), None),
        }
    return loaded, out


def measure_synthetic(factors: list[int], runs: int, pause_s: float = PAUSE_S) -> dict[str, Any]:
    """Every page's rerun time and errors on generated programs ``factors`` times the shipped size."""
    links = {name: lc.Link.parse(text.replace("st-louis", SYNTHETIC_SITE)) for name, text in PAGES}
    out: dict[str, Any] = {}
    for factor in factors:
        with tempfile.TemporaryDirectory(prefix=f"ctdc-synthetic-{factor}x-") as tmp:
            started = time.monotonic()
            synthetic_program.write(synthetic_program.build(ROOT / "data", factor), ROOT / "data", Path(tmp))
            generated = time.monotonic() - started
            with serve(APP, f"synthetic-{factor}x", env={"CTDC_DATA_DIR": tmp}) as (url, _):
                loaded, pages = asyncio.run(_synthetic_pages(url, links, runs, pause_s))
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
    upload = results.get("upload")
    if upload is not None:
        out.extend(_upload_checks(upload))
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


def _upload_checks(upload: dict[str, Any]) -> list[Check]:
    what = f"upload of {MAP_ORGANIZATIONS:,} organizations and {MAP_TIES:,} ties"
    if "error" in upload:
        return [Check(f"{what}: validated and drawn", upload["error"], f"< {MAX_UPLOAD_MS:,.0f} ms", None)]
    up, after = upload["upload"], upload["later"]
    return [
        Check(
            f"{what}: validated and drawn",
            f"{up['p50_ms']} ms (median of {upload['repeats']}), {up['errors']} errors",
            f"< {MAX_UPLOAD_MS:,.0f} ms",
            up["p50_ms"] < MAX_UPLOAD_MS and not up["errors"],
        ),
        Check(
            "Your ecosystem with that map: one visitor's rerun p50",
            f"{after['p50_ms']} ms = {after['ratio']}x hello-world",
            f"<= {MAX_RERUN_RATIO}x",
            after["ratio"] <= MAX_RERUN_RATIO and not after["errors"],
        ),
        Check(
            "Your ecosystem with that map: bytes of a later rerun",
            f"{after['later_rerun_bytes']:,} B",
            f"<= {MAX_LATER_RERUN_BYTES:,} B",
            after["later_rerun_bytes"] <= MAX_LATER_RERUN_BYTES,
        ),
    ]


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


def _upload_markdown(upload: dict[str, Any] | None) -> list[str]:
    if not upload or "error" in upload:
        return []
    up, after = upload["upload"], upload["later"]
    files = ", ".join(f"{name} {size:,} B" for name, size in upload["files_bytes"].items())
    return [
        f"### Your ecosystem: an upload of {upload['organizations']:,} organizations and {upload['ties']:,} ties",
        "",
        f"Generated files (fictional): {files}. Uploaded {upload['repeats']} times, each in a fresh session on a warm "
        "server, after one upload not counted; the later reruns are one visitor's, with that map loaded, each right "
        "after a rerun of hello-world.",
        "",
        "| step | p50 ms | p95 ms (uploads: min–max) | hello-world p50, same rounds | × hello-world | bytes | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| ask for the upload URLs, send both files | {up['send_p50_ms']} | max {up['send_max_ms']} |  |  |  |  |",
        f"| upload rerun: files read, validated, measured and drawn | {up['p50_ms']} | {up['min_ms']}–{up['max_ms']} |  |  | "
        f"{up['bytes']:,} | {up['errors']} |",
        f"| later rerun with the map loaded | {after['p50_ms']} | {after['p95_ms']} | {after['hello_p50_ms']} | "
        f"{after['ratio']} | {after['later_rerun_bytes']:,} | {after['errors']} |",
        "",
    ]


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
        rows = [*pages["pages"].items(), (REFERENCE, pages["reference"]), ("hello-world", pages["hello"])]
        for name, p in rows:
            lines.append(
                f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p.get('hello_p50_ms', '')} | {p.get('ratio', '')} | "
                f"{p['server_cpu_ms_per_rerun']} | {p['first_visit_ms']} | {p['first_visit_bytes']:,} | "
                f"{p['later_rerun_bytes']:,} | {p['later_rerun_messages']} | {p['errors']} |"
            )
        lines.append("")
    lines += _upload_markdown(results.get("upload"))
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
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    if args.upload_repeats < 1:
        parser.error("--upload-repeats must be 1 or more")
    if args.quick:
        args.users, args.reruns, args.rounds, args.page_rounds, args.cold_runs, args.factors = 6, 3, 1, 5, 1, "2,4"
        args.upload_repeats = 2
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

    if {"memory", "pages", "load", "upload"} & set(parts):
        with (
            hello_app() as hello_script,
            serve(APP, "app") as (app_url, app_proc),
            serve(hello_script, "hello") as (hello_url, hello_proc),
            serve(hello_script.with_name("blocks.py"), "blocks") as (blocks_url, blocks_proc),
        ):
            step("memory", lambda: measure_memory((app_url, app_proc.pid), (hello_url, hello_proc.pid), links, args.users))
            step(
                "pages",
                lambda: measure_pages(
                    (app_url, app_proc.pid),
                    (hello_url, hello_proc.pid),
                    (blocks_url, blocks_proc.pid),
                    args.page_rounds,
                    args.pause,
                ),
            )
            step(
                "load",
                lambda: measure_load(
                    (app_url, app_proc.pid), (hello_url, hello_proc.pid), links, args.users, args.reruns, args.rounds
                ),
            )
            step(
                "upload",
                lambda: measure_upload(
                    (app_url, app_proc.pid), (hello_url, hello_proc.pid), args.upload_repeats, args.page_rounds, args.pause
                ),
            )
    step("cold", lambda: measure_cold_start(args.cold_runs))
    step("synthetic", lambda: measure_synthetic(factors, 10, args.pause))
    step("replicas", lambda: measure_replicas(links, args.users, args.reruns, args.rounds))
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

"""The benchmark's measurements: the servers it starts, and every part but the upload (memory, pages, load,
cold start, synthetic programs, replicas), each figure beside hello-world's."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scripts import headless_chromium, replicas, synthetic_program
from scripts import loadclient as lc

ARTIFACTS = replicas.ROOT / "artifacts"
APP = replicas.ROOT / "app.py"
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
        shutil.copytree(replicas.ROOT / ".streamlit", folder / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"))
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


async def rerun_with_cpu(session: lc.Session, link: lc.Link, pid: int) -> tuple[lc.Rerun, float]:
    """A rerun, and the CPU seconds the server process used meanwhile."""
    before = cpu_seconds([pid])
    rerun = await session.rerun(link)
    return rerun, cpu_seconds([pid]) - before


def visitor_figures(first_visit: lc.Rerun, reruns: list[lc.Rerun], cpu_s: float) -> dict[str, Any]:
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


def beside_hello(figures: dict[str, Any], hello_reruns: list[lc.Rerun]) -> dict[str, Any]:
    """``figures`` with the p50 of the hello-world reruns paired with them, and their p50 as a multiple of it."""
    hello_p50 = round(lc.percentile([r.ms for r in hello_reruns], 50), 1)
    return {**figures, "hello_p50_ms": hello_p50, "ratio": round(figures["p50_ms"] / hello_p50, 2)}


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
    app: tuple[str, int],
    hello: tuple[str, int],
    links: list[lc.Link],
    users: int,
    reruns: int,
    rounds: int,
    own: tuple[str, int] | None = None,
) -> dict[str, Any]:
    """N visitors x M reruns, app (every link) and hello-world, and with ``own`` the reference pages (the same
    links: each page's own elements from constants), after a warm-up round of each."""
    (app_url, app_pid), (hello_url, hello_pid) = app, hello
    runs = [("app", load_runner(app_url, links, users, reruns, [app_pid]))]
    runs.append(("hello", load_runner(hello_url, [lc.Link()], users, reruns, [hello_pid])))
    asyncio.run(lc.run_load(app_url, links, len(links), 1))
    asyncio.run(lc.run_load(hello_url, [lc.Link()], users, 1))
    if own is not None:
        runs.append(("references", load_runner(own[0], links, users, reruns, [own[1]])))
        asyncio.run(lc.run_load(own[0], links, len(links), 1))
    result = _load_rounds(runs, rounds)
    result["users"], result["reruns_per_user"], result["links"] = users, reruns, [str(link) for link in links]
    return result


def _browser() -> Any:
    """Playwright and a headless system Chromium, or None when either is missing."""
    executable = headless_chromium.executable()
    if executable is None:
        return None
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    return playwright, headless_chromium.launch(playwright, executable)


def _cold_start_once(browser: Any, script: Path, name: str) -> dict[str, float]:
    """Seconds from starting a fresh server of ``script`` to its health, and to its first content settled in ``browser``."""
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


def measure_cold_start(runs: int, reference: Path | None = None) -> dict[str, Any]:
    """Server start -> health -> first content in Chromium, fresh servers, alternating app and hello-world (and, given
    its script, the reference app: the first page's own elements from constants)."""
    found = _browser()
    if found is None:
        return {"error": "Chromium not found (Debian package 'chromium')"}
    playwright, browser = found
    scripts = {"app": APP} | ({"references": reference} if reference is not None else {})
    times: dict[str, list[dict[str, float]]] = {"app": [], "hello": [], **({"references": []} if reference else {})}
    try:
        with hello_app() as hello:
            for _ in range(runs):
                times["hello"].append(_cold_start_once(browser, hello, "cold-hello"))
                for name, script in scripts.items():
                    times[name].append(_cold_start_once(browser, script, f"cold-{name}"))
    finally:
        browser.close()
        playwright.stop()
    out: dict[str, Any] = {"runs": runs}
    for name, rows in times.items():
        out[name] = {key: round(med([row[key] for row in rows]), 2) for key in ("health_s", "first_content_s")}
    out["ratio"] = round(out["app"]["first_content_s"] / out["hello"]["first_content_s"], 2)
    if reference is not None:
        out["ratio_reference"] = round(out["app"]["first_content_s"] / out["references"]["first_content_s"], 2)
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
            synthetic_program.write(
                synthetic_program.build(synthetic_program.SHIPPED, factor), synthetic_program.SHIPPED, Path(tmp)
            )
            generated = time.monotonic() - started
            with serve(APP, f"synthetic-{factor}x", env={"CTDC_DATA_DIR": tmp}) as (url, _):
                loaded, pages = asyncio.run(_synthetic_pages(url, links, runs, pause_s))
            with serve(APP, f"synthetic-{factor}x-restarted", env={"CTDC_DATA_DIR": tmp}) as (url, _):
                reloaded, _ = asyncio.run(lc.page_reruns(url, lc.Link(), 0))  # the files unchanged since
            out[f"{factor}x"] = {
                "generate_s": round(generated, 1),
                "data_load_s": round(loaded.ms / 1000, 1),
                "data_load_error": loaded.error,
                "restarted_first_rerun_s": round(reloaded.ms / 1000, 1),
                "restarted_error": reloaded.error,
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

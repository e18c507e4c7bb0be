"""The pages part: one visitor per page, each page beside its own reference page (the same elements from
constants, ``scripts.bench.reference``), hello-world and a page of 30 fixed Markdown blocks as context.

First visits: each page and its reference are opened in fresh sessions, alternately, several times (a first
visit costs what a visitor's first view of a page costs: every element sent in full, every widget made).
Later reruns: in each round, every page is rerun right after a rerun of hello-world and next to a rerun of its
reference (which goes first alternates between rounds), so a slow spell of the machine falls on all three.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scripts import loadclient as lc
from scripts.bench import recording, reference
from scripts.bench.measure import PAGES, PAUSE_S, REFERENCE, cpu_seconds, med, serve

Server = tuple[str, int]  # URL, process id
FIRST_VISITS = 5  # fresh sessions per page (and per reference page) for the first-visit figures


@contextlib.contextmanager
def served_reference(app_url: str) -> Iterator[tuple[Server, dict[str, Any], Path]]:
    """Record every page of the app at ``app_url`` (a first visit each), write the reference app, serve it; its
    server, what each reference replays (elements and bytes per page) and its main script."""
    recordings = asyncio.run(recording.record(app_url, {name: lc.Link.parse(text) for name, text in PAGES}))
    with tempfile.TemporaryDirectory(prefix="ctdc-reference-") as tmp:
        script = reference.write_reference(recordings, Path(tmp))
        replayed = {
            name: {"elements": len(recording.element_sizes(r.messages)), "bytes": sum(m.ByteSize() for m in r.messages)}
            for name, r in recordings.items()
        }
        with serve(script, "reference") as (url, process):
            yield (url, process.pid), replayed, script


async def _first_visit(server: Server, link: lc.Link, pause_s: float) -> tuple[lc.Rerun, float]:
    """A first visit of ``link`` in a fresh session, ``pause_s`` after it connects (as between reruns: without
    it, the first rerun waits for the client's delayed acknowledgement, see ``scripts.loadclient``), and the
    server's CPU seconds meanwhile."""
    async with lc.Session(server[0], pause_s=pause_s) as session:
        await asyncio.sleep(pause_s)
        before = cpu_seconds([server[1]])
        rerun = await session.rerun(link)
        return rerun, cpu_seconds([server[1]]) - before


class Timed:
    """One visitor's reruns of one link on one server, with the server's CPU seconds for each."""

    def __init__(self, server: Server, link: lc.Link, pause_s: float) -> None:
        self.server, self.link = server, link
        self.session = lc.Session(server[0], pause_s=pause_s)
        self.first: list[lc.Rerun] = []
        self.first_cpu: list[float] = []
        self.later: list[lc.Rerun] = []
        self.later_cpu: list[float] = []

    async def first_visit(self, pause_s: float) -> None:
        rerun, used = await _first_visit(self.server, self.link, pause_s)
        self.first.append(rerun)
        self.first_cpu.append(used)

    async def rerun(self) -> None:
        before = cpu_seconds([self.server[1]])
        self.later.append(await self.session.rerun(self.link))
        self.later_cpu.append(cpu_seconds([self.server[1]]) - before)

    def figures(self) -> dict[str, Any]:
        """The later reruns' p50, p95 and bytes, the first visits' median time and bytes, CPU per rerun, errors."""
        runs = [*self.first, *self.later]
        ok = [r.ms for r in self.later if r.error is None]
        return {
            "p50_ms": round(lc.percentile(ok, 50), 1),
            "p95_ms": round(lc.percentile(ok, 95), 1),
            "server_cpu_ms_per_rerun": round(sum(self.later_cpu) * 1000 / max(1, len(self.later)), 1),
            "first_visit_ms": round(med([r.ms for r in self.first]), 1),
            "first_visit_cpu_ms": round(sum(self.first_cpu) * 1000 / max(1, len(self.first)), 1),
            "first_visit_bytes": int(med([r.bytes for r in self.first])),
            "later_rerun_bytes": int(med([r.bytes for r in self.later])),
            "later_rerun_max_bytes": max((r.bytes for r in self.later), default=0),
            "later_rerun_messages": int(med([r.frames for r in self.later])),
            "errors": sum(r.error is not None for r in runs),
            "error_sample": next((r.error for r in runs if r.error), None),
        }


def versus(page: dict[str, Any], own: dict[str, Any]) -> dict[str, float]:
    """A page's figures as multiples of its reference page's."""

    def ratio(key: str) -> float:
        return round(page[key] / own[key], 2) if own[key] else float("nan")

    return {
        "rerun": ratio("p50_ms"),
        "cpu": ratio("server_cpu_ms_per_rerun"),
        "first_visit": ratio("first_visit_ms"),
        "first_visit_cpu": ratio("first_visit_cpu_ms"),
    }


async def _pages(
    app: Server, own: Server, hello: Server, blocks: Server, rounds: int, first_visits: int, pause_s: float
) -> dict[str, Any]:
    links = {name: lc.Link.parse(text) for name, text in PAGES}
    pages = {name: Timed(app, link, pause_s) for name, link in links.items()}
    references = {name: Timed(own, link, pause_s) for name, link in links.items()}
    context = {"hello": Timed(hello, lc.Link(), pause_s), REFERENCE: Timed(blocks, lc.Link(), pause_s)}
    everyone = [*pages.values(), *references.values(), *context.values()]
    for timed in everyone:  # warm-up: no figure below pays for loading data or first imports
        await lc.page_reruns(timed.server[0], timed.link, 1)
    for _ in range(first_visits):
        for name in pages:
            await pages[name].first_visit(pause_s)
            await references[name].first_visit(pause_s)
        for timed in context.values():
            await timed.first_visit(pause_s)
    hello_pairs: dict[str, list[lc.Rerun]] = {name: [] for name in [*pages, REFERENCE]}
    await asyncio.gather(*(t.session.open() for t in everyone))
    try:
        for timed in everyone:
            await timed.session.rerun(timed.link)  # each session's own first run, not counted
        for number in range(rounds):
            for name in [*pages, REFERENCE]:
                paired = context["hello"]
                await paired.rerun()
                hello_pairs[name].append(paired.later[-1])
                pair = [pages[name], references[name]] if name in pages else [context[REFERENCE]]
                for timed in pair if number % 2 == 0 else pair[::-1]:
                    await timed.rerun()
    finally:
        await asyncio.gather(*(t.session.close() for t in everyone))

    def beside_hello(figures: dict[str, Any], name: str) -> dict[str, Any]:
        hello_p50 = round(lc.percentile([r.ms for r in hello_pairs[name]], 50), 1)
        return {**figures, "hello_p50_ms": hello_p50, "ratio": round(figures["p50_ms"] / hello_p50, 2)}

    out_pages = {}
    for name in pages:
        page, own_figures = pages[name].figures(), references[name].figures()
        out_pages[name] = {**beside_hello(page, name), "own_reference": own_figures, "vs_reference": versus(page, own_figures)}
    return {
        "rounds": rounds,
        "first_visits": first_visits,
        "pages": out_pages,
        "reference": beside_hello(context[REFERENCE].figures(), REFERENCE),
        "hello": context["hello"].figures(),
    }


def measure_pages(
    app: Server,
    own: Server,
    hello: Server,
    blocks: Server,
    rounds: int,
    first_visits: int = FIRST_VISITS,
    pause_s: float = PAUSE_S,
) -> dict[str, Any]:
    """Every page beside its own reference page (served at ``own``), hello-world and the 30-block page: first
    visits in fresh sessions and later reruns in paired rounds, with the servers' CPU time."""
    return asyncio.run(_pages(app, own, hello, blocks, rounds, first_visits, pause_s))

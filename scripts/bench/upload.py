"""The benchmark's upload: the largest map Your ecosystem accepts, generated as its template's two CSV files and
uploaded as the frontend uploads it, each time in a fresh session; then the page's later reruns with the map loaded.
And the memory the uploads take and give back: rounds of many sessions each uploading that map on a fresh server,
the server's resident memory at its peak and after the sessions closed, and the "busy" answers past its ceiling."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import math
import random
import re
from typing import Any

from dashboard.data.schema import RELATIONSHIP_KINDS
from dashboard.network.model import NETWORK_TYPES
from dashboard.upload import tables as upload_tables
from dashboard.upload.templates import TEMPLATE_FILES
from scripts import loadclient as lc
from scripts.bench.measure import APP, PAUSE_S, beside_hello, med, rerun_with_cpu, rss_mb, serve, visitor_figures

# The upload: the page, its uploader's key, and the largest map it accepts (generated, fictional).
UPLOAD_PAGE = "/ecosystem"
UPLOAD_KEY = "ecosystem_files"
MAP_ORGANIZATIONS, MAP_TIES = upload_tables.MAX_ORGANIZATIONS, upload_tables.MAX_TIES
UPLOAD_TIMEOUT_S = 120.0
# The memory rounds: this many sessions each upload the largest map and keep it, one more tries while they hold
# theirs (the server's ceiling should answer it "busy"), then all close; the memory is read this long after.
MEMORY_SESSIONS = 10
MEMORY_ROUNDS = 3
SETTLE_S = 60.0
SAMPLE_S = 5.0
BUSY_TEXT = "the server is busy"  # in the page's answer to an upload past the ceiling (upload/result.BUSY)


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


def drawn_rerun(upload: lc.Upload, before: lc.Rerun) -> lc.Rerun:
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
    """``repeats`` uploads of ``files``, each in a fresh session after one not counted, then ``rounds`` later reruns
    of the page with the last map loaded, each right after a rerun of hello-world; the figures of both."""
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
                drawn.append(drawn_rerun(upload, before))
        assert session is not None
        charts = drawn[-1].count("vega_lite_chart")
        await hello_session.rerun(lc.Link())  # its first visit, not counted
        later: list[lc.Rerun] = []
        paired: list[lc.Rerun] = []
        cpu = 0.0
        for _ in range(rounds):
            paired.append(await hello_session.rerun(lc.Link()))
            rerun, used = await rerun_with_cpu(session, link, app_pid)
            cpu += used
            if rerun.error is None and rerun.count("vega_lite_chart") < charts:
                rerun = dataclasses.replace(rerun, error="the uploaded map is no longer drawn")
            later.append(rerun)
    finally:
        await hello_session.close()
        if session is not None:
            await session.close()
    ok = [r.ms for r in drawn if r.error is None]
    after = beside_hello(visitor_figures(drawn[-1], later, cpu), paired)
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


def upload_answer(upload: lc.Upload, before: lc.Rerun) -> str:
    """What the page answered an upload: ``"drawn"``, ``"busy"`` (the server's ceiling), or the error."""
    warnings = [re.sub(r"\\(.)", r"\1", text) for text in upload.rerun.texts("warning")]
    if upload.rerun.error is None and any(BUSY_TEXT in text for text in warnings):
        return "busy"
    return drawn_rerun(upload, before).error or "drawn"


async def _one_upload(url: str, files: list[tuple[str, bytes]]) -> tuple[lc.Session, str]:
    """A new session on Your ecosystem that uploads ``files``, left open; the page's answer."""
    session = lc.Session(url)
    await session.open()
    before = await session.rerun(lc.Link.parse(UPLOAD_PAGE))
    return session, upload_answer(await session.upload(files, UPLOAD_KEY, timeout=UPLOAD_TIMEOUT_S), before)


async def _memory_rounds(
    url: str, pid: int, files: list[tuple[str, bytes]], sessions: int, rounds: int, settle_s: float
) -> dict[str, Any]:
    """RSS after a first visit of the upload page, then per round: the peak while ``sessions`` sessions upload and
    hold the map and one more tries, the answers, and RSS ``settle_s`` after all closed (sampled on the way)."""
    await lc.page_reruns(url, lc.Link.parse(UPLOAD_PAGE), 0)
    start = rss_mb(pid)
    done = []
    for _ in range(rounds):
        opened: list[lc.Session] = []
        answers: list[str] = []
        peak = rss_mb(pid)
        try:
            for _ in range(sessions + 1):  # the last one comes while the others hold their maps
                session, answer = await _one_upload(url, files)
                opened.append(session)
                answers.append(answer)
                peak = max(peak, rss_mb(pid))
        finally:
            await asyncio.gather(*(s.close() for s in opened))
        samples = []
        for _ in range(round(settle_s / SAMPLE_S)):
            await asyncio.sleep(SAMPLE_S)
            samples.append(round(rss_mb(pid), 1))
        errors = [a for a in answers if a not in ("drawn", "busy")]
        done.append(
            {
                "peak_mb": round(peak, 1),
                "after_mb": samples[-1],
                "samples_mb": samples,
                "drawn": answers.count("drawn"),
                "busy": answers.count("busy"),
                "errors": len(errors),
                "error_sample": errors[0] if errors else None,
            }
        )
    return {"sessions": sessions, "settle_s": settle_s, "start_mb": round(start, 1), "rounds": done}


def measure_upload_memory(
    sessions: int = MEMORY_SESSIONS, rounds: int = MEMORY_ROUNDS, settle_s: float = SETTLE_S, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """On a fresh server (``env`` added to its environment): ``rounds`` rounds of ``sessions`` sessions each uploading
    the largest map and holding it, and one more trying, then all closed; the server's resident memory (MB) at the
    start, at each round's peak and ``settle_s`` after each round's sessions closed, and the page's answers."""
    files = map_files(MAP_ORGANIZATIONS, MAP_TIES)
    with serve(APP, "upload-memory", env=env) as (url, process):
        result = asyncio.run(_memory_rounds(url, process.pid, files, sessions, rounds, settle_s))
    return {**result, "uploads_per_round": sessions + 1, "env": env or {}}

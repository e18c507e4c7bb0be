"""Where a page's time goes: py-spy samples a server while one visitor reruns a page (warm reruns) and while
fresh sessions open it (first visits), page by page; the samples are summed into tables.

py-spy (``requirements-dev.txt``) reads the server's stacks from outside at ``RATE`` samples a second, without
stopping it (``--nonblocking``) and only in the thread that holds Python's lock (``--gil``: threads waiting on
the network or a lock are left out), so a stack's share of the samples is its share of the server's CPU time,
the event loop's work (sending messages) included. Each
sample's stack is read from its root: a frame's *cumulative* samples are those with the frame anywhere on the
stack, its *self* samples those with it on top. Views:

- our code: functions of the app (``app.py``, ``app_pages/``, ``src/dashboard/``), by cumulative samples;
- where control left our code: each sample counted once, under the library function our deepest frame called
  (past Streamlit's wrapper around every command: ``MarkdownMixin.markdown``, ``CachedFunc.__call__`` for a
  cached builder, ``Page.run`` for the page's own script around it ...), under our own lines when our code
  is on top, or under Streamlit's script runner or server when no frame of ours is on the stack;
- self time by function, and by library (the package on top of each sample: ``streamlit``, ``pandas``,
  ``google`` for protobuf, the standard library as ``stdlib``).

The reference pages' own scripts (``reference_app.py``, ``reference_pages/``) count as a page's code, so their
samples fall under the same Streamlit commands as the app's. ``profile_load`` samples a server through whole
runs of the many-visitor load, so the same views read per rerun under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts import loadclient as lc
from scripts import replicas

RATE = 1000  # samples a second
ATTACH_S = 0.5  # time for py-spy to attach before a phase starts
TOP = 20
ROOT = replicas.ROOT
OURS = ("/src/dashboard/", "/app_pages/", "/reference_pages/")
OUR_SCRIPTS = ("/app.py", "/reference_app.py")


def py_spy() -> str | None:
    """The py-spy program beside this Python or on the PATH, or None."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextlib.contextmanager
def sampling(pid: int, program: str) -> Iterator[Counter[str]]:
    """Sample process ``pid`` while the block runs; the counter it yields is filled with the collapsed stacks
    (``frame;frame;... count``) when the block ends."""
    stacks: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="ctdc-profile-") as tmp:
        out = Path(tmp) / "stacks.txt"
        command = [program, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw", "--nonblocking", "--gil"]
        spy = subprocess.Popen(
            [*command, "--full-filenames", "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(ATTACH_S)
        try:
            yield stacks
        finally:
            spy.send_signal(signal.SIGINT)
            _, errors = spy.communicate(timeout=60)
        if not out.exists():
            raise RuntimeError(f"py-spy wrote no samples: {errors.decode(errors='replace')[-500:]}")
        for line in out.read_text(encoding="utf-8").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[stack] += int(count)


def frame_parts(frame: str) -> tuple[str, str]:
    """``"func (path:line)"`` -> (func, path)."""
    func, _, where = frame.rpartition(" (")
    return func, where.rstrip(")").rpartition(":")[0]


def is_ours(path: str) -> bool:
    """Whether a frame's file is the app's own code."""
    return "site-packages" not in path and (any(part in path for part in OURS) or path.endswith(OUR_SCRIPTS))


def package(path: str) -> str:
    """The library a file belongs to: the folder under ``site-packages``, ``ours``, or ``stdlib``."""
    if is_ours(path):
        return "ours"
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    return "stdlib"


def short(func: str, path: str) -> str:
    """A frame for a table: the function and its file, relative to the project or to ``site-packages``."""
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif path.startswith(str(ROOT)):
        path = path[len(str(ROOT)) + 1 :]
    elif "/lib/python" in path:
        path = path.split("/lib/python", 1)[1].split("/", 1)[-1]
    return f"{func} ({path})"


OUR_LINES = "(our code's own lines)"
IN_RUNNER = "(Streamlit's script runner, outside the page's code)"
IN_SERVER = "(Streamlit's server: sessions, messages, the event loop)"
WRAPPER = "gather_metrics.<locals>.wrapped_func"  # Streamlit's wrapper around every st.* command


def call_of(frames: list[tuple[str, str]]) -> tuple[str, str]:
    """Where a sample's control left our code, and whose work that is: the library function our deepest frame
    called (past Streamlit's command wrapper) and its library, our own lines (``ours``) when our frame is on top,
    or the server's or runner's own work (``streamlit``)."""
    deepest = max((i for i, (_, path) in enumerate(frames) if is_ours(path)), default=None)
    if deepest is None:
        return (IN_RUNNER if any(func.startswith("ScriptRunner.") for func, _ in frames) else IN_SERVER), "streamlit"
    below = [frame for frame in frames[deepest + 1 :] if frame[0] != WRAPPER]
    return (short(*below[0]), package(below[0][1])) if below else (OUR_LINES, "ours")


@dataclass
class Profile:
    """Samples summed by frame: cumulative counts for our functions; each sample once by where control left our
    code (``calls``) and by the library that work belongs to (``called``); self counts by function and by library."""

    samples: int = 0
    ours: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    called: Counter[str] = field(default_factory=Counter)
    functions: Counter[str] = field(default_factory=Counter)
    libraries: Counter[str] = field(default_factory=Counter)

    def add(self, stacks: Mapping[str, int]) -> None:
        """Count collapsed stacks (root first)."""
        for stack, count in stacks.items():
            frames = [frame_parts(frame) for frame in stack.split(";")]
            self.samples += count
            self.libraries[package(frames[-1][1])] += count
            self.functions[short(*frames[-1])] += count
            for key in {short(func, path) for func, path in frames if is_ours(path)}:
                self.ours[key] += count
            call, library = call_of(frames)
            self.calls[call] += count
            self.called[library] += count

    def merge(self, other: Profile) -> None:
        """Add another profile's counts to this one."""
        self.samples += other.samples
        for mine, theirs in ((self.ours, other.ours), (self.calls, other.calls), (self.functions, other.functions)):
            mine.update(theirs)
        self.libraries.update(other.libraries)
        self.called.update(other.called)

    def table(self, runs: int, top: int = TOP) -> dict[str, Any]:
        """The top entries as shares of all samples and as CPU ms per run."""

        def rows(counter: Counter[str], count: int = top) -> list[dict[str, Any]]:
            return [
                {
                    "frame": key,
                    "share": round(n / max(1, self.samples), 3),
                    "ms_per_run": round(n * 1000 / RATE / max(1, runs), 2),
                }
                for key, n in counter.most_common(count)
            ]

        return {
            "samples": self.samples,
            "runs": runs,
            "cpu_ms_per_run": round(self.samples * 1000 / RATE / max(1, runs), 1),
            "ours": rows(self.ours),
            "calls": rows(self.calls),
            "functions": rows(self.functions),
            "libraries": rows(self.libraries, len(self.libraries)),
            "called": rows(self.called, len(self.called)),
        }


async def _warm(url: str, link: lc.Link, runs: int, pause_s: float, stacks: Any) -> None:
    async with lc.Session(url, pause_s=pause_s) as session:
        await session.rerun(link)
        with stacks():
            for _ in range(runs):
                await session.rerun(link)


async def _first(url: str, link: lc.Link, runs: int, pause_s: float, stacks: Any) -> None:
    sessions = [lc.Session(url, pause_s=pause_s) for _ in range(runs)]
    await asyncio.gather(*(s.open() for s in sessions))
    try:
        with stacks():
            for session in sessions:
                await asyncio.sleep(pause_s)  # see scripts.bench.pages: no delayed acknowledgement in the figures
                await session.rerun(link)
    finally:
        await asyncio.gather(*(s.close() for s in sessions))


def profile_pages(server: tuple[str, int], pages: Mapping[str, lc.Link], runs: int, pause_s: float) -> dict[str, Any]:
    """Warm reruns and first visits of each page, sampled; per page and for all pages together."""
    program = py_spy()
    if program is None:
        return {"error": "py-spy not found (pip install py-spy)"}
    url, pid = server
    totals = {"warm": Profile(), "first": Profile()}
    out: dict[str, Any] = {"rate": RATE, "runs_per_page": runs, "pages": {}}
    for name, link in pages.items():
        asyncio.run(lc.page_reruns(url, link, 1))  # warm: the data loaded, the page's caches filled
        found = {}
        for phase, run in (("warm", _warm), ("first", _first)):
            profile = Profile()

            @contextlib.contextmanager
            def stacks(into: Profile = profile) -> Iterator[None]:
                with sampling(pid, program) as counted:
                    yield
                into.add(counted)

            asyncio.run(run(url, link, runs, pause_s, stacks))
            totals[phase].merge(profile)
            found[phase] = profile.table(runs, top=5)
        out["pages"][name] = found
    out["all"] = {phase: profile.table(runs * len(pages)) for phase, profile in totals.items()}
    return out


LOAD_ROWS = 200  # rows kept of each view under load, so that the report can set app and references side by side


def profile_load(server: tuple[str, int], links: list[lc.Link], users: int, reruns: int, rounds: int) -> dict[str, Any]:
    """``rounds`` runs of the many-visitor load (``users`` x ``reruns`` over ``links``), sampled throughout, after a
    warm-up run; the views per rerun, and the load's own figures while sampled."""
    program = py_spy()
    if program is None:
        return {"error": "py-spy not found (pip install py-spy)"}
    url, pid = server
    asyncio.run(lc.run_load(url, links, len(links), 1))
    profile, results = Profile(), []
    for _ in range(rounds):
        with sampling(pid, program) as counted:
            results.append(asyncio.run(lc.run_load(url, links, users, reruns)))
        profile.add(counted)
    out = profile.table(sum(len(result.reruns) for result in results), top=LOAD_ROWS)
    out.update(
        rate=RATE,
        users=users,
        reruns_per_user=reruns,
        rounds=rounds,
        throughput_per_s=round(sum(result.throughput for result in results) / rounds, 2),
        errors=sum(result.errors for result in results),
    )
    return out

"""Against link rot: an archived-copy address for every source, and ``check-links``, which asks every
source URL whether it still answers and writes the results, with the date, to ``data/link_checks.yaml``.

The archived copy is a search of the Internet Archive's Wayback Machine: ``/web/<date>/<url>`` with
the source's date (``YYYYMMDD``, ``YYYYMM`` or ``YYYY``) redirects to the capture nearest that date,
and ``/web/*/<url>`` (a source without a date) lists every capture. Neither is checked: the archive
may hold no copy at all.

The check is polite: one request at a time per host, at least ``delay`` seconds apart on a host, at
most ``workers`` hosts at once, every request with a time-out and a User-Agent naming the project,
and the whole run stops asking after ``max_seconds`` (the URLs left are recorded as not checked).
Redirects are followed by hand (at most ``MAX_REDIRECTS``), so a moved page is recorded as moved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import math
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from dashboard import constants as C
from dashboard.data.values import is_missing

WAYBACK = "https://web.archive.org/web/"
ARCHIVE_LABEL = "search the archive"
ARCHIVE_TITLE = "The Internet Archive's Wayback Machine near the source's date: a search, not a verified capture"
LINK_CHECKS_FILE = "link_checks.yaml"
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)

# What a check found: the page answered (ok), answered at another address (moved), is gone (dead:
# 404 or 410), answered with another error status (error: it may be a block of automated requests),
# gave no answer (unreachable: time-out, refused connection, unknown host, TLS failure), or was not
# asked before the run's time ran out (not checked).
OK, MOVED, DEAD, ERROR, UNREACHABLE, NOT_CHECKED = "ok", "moved", "dead", "error", "unreachable", "not checked"
STATUSES = (OK, MOVED, DEAD, ERROR, UNREACHABLE, NOT_CHECKED)
GONE = (404, 410)


def archive_url(url: str, date: object = None) -> str:
    """The Wayback Machine address for ``url`` near the source's ``date`` (an ISO partial date): it
    redirects to the nearest capture; without a date, the list of every capture."""
    stamp = "" if is_missing(date) or not str(date).strip() else str(date).replace("-", "")
    return f"{WAYBACK}{stamp or '*'}/{url}"


@dataclass(frozen=True)
class LinkCheck:
    """One source URL's check: when, what was found, the HTTP status, the address it moved to, and detail."""

    source: str
    url: str
    status: str
    checked: str | None = None  # an ISO timestamp (UTC); None when not checked
    http_status: int | None = None
    final_url: str | None = None
    detail: str | None = None


@dataclass
class Politeness:
    """How hard the checker may ask: hosts at once, seconds between two requests to one host, seconds
    to wait for one answer, and seconds the whole run may ask for."""

    workers: int = 8
    delay: float = 1.0
    timeout: float = 15.0
    max_seconds: float = 900.0
    user_agent: str = C.USER_AGENT
    context: ssl.SSLContext | None = field(default=None, repr=False)  # None: the default, verifying context


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands every redirect back as an error, so the checker records it and follows it itself."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: http.client.HTTPMessage, newurl: str
    ) -> None:
        """No new request: the redirect surfaces as an ``HTTPError`` carrying its ``Location``."""
        return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _reason(exc: BaseException) -> str:
    """A short, readable reason for a request that got no answer."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return f"TLS error: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(reason) or reason.__class__.__name__


class HostPacer:
    """One request at a time per host, each at least ``delay`` seconds after the previous answer from it."""

    def __init__(self, delay: float):
        self.delay = delay
        self.locks: dict[str, threading.Lock] = {}
        self.last: dict[str, float] = {}
        self.guard = threading.Lock()

    @contextlib.contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Hold ``host`` for one request: wait for its lock and its delay, and note when the answer came."""
        with self.guard:
            lock = self.locks.setdefault(host, threading.Lock())
        with lock:
            pause = self.last.get(host, -math.inf) + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                yield
            finally:
                self.last[host] = time.monotonic()


def check_url(source: str, url: str, polite: Politeness, pacer: HostPacer | None = None) -> LinkCheck:
    """Ask ``url`` (GET, body not read), following redirects by hand, each request in its host's turn."""
    pacer = pacer or HostPacer(polite.delay)
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if polite.context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=polite.context))
    opener = urllib.request.build_opener(*handlers)
    address, first = url, None
    for _ in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(address, headers={"User-Agent": polite.user_agent, "Accept": "*/*"})
        location = None
        try:
            with pacer.turn(urllib.parse.urlsplit(address).netloc.lower()):
                try:
                    with opener.open(request, timeout=polite.timeout) as response:
                        code = response.status
                except urllib.error.HTTPError as exc:
                    code = exc.code
                    location = exc.headers.get("Location") if code in REDIRECTS else None
                    exc.close()
        except (OSError, http.client.HTTPException, ValueError) as exc:  # no answer: time-out, refused, TLS, bad address
            return LinkCheck(source, url, UNREACHABLE, _now(), first, None if address == url else address, _reason(exc))
        if location:
            first = first or code
            address = urllib.parse.urljoin(address, location)
            continue
        moved = address != url
        if code in GONE:
            status = DEAD
        elif code >= 400:
            status = ERROR
        else:
            status = MOVED if moved else OK
        detail = f"HTTP {first} to {address}, which answered {code}" if moved else f"HTTP {code}"
        return LinkCheck(source, url, status, _now(), first or code, address if moved else None, detail)
    return LinkCheck(source, url, ERROR, _now(), first, address, f"more than {MAX_REDIRECTS} redirects")


def check_sources(sources: Iterable[dict[str, Any]], polite: Politeness | None = None) -> list[LinkCheck]:
    """Check every source's URL politely (see the module's docstring); results in the sources' order."""
    polite = polite or Politeness()
    rows = [(str(s["id"]), str(s["url"])) for s in sources]
    by_host: dict[str, list[tuple[int, str, str]]] = {}
    for index, (source, url) in enumerate(rows):
        by_host.setdefault(urllib.parse.urlsplit(url).netloc.lower(), []).append((index, source, url))
    deadline = time.monotonic() + polite.max_seconds
    pacer = HostPacer(polite.delay)
    results: list[LinkCheck | None] = [None] * len(rows)

    def one_host(items: list[tuple[int, str, str]]) -> None:
        for index, source, url in items:
            if time.monotonic() >= deadline:
                results[index] = LinkCheck(source, url, NOT_CHECKED, detail=f"the run's {polite.max_seconds:g} s ran out")
                continue
            results[index] = check_url(source, url, polite, pacer)

    with ThreadPoolExecutor(max_workers=max(1, polite.workers)) as pool:
        list(pool.map(one_host, by_host.values()))
    return [result for result in results if result is not None]


HEADER = """\
# Written by `python -m dashboard check-links` (make check-links): whether each source's URL still
# answered when checked. status: ok, moved (answered at another address: final_url), dead (404 or
# 410), error (another error status; some sites refuse automated requests), unreachable (no answer:
# time-out, refused connection, unknown host, TLS failure) or not checked (the run's time ran out).
# The Library shows each source's last check and counts the dead links.
"""


def write_checks(path: Path, checks: list[LinkCheck], polite: Politeness) -> None:
    """Write the run's date, how it asked, and one entry per source (empty fields left out)."""
    document = {
        "checked": dt.date.today().isoformat(),
        "user_agent": polite.user_agent,
        "results": [{k: v for k, v in asdict(check).items() if v is not None} for check in checks],
    }
    path.write_text(HEADER + "\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


@dataclass(frozen=True)
class LinkReport:
    """The last check as the Library shows it: the run's date and each source's result by id."""

    checked: str | None
    results: dict[str, dict[str, Any]]

    def counts(self) -> dict[str, int]:
        """How many sources had each status."""
        return {status: sum(r.get("status") == status for r in self.results.values()) for status in STATUSES}


def read_checks(path: Path) -> LinkReport:
    """The last check from ``path``; an empty report when the file is missing or unreadable."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return LinkReport(None, {})
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        return LinkReport(None, {})
    results = {str(r["source"]): r for r in document["results"] if isinstance(r, dict) and "source" in r}
    return LinkReport(str(document.get("checked")) if document.get("checked") else None, results)


def last_check_text(result: dict[str, Any] | None) -> str:
    """One source's last check in words: "not checked yet", or its status, detail and day."""
    if not result:
        return "not checked yet"
    day = str(result.get("checked") or "")[:10]
    detail = f" ({result['detail']})" if result.get("detail") else ""
    return f"{result.get('status', NOT_CHECKED)}{detail}" + (f", {day}" if day else "")


def summary(report: LinkReport, total: int) -> str:
    """The Library's sentence on the last check: its date and the count of each outcome, or "not checked yet"."""
    if report.checked is None or not report.results:
        return "Links not checked yet: `make check-links` asks every source's URL and records the answers."
    counts = report.counts()
    parts = [f"{counts[DEAD]} dead (404 or 410)", f"{counts[UNREACHABLE]} unreachable", f"{counts[ERROR]} other errors"]
    parts += [f"{counts[MOVED]} moved", f"{counts[OK]} answered"]
    missing = total - sum(counts[s] for s in STATUSES if s != NOT_CHECKED)
    return f"Links last checked {report.checked}: " + ", ".join(parts) + f"; {missing} of {total} not checked."

"""A protocol-level load client for a Streamlit server: what a browser tab sends and receives, without the browser.

A visitor opens ``/_stcore/stream`` (WebSocket, subprotocol ``streamlit``) and sends one
``BackMsg.rerun_script`` per rerun, as the frontend does:

- the first rerun after connecting carries the link's ``query_string`` and its ``page_name`` (the
  page's URL path, ``""`` for the default page) with an empty ``page_script_hash``;
- later reruns carry the ``page_script_hash`` the server announced for that page (in its
  ``navigation`` message) and an empty ``page_name``;
- every rerun carries ``cached_message_hashes``: the hashes of the cacheable messages received
  earlier in the session, aged out after ``max_cached_message_age`` script runs like the
  frontend's cache; the server then sends a short ``ref_hash`` instead of a message the tab has.
  Bytes are counted as sent, so a reference counts as its own few bytes;
- widget states are sent only for the widgets the client set itself (a file uploader after an
  upload), on every rerun of the page that drew them, as the frontend sends the states it holds;
  other widgets keep the session's values, and the filters come from the query string.

An upload goes as the frontend's file uploader sends it: the uploader's widget id is read from
the ``file_uploader`` element of the page's last rerun; a ``BackMsg.file_urls_request`` (the file
names and the session id from ``new_session``) is answered by a ``ForwardMsg.file_urls_response``
with one upload URL per file; each file is PUT to its URL
(``/_stcore/upload_file/<session_id>/<file_id>``) as a multipart form with one part named after
the file, with the XSRF cookie the server set on ``/_stcore/health`` echoed in ``X-Xsrftoken``;
then the page reruns with the uploader's state listing every file's name, size, id and URLs.

A rerun ends at ``script_finished``. Its time runs from sending the ``BackMsg`` to receiving
that message; its bytes are the payloads of every ``ForwardMsg`` frame in between (the server
negotiates no WebSocket compression, so they are what goes over the wire, less a few bytes of
framing per frame). It notes what it drew: each element's kind (an alert by its kind: ``error``,
``warning``, ``info``, ``success``) with an alert's text or a widget's id; an element the server
sent as a reference to one the tab holds counts as that element. A rerun is an error when it
raises (an exception element), reaches another page than the link's, reports a page not found or
a compile error, times out, or the connection fails.

A session may pause between reruns (``pause_s``: the least time from the end of one rerun to the
sending of the next), as a visitor does between clicks. Without it, a rerun sent within about
40 ms of the previous one's end is measured up to 40 ms slow: Streamlit's server leaves Nagle's
algorithm on for its connections (it creates its listening socket without a protocol number, so
asyncio does not set ``TCP_NODELAY`` on the sockets it accepts), and after the first frame of the
run the server waits for the client's delayed acknowledgement before it sends the rest.

Behind the load balancer in ``deploy/`` a visitor first fetches the page's HTML, keeps the
affinity cookie it sets, sends it with the WebSocket handshake and fetches the page again at the
end; the ``X-Replica`` header nginx adds to each response names the replica, so a
visitor that met more than one replica shows that stickiness failed.
"""

from __future__ import annotations

import asyncio
import math
import mimetypes
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Self

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

REPLICA_HEADER = "X-Replica"
RERUN_TIMEOUT_S = 60.0
STREAM_PATH = "/_stcore/stream"
HEALTH_PATH = "/_stcore/health"
XSRF_COOKIE = "_streamlit_xsrf"
XSRF_HEADER = "X-Xsrftoken"
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR


@dataclass(frozen=True)
class Link:
    """A shared link: the page's URL path (``""`` for the default page) and its query string."""

    page: str = ""
    query: str = ""

    @classmethod
    def parse(cls, text: str) -> Link:
        """``"site?site=st-louis"`` -> ``Link("site", "site=st-louis")``; a leading ``/`` is ignored."""
        path, _, query = text.lstrip("/").partition("?")
        return cls(path.strip("/"), query)

    def __str__(self) -> str:
        return "/" + self.page + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class Shown:
    """One element a rerun drew: its kind (``"vega_lite_chart"``, ``"markdown"``, ``"file_uploader"`` …; an
    alert by its kind, ``"error"``, ``"warning"``, ``"info"`` or ``"success"``) and, for an alert, its text, for
    a widget, its id."""

    kind: str
    text: str = ""


@dataclass(frozen=True)
class Rerun:
    """One rerun as the client saw it."""

    link: Link
    ms: float
    bytes: int
    frames: int
    error: str | None = None
    shown: tuple[Shown, ...] = ()

    def count(self, kind: str) -> int:
        """How many elements of ``kind`` the rerun drew."""
        return sum(s.kind == kind for s in self.shown)

    def texts(self, kind: str) -> list[str]:
        """The texts (alerts) or ids (widgets) of the elements of ``kind`` the rerun drew, in order."""
        return [s.text for s in self.shown if s.kind == kind]


def _shown(msg: ForwardMsg) -> Shown | None:
    """The element a message draws, if it draws one."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    kind = element.WhichOneof("type") or ""
    if kind == "alert":
        return Shown(Alert.Format.Name(element.alert.format).lower(), element.alert.body)
    inner = getattr(element, kind, None) if kind else None
    widget_id = getattr(inner, "id", "") if inner is not None and "id" in inner.DESCRIPTOR.fields_by_name else ""
    return Shown(kind, widget_id)


class MessageCache:
    """The frontend's cache of cacheable messages: hash -> the script run it was last used in, and the
    element each one draws (so that a reference to it counts as that element)."""

    def __init__(self) -> None:
        self.runs = 0
        self.max_age = 2
        self.entries: dict[str, int] = {}
        self.elements: dict[str, Shown] = {}

    def note(self, msg: ForwardMsg) -> Shown | None:
        """Remember a cacheable message, or refresh the one a reference points to; the element it draws, if any."""
        if msg.WhichOneof("type") == "ref_hash":
            self.entries[msg.ref_hash] = self.runs
            return self.elements.get(msg.ref_hash)
        drawn = _shown(msg)
        if msg.metadata.cacheable and msg.hash:
            self.entries[msg.hash] = self.runs
            if drawn is not None:
                self.elements[msg.hash] = drawn
        return drawn

    def finished(self) -> None:
        """A script run ended: age every entry and drop those older than ``max_age`` runs."""
        self.runs += 1
        self.entries = {key: run for key, run in self.entries.items() if self.runs - run <= self.max_age}
        self.elements = {key: drawn for key, drawn in self.elements.items() if key in self.entries}

    def hashes(self) -> list[str]:
        """What the next rerun tells the server the tab already holds."""
        return sorted(self.entries)


def _page_of(msg: ForwardMsg) -> tuple[str, dict[str, str]]:
    """From a ``navigation`` message: the URL path of the page that ran, and every page's hash by URL path."""
    hashes = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
    current = next((path for path, key in hashes.items() if key == msg.navigation.page_script_hash), "")
    return current, hashes


def _problem(msg: ForwardMsg) -> str | None:
    """The error a message reports, if any."""
    kind = msg.WhichOneof("type")
    if kind == "page_not_found":
        return f"page not found: {msg.page_not_found.page_name!r}"
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        if element.WhichOneof("type") == "exception":
            return f"exception: {element.exception.type}: {element.exception.message[:200]}"
    if kind == "script_finished" and msg.script_finished == FINISHED_WITH_COMPILE_ERROR:
        return "script compile error"
    return None


class HttpVisitor:
    """The HTTP side of a browser: a cookie jar, and the replica named by each response."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.replicas: list[str] = []
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def cookie_header(self) -> dict[str, str]:
        """The ``Cookie`` header to send, if any cookie was set."""
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def note_response(self, headers: Any) -> None:
        """Keep the cookies a response sets and the replica it names."""
        for header in headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        replica = headers.get(REPLICA_HEADER)
        if replica:
            self.replicas.append(replica)

    def get(self, path: str, timeout: float = 30.0) -> bytes:
        """GET ``path`` with the cookies held; keep what the response sets. Raises ``OSError`` on failure."""
        request = urllib.request.Request(self.base_url + path, headers=self.cookie_header())
        with self.opener.open(request, timeout=timeout) as response:
            self.note_response(response.headers)
            body: bytes = response.read()
            return body

    def xsrf_token(self) -> str | None:
        """The XSRF token the server set in its cookie (asking the health endpoint for it first, as the frontend
        does before it connects), or None when the server sets none (XSRF protection off)."""
        if XSRF_COOKIE not in self.cookies:
            self.get(HEALTH_PATH)
        return self.cookies.get(XSRF_COOKIE)

    def put_file(self, url: str, name: str, data: bytes, timeout: float = 60.0) -> int:
        """PUT one file to an upload URL as the frontend does: a multipart form whose one part is named after
        the file, with the XSRF token in its header. The response's status; raises ``OSError`` on failure."""
        boundary = "----loadclient" + uuid.uuid4().hex
        quoted = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        body = b"".join(
            [
                f"--{boundary}\r\n".encode(),
                f'Content-Disposition: form-data; name="{quoted}"; filename="{quoted}"\r\n'.encode(),
                f"Content-Type: {content_type}\r\n\r\n".encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        token = self.xsrf_token()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", **self.cookie_header()}
        if token:
            headers[XSRF_HEADER] = token
        target = url if "://" in url else self.base_url + url
        request = urllib.request.Request(target, data=body, headers=headers, method="PUT")
        with self.opener.open(request, timeout=timeout) as response:
            self.note_response(response.headers)
            return int(response.status)


class Session:
    """One browser tab: a WebSocket session that reruns links, page by page."""

    def __init__(self, base_url: str, visitor: HttpVisitor | None = None, pause_s: float = 0.0) -> None:
        self.visitor = visitor or HttpVisitor(base_url)
        self.pause_s = pause_s  # the least time between the end of a rerun and the next (see the module's docstring)
        self.finished_at: float | None = None
        self.ws_url = "ws" + self.visitor.base_url.removeprefix("http") + STREAM_PATH
        self.ws: ClientConnection | None = None
        self.cache = MessageCache()
        self.page_hashes: dict[str, str] = {}
        self.current: Link | None = None
        self.last: Rerun | None = None
        self.session_id = ""
        self.widgets: dict[str, WidgetState] = {}  # the states this client set, sent while their page is shown

    async def open(self) -> None:
        """Connect the WebSocket (with the visitor's cookies, as a browser would)."""
        self.ws = await connect(
            self.ws_url,
            subprotocols=[Subprotocol("streamlit")],
            additional_headers=self.visitor.cookie_header(),
            max_size=None,
            proxy=None,
            compression=None,
            open_timeout=RERUN_TIMEOUT_S,
            ping_interval=None,
        )
        if self.ws.response is not None:
            self.visitor.note_response(self.ws.response.headers)

    async def close(self) -> None:
        """Close the WebSocket."""
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _backmsg(self, link: Link) -> bytes:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = link.query
        page_hash = self.page_hashes.get(link.page) if self.current is not None else None
        if page_hash:
            rerun.page_script_hash = page_hash
        else:
            rerun.page_name = link.page
        rerun.widget_states.widgets.extend(self.widgets.values())
        rerun.cached_message_hashes.extend(self.cache.hashes())
        data: bytes = msg.SerializeToString()
        return data

    async def _receive(self) -> tuple[ForwardMsg, int]:
        """The next message from the server, and its size in bytes."""
        if self.ws is None:
            raise RuntimeError("the session is not open")
        data = await self.ws.recv()
        raw = data.encode() if isinstance(data, str) else data
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        return msg, len(raw)

    async def rerun(self, link: Link, timeout: float = RERUN_TIMEOUT_S) -> Rerun:
        """Rerun ``link`` and wait for ``script_finished``; errors are reported in the result, not raised."""
        if self.ws is None:
            raise RuntimeError("the session is not open")
        if self.current is not None and link.page != self.current.page:
            self.widgets.clear()  # the page that drew them is gone, and the frontend forgets their states
        await self._pause()
        start = time.perf_counter()
        size = frames = 0
        error: str | None = None
        reached: str | None = None
        shown: list[Shown] = []
        try:
            await self.ws.send(self._backmsg(link))
            async with asyncio.timeout(timeout):
                while True:
                    msg, length = await self._receive()
                    size += length
                    frames += 1
                    drawn = self.cache.note(msg)
                    if drawn is not None:
                        shown.append(drawn)
                    kind = msg.WhichOneof("type")
                    error = error or _problem(msg)
                    if kind == "new_session":  # a script run starts: what an earlier, interrupted one drew is replaced
                        shown.clear()
                        self.cache.max_age = msg.new_session.config.max_cached_message_age or self.cache.max_age
                        self.page_hashes.setdefault("", msg.new_session.page_script_hash)
                        self.session_id = msg.new_session.initialize.session_id or self.session_id
                    elif kind == "navigation":
                        reached, hashes = _page_of(msg)
                        self.page_hashes.update(hashes)
                    elif kind == "script_finished" and msg.script_finished != FINISHED_EARLY_FOR_RERUN:
                        self.cache.finished()
                        break
        except TimeoutError:
            error = f"no script_finished within {timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - any failure of the connection is one error of this rerun
            error = f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - start) * 1000
        if error is None and reached is not None and reached != link.page:
            error = f"reached page {reached!r} instead of {link.page!r}"
        self.current = link
        self.finished_at = time.perf_counter()
        self.last = Rerun(link, ms, size, frames, error, tuple(shown))
        return self.last

    def pause_left(self, now: float | None = None) -> float:
        """Seconds still to wait before the next rerun: what is left of ``pause_s`` since the last rerun ended
        (at ``now`` on the ``time.perf_counter`` clock, by default the present)."""
        if not self.pause_s or self.finished_at is None:
            return 0.0
        return max(0.0, self.finished_at + self.pause_s - (time.perf_counter() if now is None else now))

    async def _pause(self) -> None:
        wait = self.pause_left()
        if wait:
            await asyncio.sleep(wait)

    def uploader_id(self, key: str | None = None) -> str:
        """The widget id of the file uploader the last rerun drew (the one with the user key ``key``, else the
        only one); raises ``LookupError`` when there is none, or more than one and no key."""
        ids = self.last.texts("file_uploader") if self.last is not None else []
        if key is not None:
            ids = [i for i in ids if i.endswith("-" + key)]
        if len(ids) != 1:
            where = f"with key {key!r} " if key is not None else ""
            raise LookupError(f"{len(ids)} file uploaders {where}on the page, not one")
        return ids[0]

    async def file_urls(self, names: Sequence[str], timeout: float = RERUN_TIMEOUT_S) -> list[FileURLs]:
        """Ask the server where to upload files with these names (``file_urls_request``), as the frontend does;
        raises ``RuntimeError`` when the server answers with an error."""
        if self.ws is None:
            raise RuntimeError("the session is not open")
        msg = BackMsg()
        request = msg.file_urls_request
        request.request_id = uuid.uuid4().hex
        request.file_names.extend(names)
        request.session_id = self.session_id
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(timeout):
            while True:
                answer, _ = await self._receive()
                self.cache.note(answer)
                if (
                    answer.WhichOneof("type") == "file_urls_response"
                    and answer.file_urls_response.response_id == request.request_id
                ):
                    break
        if answer.file_urls_response.error_msg:
            raise RuntimeError(f"file_urls_response: {answer.file_urls_response.error_msg}")
        return list(answer.file_urls_response.file_urls)

    async def upload(
        self, files: Sequence[tuple[str, bytes]], key: str | None = None, timeout: float = RERUN_TIMEOUT_S
    ) -> Upload:
        """Upload ``files`` (name, content) to the file uploader the last rerun drew (see ``uploader_id``), then
        rerun its page with the uploader listing them, as the frontend does; errors are reported in the result."""
        if self.current is None:
            raise RuntimeError("rerun the uploader's page first")
        link = self.current
        await self._pause()  # the visitor chooses the files after the page has shown
        start = time.perf_counter()
        try:
            widget_id = self.uploader_id(key)
            await asyncio.to_thread(self.visitor.xsrf_token)  # the frontend holds it from its health check
            start = time.perf_counter()
            urls = await self.file_urls([name for name, _ in files], timeout)
            if len(urls) != len(files):
                raise RuntimeError(f"{len(urls)} upload URLs for {len(files)} files")
            await asyncio.gather(
                *(asyncio.to_thread(self.visitor.put_file, url.upload_url, name, data) for url, (name, data) in zip(urls, files))
            )
        except (LookupError, RuntimeError, OSError, TimeoutError) as exc:
            ms = (time.perf_counter() - start) * 1000
            return Upload(ms, Rerun(link, 0.0, 0, 0, f"upload: {type(exc).__name__}: {exc}"))
        sent = (time.perf_counter() - start) * 1000
        state = WidgetState(id=widget_id)
        for url, (name, data) in zip(urls, files):
            state.file_uploader_state_value.uploaded_file_info.add(name=name, size=len(data), file_id=url.file_id, file_urls=url)
        self.widgets[widget_id] = state
        return Upload(sent, await self.rerun(link, timeout))


@dataclass(frozen=True)
class Upload:
    """An upload as the client saw it: the time to ask for the upload URLs and send the files, and the rerun
    that reads them (its error, if the files could not be sent)."""

    send_ms: float
    rerun: Rerun


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    """What ``run_load`` measured."""

    users: int
    reruns_per_user: int
    elapsed_s: float
    reruns: list[Rerun] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    replicas_by_user: list[list[str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Reruns that failed, plus visitors that could not connect at all."""
        return sum(r.error is not None for r in self.reruns) + len(self.failures)

    @property
    def throughput(self) -> float:
        """Successful reruns per second of wall time."""
        return sum(r.error is None for r in self.reruns) / self.elapsed_s if self.elapsed_s else 0.0

    def p(self, q: float) -> float:
        """A percentile (ms) of the successful reruns."""
        return percentile([r.ms for r in self.reruns if r.error is None], q)

    @property
    def replicas(self) -> dict[str, int]:
        """Visitors per replica (by the replica each visitor met first)."""
        counts: dict[str, int] = {}
        for seen in self.replicas_by_user:
            if seen:
                counts[seen[0]] = counts.get(seen[0], 0) + 1
        return counts

    @property
    def unsticky(self) -> int:
        """Visitors whose requests went to more than one replica."""
        return sum(len(set(seen)) > 1 for seen in self.replicas_by_user)

    def summary(self) -> dict[str, Any]:
        """The figures as plain data (for JSON)."""
        error_kinds: dict[str, int] = {}
        for message in [r.error for r in self.reruns if r.error] + self.failures:
            key = message.split(":")[0]
            error_kinds[key] = error_kinds.get(key, 0) + 1
        return {
            "users": self.users,
            "reruns_per_user": self.reruns_per_user,
            "elapsed_s": round(self.elapsed_s, 3),
            "reruns": len(self.reruns),
            "errors": self.errors,
            "error_kinds": error_kinds,
            "p50_ms": round(self.p(50), 1),
            "p95_ms": round(self.p(95), 1),
            "throughput_per_s": round(self.throughput, 2),
            "replicas": self.replicas,
            "unsticky_visitors": self.unsticky,
        }


async def _visitor(base_url: str, links: list[Link], offset: int, reruns: int, result: LoadResult) -> None:
    """One visitor: fetch the first link's HTML, open a session, rerun ``reruns`` links in turn, fetch the HTML again."""
    visitor = HttpVisitor(base_url)
    result.replicas_by_user.append(visitor.replicas)
    first = links[offset % len(links)]
    try:
        await asyncio.to_thread(visitor.get, str(first))
        async with Session(base_url, visitor) as session:
            for step in range(reruns):
                result.reruns.append(await session.rerun(links[(offset + step) % len(links)]))
        await asyncio.to_thread(visitor.get, str(first))  # a reload: still the same replica?
    except (OSError, urllib.error.URLError, TimeoutError) as exc:
        result.failures.append(f"connection: {exc}")
    except Exception as exc:  # noqa: BLE001 - e.g. a refused WebSocket handshake
        result.failures.append(f"{type(exc).__name__}: {exc}")


async def run_load(base_url: str, links: list[Link], users: int, reruns: int) -> LoadResult:
    """``users`` visitors at once, each rerunning ``reruns`` links (starting at a different one)."""
    result = LoadResult(users, reruns, 0.0)
    start = time.perf_counter()
    await asyncio.gather(*(_visitor(base_url, links, offset, reruns, result) for offset in range(users)))
    result.elapsed_s = time.perf_counter() - start
    return result


async def page_reruns(base_url: str, link: Link, runs: int, pause_s: float = 0.0) -> tuple[Rerun, list[Rerun]]:
    """One visitor on one link: the first visit, then ``runs`` later reruns of the same link (``pause_s`` apart)."""
    async with Session(base_url, pause_s=pause_s) as session:
        first = await session.rerun(link)
        later = [await session.rerun(link) for _ in range(runs)]
    return first, later


def link_list(texts: list[str]) -> list[Link]:
    """Links from text like ``"/site?site=st-louis"``."""
    return [Link.parse(text) for text in texts]


def query(**params: str | list[str]) -> str:
    """A query string with repeated keys for lists, as the app's shared links are written."""
    return urllib.parse.urlencode(params, doseq=True)

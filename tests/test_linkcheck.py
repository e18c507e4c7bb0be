"""Against link rot: the archive search beside every source, and ``check-links`` run against a real
HTTP server on loopback answering 200, 301, 404, 410, 403, too slowly, or spoken to over TLS it does
not speak, checked for politeness (one request per host at a time, spaced, a User-Agent naming the
project, a bounded run) and for what the Library shows afterwards."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL_DIR
from dashboard import constants
from dashboard.__main__ import main
from dashboard.data import linkcheck
from dashboard.data.loading import load_catalog
from dashboard.views import library


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2017-05-03", "https://web.archive.org/web/20170503/https://example.org/a?b=1"),
        ("2017-05", "https://web.archive.org/web/201705/https://example.org/a?b=1"),
        ("2017", "https://web.archive.org/web/2017/https://example.org/a?b=1"),
        (None, "https://web.archive.org/web/*/https://example.org/a?b=1"),
        (float("nan"), "https://web.archive.org/web/*/https://example.org/a?b=1"),
    ],
)
def test_the_archive_search_is_near_the_source_date(date, expected):
    assert linkcheck.archive_url("https://example.org/a?b=1", date) == expected


class Site(http.server.BaseHTTPRequestHandler):
    """A web server whose paths answer as their names say; it records each request's host, path,
    User-Agent, start and end, and how many requests to one host were in flight at once."""

    port = 0
    log: list[dict] = []
    in_flight: dict[str, int] = {}
    most_in_flight: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        host = self.headers.get("Host", "")
        with self.lock:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.most_in_flight[host] = max(self.most_in_flight.get(host, 0), self.in_flight[host])
            entry = {"host": host, "path": self.path, "agent": self.headers.get("User-Agent"), "start": time.monotonic()}
        try:
            self._answer()
        finally:
            with self.lock:
                self.in_flight[host] -= 1
                entry["end"] = time.monotonic()
                self.log.append(entry)

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(1.5)
        status = {"/moved": 301, "/gone404": 404, "/gone410": 410, "/forbidden": 403, "/loop": 302}.get(path, 200)
        try:
            self.send_response(status)
            if status == 301:
                self.send_header("Location", "/ok")
            if status == 302:
                self.send_header("Location", "/loop")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:  # the client gave up waiting
            pass

    def log_message(self, *args) -> None:
        """Quiet: the tests read ``log``."""


def finished(server: type[Site], count: int, within_s: float = 5.0) -> list[dict]:
    """The server's log once it records ``count`` requests: a handler writes its entry after its answer has
    gone, so the client may be done a moment before the last entry is in (waits at most ``within_s``)."""
    deadline = time.monotonic() + within_s
    while len(server.log) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    with server.lock:
        return list(server.log)


@contextlib.contextmanager
def site() -> Iterator[type[Site]]:
    """A loopback server of a fresh ``Site`` (its own records, which a slow answer of an earlier test
    cannot touch); yields the handler class, its ``port`` set."""
    handler = type("OneSite", (Site,), {"log": [], "in_flight": {}, "most_in_flight": {}, "lock": threading.Lock()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    handler.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


POLITE = linkcheck.Politeness(workers=4, delay=0.2, timeout=0.5, max_seconds=30)


def test_each_answer_is_recorded_as_what_it_means():
    with site() as server:
        port = server.port
        base = f"http://127.0.0.1:{port}"
        sources = [
            {"id": "ok", "url": f"{base}/ok"},
            {"id": "moved", "url": f"{base}/moved"},
            {"id": "gone404", "url": f"{base}/gone404"},
            {"id": "gone410", "url": f"{base}/gone410"},
            {"id": "forbidden", "url": f"{base}/forbidden"},
            {"id": "slow", "url": f"http://localhost:{port}/slow"},
            {"id": "tls", "url": f"https://127.0.0.1:{port}/ok"},
            {"id": "loop", "url": f"{base}/loop"},
        ]
        checks = {check.source: check for check in linkcheck.check_sources(sources, POLITE)}
    assert list(checks) == [s["id"] for s in sources]
    assert (checks["ok"].status, checks["ok"].http_status, checks["ok"].detail) == ("ok", 200, "HTTP 200")
    moved = checks["moved"]
    assert (moved.status, moved.http_status, moved.final_url) == ("moved", 301, f"{base}/ok")
    assert moved.detail == f"HTTP 301 to {base}/ok, which answered 200"
    assert (checks["gone404"].status, checks["gone404"].http_status) == ("dead", 404)
    assert (checks["gone410"].status, checks["gone410"].http_status) == ("dead", 410)
    assert (checks["forbidden"].status, checks["forbidden"].http_status) == ("error", 403)
    assert checks["slow"].status == "unreachable"
    assert checks["slow"].detail == "timed out"
    assert checks["tls"].status == "unreachable"
    assert checks["tls"].detail.startswith("TLS error")
    assert checks["loop"].status == "error"
    assert checks["loop"].detail == "more than 5 redirects"
    assert all(check.checked and check.checked.endswith("Z") for check in checks.values())


def test_the_check_is_polite():
    with site() as server:
        port = server.port
        sources = [{"id": f"a{i}", "url": f"http://127.0.0.1:{port}/ok?{i}"} for i in range(5)]
        sources += [{"id": f"b{i}", "url": f"http://localhost:{port}/ok?{i}"} for i in range(5)]
        # A generous time-out here: on a loaded machine a quick answer can take longer than POLITE's.
        linkcheck.check_sources(sources, dataclasses.replace(POLITE, timeout=10))
        log = sorted(finished(server, len(sources)), key=lambda entry: entry["start"])
        most = dict(server.most_in_flight)
    assert {entry["agent"] for entry in log} == {constants.USER_AGENT}
    assert "CTDC-Atlas" in constants.USER_AGENT
    assert len(log) == 10
    assert most == {f"127.0.0.1:{port}": 1, f"localhost:{port}": 1}
    for host in most:
        mine = [entry for entry in log if entry["host"] == host]
        gaps = [later["start"] - earlier["end"] for earlier, later in zip(mine, mine[1:])]
        assert min(gaps) >= POLITE.delay * 0.9, gaps  # spaced by the delay (a little clock slack)
    both = [entry for entry in log if entry["start"] < log[0]["end"] + POLITE.delay]
    assert len({entry["host"] for entry in both}) == 2  # the two hosts were asked side by side


def test_the_run_stops_asking_when_its_time_is_up():
    with site() as server:
        sources = [{"id": f"s{i}", "url": f"http://127.0.0.1:{server.port}/slow?{i}"} for i in range(6)]
        started = time.monotonic()
        checks = linkcheck.check_sources(sources, linkcheck.Politeness(workers=2, delay=0, timeout=0.3, max_seconds=0.5))
        took = time.monotonic() - started
    statuses = [check.status for check in checks]
    assert statuses[0] == "unreachable"
    assert statuses[-1] == "not checked"
    assert "not checked" in statuses
    assert checks[-1].checked is None
    assert checks[-1].detail == "the run's 0.5 s ran out"
    assert took < 0.5 + 2 * 0.3 + 0.5  # the deadline, at most one request's time-out past it, and slack


def _data_pointing_at(tmp_path: Path, port: int) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, data)
    sources = yaml.safe_load((data / "sources.yaml").read_text())
    sources[0]["url"] = f"http://127.0.0.1:{port}/gone410"
    sources[1]["url"] = f"http://127.0.0.1:{port}/ok"
    (data / "sources.yaml").write_text(yaml.safe_dump(sources, sort_keys=False))
    return data


def test_check_links_writes_the_results_with_the_date_and_the_library_shows_them(tmp_path: Path, capsys):
    catalog_before = load_catalog(MINIMAL_DIR)
    before = library.sources_view(catalog_before)
    assert before.caption.startswith("Links not checked yet")
    assert set(before.table["last check"]) == {"not checked yet"}
    with site() as server:
        data = _data_pointing_at(tmp_path, server.port)
        assert main(["check-links", str(data), "--delay", "0.1", "--timeout", "2"]) == 0
    out = capsys.readouterr().out
    assert "example-report: dead (HTTP 410), " in out
    assert f"Wrote {data / 'link_checks.yaml'}" in out
    written = (data / "link_checks.yaml").read_text()
    assert written.startswith("# Written by `python -m dashboard check-links`")
    document = yaml.safe_load(written)
    assert document["checked"] == dt.date.today().isoformat()
    assert document["user_agent"] == constants.USER_AGENT
    assert [(r["source"], r["status"], r["http_status"]) for r in document["results"]] == [
        ("example-report", "dead", 410),
        ("example-census-query", "ok", 200),
    ]
    view = library.sources_view(load_catalog(data))
    last = dict(zip(view.table["id"], view.table["last check"]))
    assert last["example-report"].startswith("dead (HTTP 410), 20")
    assert last["example-census-query"].startswith("ok (HTTP 200)")
    assert view.caption.startswith(f"Links last checked {document['checked']}: 1 dead (404 or 410), 0 unreachable")
    assert view.caption.endswith("; 0 of 2 not checked.")


def test_a_missing_or_broken_results_file_reads_as_not_checked(tmp_path: Path):
    assert linkcheck.read_checks(tmp_path / "none.yaml") == linkcheck.LinkReport(None, {})
    (tmp_path / "bad.yaml").write_text("results: [unclosed\n")
    assert linkcheck.read_checks(tmp_path / "bad.yaml").results == {}
    assert linkcheck.last_check_text(None) == "not checked yet"

"""Offline: with every request to an address other than loopback blocked, every page still renders completely (its
content, and on the map pages the state outlines on the canvas with the basemap toggle off, its default) and no request
is left hanging."""

from __future__ import annotations

import contextlib
import io
import re
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from PIL import Image

from conftest import MAP_CANVAS, PAGE_IDS, PAGES, wait_for_app

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SETTLE_S = 15


def is_loopback(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    return parsed.scheme in ("data", "blob") or parsed.hostname in LOOPBACK


class Traffic:
    """Requests the page made: those blocked for leaving the machine, and those not finished yet."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.in_flight: dict[object, str] = {}

    def route(self, route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    def route_websocket(self, ws) -> None:
        if is_loopback(ws.url):
            ws.connect_to_server()
        else:
            self.blocked.append(ws.url)
            ws.close()

    def watch(self, page) -> None:
        page.on("request", lambda request: self.in_flight.__setitem__(request, request.url))
        page.on("requestfinished", lambda request: self.in_flight.pop(request, None))
        page.on("requestfailed", lambda request: self.in_flight.pop(request, None))

    def hanging(self, page) -> list[str]:
        """The requests still in flight after up to ``SETTLE_S`` seconds of waiting for them."""
        deadline = time.monotonic() + SETTLE_S
        while self.in_flight and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        return sorted(self.in_flight.values())


@contextlib.contextmanager
def offline_page(browser, url: str) -> Iterator[tuple[object, Traffic]]:
    """A page of a fresh browser context that can reach loopback only, opened at ``url`` and rendered."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    traffic = Traffic()
    try:
        context.route("**/*", traffic.route)
        context.route_web_socket(re.compile(".*"), traffic.route_websocket)
        page = context.new_page()
        traffic.watch(page)
        page.goto(url)
        wait_for_app(page)
        yield page, traffic
    finally:
        context.close()


def canvas_colours(page) -> int:
    """Distinct colours on the first map canvas, once it has its full size."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"] canvas')]
                  .some(c => c.width > 200 && c.height > 200)""",
        timeout=30_000,
    )
    image = Image.open(io.BytesIO(page.locator(MAP_CANVAS).first.screenshot())).convert("RGB")
    return len(image.getcolors(maxcolors=1_000_000) or [])


@pytest.mark.parametrize("path, expected", PAGES, ids=PAGE_IDS)
def test_page_renders_completely_with_no_internet(browser, server_url, path, expected):
    with offline_page(browser, f"{server_url}/{path}") as (page, traffic):
        page.get_by_text(expected).first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        if path in ("", "map"):
            # the state outlines and the sites are drawn from the app's own data, with no tiles
            assert canvas_colours(page) > 20, "the map canvas is blank"
        if path == "map":
            toggle = page.get_by_role("switch", name=re.compile("Show basemap tiles"))
            assert not toggle.is_checked()
        assert traffic.hanging(page) == []


def test_the_app_asks_for_nothing_beyond_its_server(browser, server_url):
    # The page config is the entry script's, the same on every page: the Overview shows it.
    path, expected = PAGES[0]
    with offline_page(browser, f"{server_url}/{path}") as (page, traffic):
        page.get_by_text(expected).first.wait_for(timeout=30_000)
        traffic.hanging(page)
        assert traffic.blocked == []

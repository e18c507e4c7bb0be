"""Embedded views in another site's page: the "Embed this view" snippets of a map, a chart and a site's
network, pasted into a plain HTML page served from another loopback port, each render the filtered view
without the sidebar, and their citations stay links that open the source in a new tab."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from conftest import ARTIFACTS, MAP_CANVAS, VIEWPORTS, open_page
from scripts import headless_chromium, replicas

# name, the view's path and query, text the embedded view must show, text it must not show (filtered out)
VIEWS = [
    ("map", "map?role=implementation", "Filtered to implementation sites only.", "Cleveland"),
    ("chart", "themes?themes_tab=Lessons+by+section&sites=Boston", "Filtered to sites: Boston.", "St. Louis"),
    ("network", "site?site=St.+Louis&role=implementation", "How they were connected", "Cleveland"),
]
CITED = ("chart", "network")  # the views whose text cites sources ([1], [2] ...); the map's table cites none
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A partner's post about CTDC</title>
<style>body {{ font-family: sans-serif; max-width: 960px; margin: 2rem auto; padding: 0 1rem; }}</style>
</head><body>
<h1>What our city can learn from CTDC</h1>
<p>A post on a partner's own site, showing three views of the CTDC Atlas.</p>
{frames}
</body></html>
"""
# True when the page's title is the topmost element where it is drawn (nothing, e.g. a header, covers it).
HEADING_ON_TOP = """(() => { const h = document.querySelector('[data-testid="stMainBlockContainer"] h1');
  const r = h.getBoundingClientRect(); return r.top >= 0 && h.contains(document.elementFromPoint(r.left + 4, r.top + 4)); })()"""
SOURCE_STUB = "<!doctype html><title>source</title><p>A cited source (stubbed: the test browser stays on this machine).</p>"


def snippet(browser, server_url: str, path: str) -> str:
    """The code the app's "Embed this view" box offers for the view at ``path``."""
    with open_page(browser, f"{server_url}/{path}") as page:
        page.get_by_role("button", name="Embed this view").click()
        code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
        code.wait_for(timeout=15_000)
        return code.inner_text().strip()


@contextlib.contextmanager
def host_site(folder: Path) -> Iterator[str]:
    """A plain static web server for ``folder`` on another loopback port, in a thread."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", replicas.free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def stub_other_sites(route) -> None:
    """Requests for the app and the host page go through; a cited source is answered here, not fetched."""
    if urllib.parse.urlparse(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.fulfill(status=200, content_type="text/html", body=SOURCE_STUB)


@pytest.fixture(scope="module")
def snippets(browser, server_url) -> dict[str, str]:
    return {name: snippet(browser, server_url, path) for name, path, _, _ in VIEWS}


@pytest.fixture(scope="module")
def host_url(snippets, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("host")
    frames = "\n".join(f"<h2>The {name}</h2>\n{code}" for name, code in snippets.items())
    (folder / "index.html").write_text(HOST_PAGE.format(frames=frames), encoding="utf-8")
    with host_site(folder) as url:
        yield f"{url}/index.html"


def test_the_snippet_is_an_iframe_of_the_view_in_embed_mode(snippets, server_url):
    for name, path, _, _ in VIEWS:
        code = snippets[name]
        assert code.startswith(f'<iframe src="{server_url}/{path.replace("&", "&amp;")}&amp;embed=true" title="')
        assert 'width="100%" height="720"' in code
        assert code.endswith("></iframe>")
    assert 'title="Site profile: St. Louis · CTDC Atlas"' in snippets["network"]


def embedded_frames(page) -> dict[str, object]:
    """Each iframe of the host page scrolled into view (they load lazily) and settled, by view name."""
    frames = {}
    for index, (name, _, _, _) in enumerate(VIEWS):
        element = page.locator("iframe").nth(index)
        element.scroll_into_view_if_needed()
        frame = element.element_handle().content_frame()
        headless_chromium.wait_until_settled(frame, "h1", timeout_ms=60_000)
        frames[name] = frame
    return frames


def test_each_embedded_view_renders_filtered_without_the_sidebar_and_cites_its_sources(browser, server_url, host_url, catalog):
    source_urls = set(catalog.sources["url"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", stub_other_sites)
        page = context.new_page()
        page.goto(host_url)
        frames = embedded_frames(page)
        for name, path, shown, absent in VIEWS:
            frame = frames[name]
            main = frame.locator('[data-testid="stMain"]')
            frame.get_by_text(shown).first.wait_for(timeout=30_000)
            assert absent not in main.inner_text(), f"{name}: the embedded view is not filtered"
            assert not frame.locator('[data-testid="stSidebar"]').is_visible(), f"{name}: the sidebar shows"
            assert frame.locator('[data-testid="stSidebarNav"]').count() == 0, f"{name}: the navigation shows"
            assert frame.locator('[data-testid="stException"]').count() == 0
            back = frame.get_by_role("link", name="Open this view in the CTDC Atlas")
            assert back.get_attribute("href") == f"{server_url}/{path}"
            assert back.get_attribute("target") == "_blank"
            if name in CITED:
                citations = frame.locator('[data-testid="stMain"] a[title^="Source "]')
                assert citations.count() > 0, f"{name}: no citation links"
                for link in citations.all():
                    assert link.get_attribute("href") in source_urls
                    assert link.get_attribute("target") == "_blank"
        frames["map"].wait_for_selector(MAP_CANVAS, timeout=30_000)
        assert frames["chart"].locator('[data-testid="stVegaLiteChart"]').count() == 1
        assert frames["network"].locator('[data-testid="stVegaLiteChart"]').count() == 1
        citation = frames["network"].locator('a[title^="Source "]').first
        with context.expect_page() as opened:
            citation.click()
        assert opened.value.url == citation.get_attribute("href")  # the source opens in a new tab
        assert page.url == host_url  # and the host page stays
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_screenshots_of_the_host_page(browser, host_url, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        context.route("**/*", stub_other_sites)
        page = context.new_page()
        page.goto(host_url)
        frames = embedded_frames(page)
        frames["map"].wait_for_selector(MAP_CANVAS, timeout=30_000)
        page.wait_for_timeout(1_000)  # the map's outlines and the charts draw after the run ends
        for name, frame in frames.items():  # each frame fits the host page's width: nothing is cut off at the side
            box = page.locator("iframe").nth([v[0] for v in VIEWS].index(name)).bounding_box()
            assert box["x"] >= 0, name
            assert box["x"] + box["width"] <= width, name
            assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
            assert frame.evaluate(HEADING_ON_TOP), f"{name}: something covers the page's title"
        # The whole host page on screen at once: Chromium does not paint a cross-origin frame that is off screen.
        page.set_viewport_size({"width": width, "height": page.evaluate("document.documentElement.scrollHeight")})
        page.wait_for_timeout(1_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"embed-host-{viewport}.png"
        page.screenshot(path=str(target))
        shot = Image.open(target).convert("RGB")
        assert shot.size[0] == width
        assert shot.size[1] > 3 * 720
        assert max(ImageStat.Stat(shot).stddev) > 20
    finally:
        context.close()

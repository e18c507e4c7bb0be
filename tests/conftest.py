"""The one home of the tests' shared fixtures and helpers (test modules import from here, never from
each other): the shipped catalog, a writable data copy, the CLI, the AppTest page helpers, and for
browser tests a real ``streamlit run`` server on a free loopback port, headless Chromium and the pages
they open."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import headless_chromium, replicas

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
MINIMAL_DIR = ROOT / "tests" / "fixtures" / "minimal"
BROWSER_TESTS = ROOT / "tests" / "browser"


@pytest.fixture(scope="session")
def catalog():
    """The shipped dataset, loaded once."""
    from dashboard.data.loading import load_catalog

    return load_catalog(DATA_DIR)


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fictional dataset."""
    target = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, target)
    return target


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dashboard ARGS`` as a user would; return the finished process."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=120,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what ``make check`` leaves out by what a test needs: ``browser`` for every test under
    tests/browser, ``slow`` for any other test that starts a real server (the ``server_url`` fixture)."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
        elif "server_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


ARTIFACTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _unavailable(reason: str) -> None:
    """Skip locally; fail in CI, where a browser test that cannot run is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def streamlit_server(app: Path = ROOT / "app.py", env: dict[str, str] | None = None, *, warm: bool = True) -> Iterator[str]:
    """A freshly started ``streamlit run`` of ``app`` on a free loopback port (started as the deploy
    scripts start a replica); yields its URL once healthy and, with ``warm``, once one session has
    opened it (``replicas.warm_up``); ``warm=False`` leaves the very first session to the test."""
    port = replicas.free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = replicas.start_streamlit(app, port, env=env, log=log)
        try:
            try:
                replicas.wait_healthy(url, [process], timeout=60)
            except RuntimeError as exc:
                log.seek(0)
                pytest.fail(f"{exc}\n{log.read().decode(errors='replace')}")
            if warm:
                replicas.warm_up(url)
            yield url
        finally:
            replicas.stop(process)


@pytest.fixture(scope="session")
def server_url():
    """The app served with ``streamlit run`` on a free loopback port for the whole session."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium driven by Playwright."""
    executable = headless_chromium.executable()
    if executable is None:
        _unavailable("Chromium not found (Debian package 'chromium'); `make test` installs it when it can")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (requirements-dev.txt)")
    if not AXE.exists():
        _unavailable("axe-core is not installed (npm install)")
    with sync_playwright() as playwright:
        instance = headless_chromium.launch(playwright, executable)
        yield instance
        instance.close()


# ---------------------------------------------------------------- the browser tests' pages and helpers

# url path, text that proves the page rendered
PAGES = [
    ("", "Implementation sites"),
    ("map", "Sites on the map"),
    ("site?site=st-louis", "YourSTLCourts"),
    ("themes", "Themes by site"),
    ("metrics", "Census context"),
    ("library", "Download the data"),
]
PAGE_IDS = [p[0].split("?")[0] or "overview" for p in PAGES]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
CHART = '[data-testid="stVegaLiteChart"]'
MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
SHARE_LINK = '[data-testid="stSidebar"] [data-testid="stCode"]'  # the sidebar's "Share this view" link
TEXT_COLOURS = 10  # antialiased text draws many shades; an empty box holds one colour, a rule or border a few


def wait_for_app(page) -> None:
    """Wait until the script has finished running and the page holds content (a heading)."""
    headless_chromium.wait_until_settled(page, "h1", timeout_ms=60_000)


def click_when_still(button, still_ms: int = 300, tries: int = 30) -> None:
    """Click ``button`` (a locator) once its place on screen has held for ``still_ms``: charts and tables
    above it finish drawing after the run ends, and a click aimed while they grow lands beside it."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    for _ in range(tries):
        button.page.wait_for_timeout(still_ms)
        box, before = button.bounding_box(), box
        if box == before:
            break
    button.click()


def share_link(page) -> str:
    """The link the sidebar offers to share the view."""
    return page.locator(SHARE_LINK).inner_text().strip()


@contextlib.contextmanager
def open_page(browser, url: str, viewport=(1280, 900)) -> Iterator:
    """A page of a fresh browser context (no shared state) opened at ``url``; the context closes after."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        yield page
    finally:
        context.close()


def colours_in(shot, box: dict | None) -> int:
    """How many colours the screenshot ``shot`` (a PIL image of the viewport) holds inside an element's
    bounding ``box``, clipped to the screenshot: 0 when the element is not on it, 1 when nothing is drawn."""
    if box is None:
        return 0
    left, top = max(0, round(box["x"])), max(0, round(box["y"]))
    right, bottom = min(shot.width, round(box["x"] + box["width"])), min(shot.height, round(box["y"] + box["height"]))
    if right <= left or bottom <= top:
        return 0
    return len(shot.crop((left, top, right, bottom)).getcolors(maxcolors=1_000_000) or [])


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page (its default rules, or only the rules of ``tags``)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => (await axe.run(document, tags ? {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}
                                                          : {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""",
        tags,
    )


def script(key: str) -> str:
    """The script of a page, by its key in the page registry (``"map"`` -> ``app_pages/sites_map.py``)."""
    from dashboard.state.links import PAGES_BY_KEY

    return PAGES_BY_KEY[key].script


def open_app(page: str | None = None, params: dict | None = None):
    """Run ``app.py`` as opened from a URL carrying ``params``, then switch to the page script ``page``
    (see ``script``); no exception allowed."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def headings(at) -> list[str]:
    """Every heading on the page, as plain text: header and subheader elements and the Markdown
    headings (``## ...``) inside Markdown blocks, unescaped."""
    import re

    found = [str(h.value) for h in [*at.header, *at.subheader]]
    for block in at.markdown:
        for line in str(block.value).splitlines():
            if line.startswith("#"):
                found.append(re.sub(r"\\(.)", r"\1", line.lstrip("#").strip()))
    return found


def markdown(at) -> str:
    """Every Markdown block of the page, as written (escaped)."""
    return "\n".join(m.value for m in at.markdown)


def page_text(at) -> str:
    """The page's captions and Markdown as one string, escaped Markdown folded back to plain text."""
    import re

    return re.sub(r"\\(.)", r"\1", " ".join(c.value for c in [*at.caption, *at.markdown]))


def page_links(at) -> dict[str, str]:
    """Page-link labels (as shown, Markdown escapes removed) -> page and query string."""
    import re

    return {
        re.sub(r"\\(.)", r"\1", link.proto.label): f"{link.proto.page}?{link.proto.query_string}" for link in at.get("page_link")
    }


def chart_protos(at) -> list:
    """The Vega-Lite chart elements of the page (their protos)."""
    return [element.proto for element in at.get("vega_lite_chart")]


def deck_layers(at) -> dict[str, dict]:
    """The layers of the page's one map, by id."""
    import json

    (chart,) = at.get("deck_gl_json_chart")
    return {layer["id"]: layer for layer in json.loads(chart.proto.json)["layers"]}


def run_async(coroutine):
    """Run ``coroutine`` to completion in a thread of its own: the browser tests keep an event loop
    running in the main thread for the whole session, where ``asyncio.run`` would refuse."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


NEW_TAB_HISTORY = 1  # a new tab's history holds its blank start page before any link opens

HISTORY_LOG = """
(() => { const log = window.__history = [];
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name].bind(history);
    history[name] = (state, title, url) => { log.push(name + ' ' + url); return original(state, title, url); };
  }
})();
"""


def click_link(page, text: str) -> None:
    """Follow an in-app link (a page link or the sidebar navigation) and wait for the new page."""
    before = page.url
    page.locator('[data-testid="stPageLink"], [data-testid="stSidebarNav"]').get_by_text(text, exact=False).first.click()
    page.wait_for_function("before => location.href !== before", arg=before, timeout=15_000)
    settle(page)


def settle(page, quiet_ms: int = 1_000) -> None:
    """Wait until the app has finished running and the address has not changed for ``quiet_ms``
    (Streamlit writes the bound filters into the URL just after it switches pages)."""
    wait_for_app(page)
    last, stable = page.url, 0
    while stable < quiet_ms:
        page.wait_for_timeout(250)
        stable = stable + 250 if page.url == last else 0
        last = page.url
    wait_for_app(page)

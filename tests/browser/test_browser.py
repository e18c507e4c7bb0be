"""Every page in a real browser: renders, map canvas draws, shared links reproduce the view,
axe-core finds no violations, and screenshots at desktop and phone sizes."""

from __future__ import annotations

import contextlib
import io
import urllib.parse

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import (
    ARTIFACTS,
    MAP_CANVAS,
    NEW_TAB_HISTORY,
    PAGE_IDS,
    PAGES,
    TEXT_COLOURS,
    VIEWPORTS,
    axe_violations,
    click_when_still,
    colours_in,
    open_page,
    share_link,
    streamlit_server,
    wait_for_app,
)
from dashboard.state.links import PAGE_SPECS, URL_PARAMETERS


@pytest.mark.parametrize("path, expected", PAGES, ids=PAGE_IDS)
def test_page_renders_and_passes_axe(browser, server_url, path, expected):
    with open_page(browser, f"{server_url}/{path}") as page:
        page.get_by_text(expected).first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        violations = axe_violations(page)
        assert violations == [], violations


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize("path, expected", PAGES, ids=PAGE_IDS)
def test_screenshots(browser, server_url, path, expected, viewport):
    with open_page(browser, f"{server_url}/{path}", VIEWPORTS[viewport]) as page:
        page.get_by_text(expected).first.wait_for(timeout=30_000)
        if path in ("", "map"):
            page.wait_for_selector(MAP_CANVAS, timeout=30_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = path.split("?")[0] or "overview"
        target = ARTIFACTS / f"{name}-{viewport}.png"
        page.screenshot(path=str(target))
        shot = Image.open(target).convert("RGB")
        assert max(ImageStat.Stat(shot).stddev) > 20, "the screenshot is (nearly) blank"
        title = page.locator('[data-testid="stMainBlockContainer"] h1').first.bounding_box()
        assert colours_in(shot, title) > TEXT_COLOURS, "the page title is not drawn on the first screen"
        assert expected in page.locator('[data-testid="stMain"]').inner_text()


def test_map_canvas_draws_outlines_and_points(browser, server_url):
    with open_page(browser, f"{server_url}/map") as page:
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"] canvas')]
                      .some(c => c.width > 200 && c.height > 200)""",
            timeout=30_000,
        )
        canvas = page.locator(MAP_CANVAS).first
        page.get_by_text("Blue circles").first.wait_for(timeout=30_000)
        image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
        colours = image.getcolors(maxcolors=1_000_000) or []
        assert len(colours) > 20, "the map canvas is blank"
        assert max(ImageStat.Stat(image).stddev) > 5
        # the role colours of the points are present (Okabe–Ito blue and orange)
        pixels = set(image.get_flattened_data())

        def near(rgb: tuple[int, int, int]) -> bool:
            return any(sum(abs(a - b) for a, b in zip(p, rgb)) < 60 for p in pixels)

        assert near((0, 114, 178))
        assert near((230, 159, 0))


def role_combobox(page):
    sidebar = page.locator('[data-testid="stSidebar"]')
    return sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Site role").get_by_role("combobox")


@pytest.mark.parametrize("path, expected", PAGES, ids=PAGE_IDS)
def test_filter_change_updates_url_and_shared_link_reproduces_view(browser, server_url, path, expected):
    with open_page(browser, f"{server_url}/{path}") as page:
        page.get_by_text(expected).first.wait_for(timeout=30_000)
        role_combobox(page).click()
        page.get_by_role("option", name="learning", exact=True).click()
        page.wait_for_url("**role=learning**", timeout=15_000)
        wait_for_app(page)
        shared = page.url

    query = urllib.parse.parse_qs(urllib.parse.urlparse(shared).query)
    assert query.get("role") == ["learning"]
    assert urllib.parse.urlparse(shared).path.strip("/") == path.split("?")[0]
    with open_page(browser, shared) as page:
        page.get_by_text(expected).first.wait_for(timeout=30_000)
        assert role_combobox(page).input_value() == "learning"
        if path != "site?site=st-louis":
            page.get_by_text("Filtered to learning sites only.").first.wait_for(timeout=15_000)
        if path == "":
            total = page.locator('[data-testid="stMetric"]').filter(has_text="Total granted")
            assert "$40,000" in total.inner_text()
        if path == "map":
            assert page.get_by_text("Orange circles: learning sites (4 shown").count() == 1
            assert page.get_by_text("Blue circles").count() == 0


def test_filters_survive_a_page_change(browser, server_url):
    with open_page(browser, f"{server_url}/?sites=Boston&themes=employment") as page:
        page.get_by_text("Filtered to sites: Boston; themes: employment.").wait_for(timeout=15_000)
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Library").click()
        page.wait_for_url(lambda url: "/library" in url and "sites=Boston" in url and "themes=employment" in url, timeout=15_000)
        wait_for_app(page)
        page.get_by_text("Filtered to sites: Boston; themes: employment.").first.wait_for(timeout=15_000)


# Markup that would set a flag if the browser ran it: a script element, and an image whose error handler runs.
PAYLOADS = ["<script>window.__pwned = 1</script>", "<img src=x onerror=window.__pwned=1>"]
INJECTED = 'script, img[src="x"], [onerror]'  # what the payloads would add to the app's DOM if rendered as HTML


@pytest.mark.parametrize("spec", PAGE_SPECS, ids=[spec.key for spec in PAGE_SPECS])
def test_a_hostile_link_is_shown_as_text_and_runs_nothing(browser, server_url, spec):
    query = urllib.parse.urlencode([(key, payload) for key in URL_PARAMETERS for payload in PAYLOADS])
    path = "" if spec.default else spec.url_path
    with open_page(browser, f"{server_url}/{path}?{query}") as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        app = page.locator('[data-testid="stApp"]')
        page.get_by_text("Ignored unknown sites in the link").first.wait_for(timeout=15_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert PAYLOADS[0] in app.inner_text()  # the value reached the page, as text
        assert app.locator(INJECTED).count() == 0
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []


def test_chart_data_table_is_built_when_its_expander_opens(browser, server_url):
    with open_page(browser, f"{server_url}/themes") as page:
        page.get_by_text("Themes by site").first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        page.get_by_text("Data behind “Themes by site”").click()
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        wait_for_app(page)  # the run that drew the table has ended: the button is the one that stays
        download = page.get_by_role("button", name="Download themes-by-site (CSV)")
        download.wait_for(timeout=15_000)
        with page.expect_download(timeout=30_000) as info:
            click_when_still(download)
        csv = info.value.path().read_text(encoding="utf-8")
        assert csv.splitlines()[0].startswith("theme,site,site_name")
        assert len(csv.splitlines()) == 71


def test_a_themes_link_opens_the_tab_it_names(browser, server_url):
    with open_page(browser, f"{server_url}/themes?q=court") as page:
        page.get_by_text("results, best matches first").first.wait_for(timeout=30_000)
        assert page.get_by_role("tab", name="Search").get_attribute("aria-selected") == "true"
        page.get_by_role("tab", name="One theme").click()
        page.get_by_text("carry the theme").first.wait_for(timeout=30_000)
        wait_for_app(page)
        share = share_link(page)
        assert "themes_tab=One+theme" in share
        assert "q=" not in share  # the share link follows the open tab


# The first visit of a new server for each page, as when a shared link wakes the app: page key ->
# (path and query, its heading).
FIRST_VISITS = {
    "overview": ("?sites=Boston&role=implementation", "CTDC Atlas"),
    "map": ("map?sites=Boston&role=implementation", "Sites on the map"),
    "site": ("site?site=St.+Louis&sites=Boston&role=implementation", "St. Louis"),
    "networks": ("networks?sites=Boston&role=implementation", "Partner networks"),
    "themes": ("themes?sites=Boston&role=implementation", "Themes"),
    "metrics": ("metrics?role=learning", "Ecosystem metrics"),
    "ecosystem": ("ecosystem?example=true&role=implementation", "Your ecosystem"),
    "library": ("library?sites=Boston&role=implementation", "Library"),
}


def assert_shell_is_there(page) -> None:
    """The app's navigation and global filters are on the page (it ran inside app.py's shell)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for(timeout=30_000)
    shown = [text.strip().splitlines()[-1] for text in nav.locator("a").all_inner_texts()]  # after the icon's name
    assert shown == [spec.title for spec in PAGE_SPECS]
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Filter by site").first.is_visible()
    assert sidebar.get_by_text("Share this view").first.is_visible()


def test_every_page_has_a_first_visit_case():
    assert set(FIRST_VISITS) == {spec.key for spec in PAGE_SPECS}


@pytest.mark.parametrize("key", list(FIRST_VISITS))
def test_a_fresh_servers_first_deep_link_opens_its_page_with_no_notice_and_one_history_entry(browser, key):
    # Each link is the very first request the new server sees; then a first click on the navigation
    # must keep the filters.
    path, heading = FIRST_VISITS[key]
    with streamlit_server(warm=False) as url, open_page(browser, f"{url}/{path}") as page:
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        assert_shell_is_there(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("Page not found").count() == 0
        assert page.evaluate("history.length") == NEW_TAB_HISTORY + 1  # the link itself, nothing more
        query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
        expected_role = "learning" if key == "metrics" else "implementation"
        assert query.get("role") == [expected_role]
        target = "Overview" if key != "overview" else "Library"
        page.locator('[data-testid="stSidebarNav"]').get_by_text(target).click()
        page.wait_for_function("(p) => location.pathname === p", arg="/" if key != "overview" else "/library", timeout=15_000)
        wait_for_app(page)
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function("() => location.search.includes('role=')", timeout=10_000)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
        assert query.get("role") == [expected_role]
        assert page.evaluate("history.length") == NEW_TAB_HISTORY + 2  # and one for the page change


def test_a_legacy_pages_folder_would_show_page_not_found_on_a_first_deep_link(browser, tmp_path):
    """Why the page scripts live in app_pages/: the same two-page app with its scripts in a folder called
    pages/ opens a fresh server's first deep link under Streamlit's "Page not found" notice."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "first.py").write_text('import streamlit as st\nst.title("First")\n')
    (tmp_path / "pages" / "second.py").write_text('import streamlit as st\nst.title("Second")\n')
    (tmp_path / "app.py").write_text(
        "import streamlit as st\n"
        'st.navigation([st.Page("pages/first.py", default=True), st.Page("pages/second.py", url_path="other")]).run()\n'
    )
    with streamlit_server(tmp_path / "app.py", warm=False) as url, open_page(browser, f"{url}/other") as page:
        page.get_by_text("Page not found").first.wait_for(timeout=30_000)
        page.wait_for_function("(n) => history.length > n", arg=NEW_TAB_HISTORY + 1, timeout=10_000)  # extra entries

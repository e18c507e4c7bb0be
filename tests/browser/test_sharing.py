"""Links, history, provenance and search as people use them in a real browser: in-app links keep the
URL clean, Back leaves a page in one step, a site opens by id or name, "See all sources" lands on
Sources, search finds whole words and organizations, and the pages pass axe's WCAG 2.2 AA rules."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import HISTORY_LOG, SHARE_LINK, VIEWPORTS, axe_violations, click_link, open_page, share_link, wait_for_app


def query(url: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(urllib.parse.urlparse(url).query, keep_blank_values=True)


def test_six_in_app_links_keep_one_clean_url(browser, server_url):
    with open_page(browser, f"{server_url}/?sites=Boston&themes=employment") as page:
        lengths = []
        for link in ("See the sites on a map", "Boston (implementation site)", "Back to the map", "Overview",
                     "See what Boston built", "See all sources"):  # fmt: skip
            click_link(page, link)
            pairs = query(page.url)
            assert len(pairs) == len(set(pairs)), f"a parameter repeats after “{link}”: {page.url}"
            filters = ([v for k, v in pairs if k == "sites"], [v for k, v in pairs if k == "themes"])
            assert filters == (["Boston"], ["employment"]), f"the filters are not carried once after “{link}”: {page.url}"
            lengths.append(len(page.url))
        assert urllib.parse.urlparse(page.url).path.endswith("/library")
        assert max(lengths) - min(lengths) < 40, lengths  # the URL does not grow as links are followed


def open_tab(page, name: str, key: str) -> None:
    """Click a page's tab and wait until the run it starts has finished: the share link names the tab.
    (Right after the click the app may still read "not running", before the tab's run has begun.)"""
    page.get_by_role("tab", name=name).click()
    wanted = f"{key}={urllib.parse.quote_plus(name)}"
    page.wait_for_function(
        "([selector, wanted]) => document.querySelector(selector)?.innerText.includes(wanted)",
        arg=[SHARE_LINK, wanted], timeout=15_000,
    )  # fmt: skip
    wait_for_app(page)


def on_page(path: str) -> Callable[[str], bool]:
    """A URL test: the address is the page at ``path`` (whatever its query)."""
    return lambda url: urllib.parse.urlparse(url).path.endswith(path)


def test_back_leaves_a_page_with_tabs_in_one_step(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(HISTORY_LOG)
    try:
        page = context.new_page()
        page.goto(f"{server_url}/library")
        wait_for_app(page)
        click_link(page, "Themes")
        for tab in ("One theme", "Lessons by section", "Search"):
            open_tab(page, tab, "themes_tab")
        click_link(page, "Ecosystem metrics")
        open_tab(page, "Names", "metrics_tab")
        pushes = [entry for entry in page.evaluate("window.__history") if entry.startswith("pushState")]
        assert len(pushes) == 2, pushes  # one entry per page change, none for tabs
        # A history step is asynchronous: each waits (up to 15 s) for the address, then for that page's
        # own title and the end of its run, so the next step does not overtake a run still in flight.
        for step, path, title in ((page.go_back, "/themes", "Themes"), (page.go_back, "/library", "Library"),
                                  (page.go_forward, "/themes", "Themes")):  # fmt: skip
            step()
            try:
                page.wait_for_url(on_page(path), timeout=15_000)
            except PlaywrightTimeout:
                pytest.fail(f"{step.__name__} did not reach {path}: at {page.url}; history {page.evaluate('window.__history')}")
            page.locator('[data-testid="stMainBlockContainer"] h1').filter(has_text=title).first.wait_for(timeout=15_000)
            wait_for_app(page)
            assert on_page(path)(page.url), page.url
    finally:
        context.close()


@pytest.mark.parametrize("spelling", ["st-louis", "St.+Louis", "ST-LOUIS", "st.+louis", "st.%20LOUIS"])
def test_a_site_opens_by_id_or_name_in_any_case(browser, server_url, spelling):
    with open_page(browser, f"{server_url}/site?site={spelling}") as page:
        assert page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text() == "St. Louis"
        assert "site=St.+Louis" in share_link(page)
        assert page.get_by_text("No site called").count() == 0


def test_sites_filter_accepts_ids_and_any_case(browser, server_url):
    with open_page(browser, f"{server_url}/?sites=st-louis&sites=WASHINGTON-DC") as page:
        page.get_by_text("Filtered to sites: St. Louis, Washington, DC.").first.wait_for(timeout=15_000)
        assert "sites=St.+Louis&sites=Washington%2C+DC" in share_link(page)


def test_see_all_sources_lands_on_sources(browser, server_url):
    with open_page(browser, f"{server_url}/map") as page:
        click_link(page, "See all sources")
        assert page.get_by_role("tab", name="Sources", exact=True).get_attribute("aria-selected") == "true"
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        ("art", None, ("partner", "start")),  # whole words: "art" is not inside "partner" or "start"
        ("Rise Community Development", "Rise Community Development", None),
        ("courts", "YourSTLCourts", None),
    ],
)
def test_search_finds_whole_words_and_organizations(browser, server_url, words, expected, absent):
    with open_page(browser, f"{server_url}/themes?q={urllib.parse.quote_plus(words)}") as page:
        main = page.locator('[data-testid="stMain"]')
        page.get_by_role("tab", name="Search").wait_for(timeout=30_000)
        text = main.inner_text()
        if expected:
            assert expected in text
            assert "best matches first" in text
            assert main.locator("a", has_text=expected).count() >= 1  # each result links to where it lives
        if absent:  # the words marked as matches (bold in the snippets) are never inside another word
            marked = [t.lower() for t in main.locator("p strong").all_inner_texts()]
            assert not [m for m in marked if any(word in m for word in absent)], marked


def test_a_long_paste_is_cut_with_a_visible_note(browser, server_url):
    paste = ("court data sharing " * 40)[:500]
    with open_page(browser, f"{server_url}/themes?q={urllib.parse.quote_plus(paste)}") as page:
        page.get_by_text("Your search was cut to its first").first.wait_for(timeout=30_000)


PAGES = ["", "map", "site?site=Boston&compare=St.+Louis", "networks", "themes?q=court", "metrics", "library"]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES, ids=[p.split("?")[0] or "overview" for p in PAGES])
def test_wcag22_aa_with_target_size(browser, server_url, path, viewport):
    with open_page(browser, f"{server_url}/{path}", VIEWPORTS[viewport]) as page:
        page.wait_for_timeout(500)
        violations = axe_violations(page, tags=["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
        assert violations == [], violations

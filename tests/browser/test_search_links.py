"""Search results in a real browser: a result's link opens its page in the same tab, at the record (the
page scrolls to the heading the link's anchor names, and keeps it there while charts are drawn), for a
product and a partner on its site's profile and for a metric's chart on Ecosystem metrics."""

from __future__ import annotations

import urllib.parse

import pytest

from conftest import open_page, settle

# The heading is scrolled to the top of the view (not merely somewhere on the first screen).
AT_TOP = (
    "id => { const box = document.getElementById(id)?.getBoundingClientRect(); return !!box && box.top >= 0 && box.top < 150; }"
)


@pytest.mark.parametrize(
    ("words", "title", "path", "anchor", "heading"),
    [
        ("court", "YourSTLCourts", "/site", "your-stl-courts", "YourSTLCourts"),
        ("Rise Community Development", "Rise Community Development", "/site", "who-took-part", "Who took part"),
        ("open data policy year", "Open data policy year", "/metrics", "key-years", "Key years"),
        ("unemployment", "Unemployment rate", "/metrics", "unemployment-rate", "Unemployment rate"),
    ],
    ids=["product", "organization", "key-year", "census"],
)
def test_a_result_opens_in_the_same_tab_at_its_record(browser, server_url, words, title, path, anchor, heading):
    with open_page(browser, f"{server_url}/themes?q={urllib.parse.quote_plus(words)}") as page:
        main = page.locator('[data-testid="stMain"]')
        link = main.locator("a", has_text=title).first
        link.wait_for(timeout=30_000)
        assert link.get_attribute("target") == "_self"
        link.click()
        page.wait_for_function("path => location.pathname.endsWith(path)", arg=path, timeout=30_000)
        settle(page)
        assert len(page.context.pages) == 1  # no new tab or window
        assert urllib.parse.urlparse(page.url).fragment == anchor
        page.wait_for_function(AT_TOP, arg=anchor, timeout=15_000)
        assert page.locator(f"#{anchor}").inner_text().strip().startswith(heading)
        if anchor == "key-years":  # the metric's tab is open with the metric chosen
            assert page.get_by_role("tab", name="Key years", selected=True).count() == 1
            assert "year_metric=Open+data+policy+year" in page.url  # kept: the page chose it (an unknown one is dropped)


def test_every_product_heading_has_the_anchor_search_links_to(browser, server_url):
    with open_page(browser, f"{server_url}/site?site=Boston") as page:
        page.locator("#youth-jobs-platform-youth-match").wait_for(timeout=30_000)
        for anchor in ("what-boston-built", "who-took-part", "lessons-from-boston", "ecosystem-metrics-for-boston"):
            assert page.locator(f"#{anchor}").count() == 1, anchor

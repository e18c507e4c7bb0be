"""The network picture for thumbs, in a real browser on a phone (390 x 844 px): every organization's mark
at least 24 px across with the hub clearly the largest, every name written whole at 12 px or more, and a
tap on a mark or a line showing its details and linked sources right under the picture; axe-core finds no
violations; screenshots of the picture before and after the tap. The organizations are a list that wraps
on a phone and a table on a desktop."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ARTIFACTS, CHART, VIEWPORTS, axe_violations, wait_for_app

PAGE = "/networks?networks_tab=Every+network&sites=Washington%2C+DC"
FINGERTIP_PX = 24
MIN_FONT_PX = 12
# Each drawn organization's mark and each written name, as the browser laid them out (Vega's SVG).
DRAWN = """chart => {
  const svg = document.querySelector(chart + ' svg.marks');
  const box = e => { const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; };
  return {
    marks: [...svg.querySelectorAll('g.mark-symbol.role-mark path')].map(p => ({...box(p), label: p.getAttribute('aria-label') || ''})),
    names: [...svg.querySelectorAll('g.mark-text.role-mark text')].map(t => ({
      lines: [...t.querySelectorAll('tspan')].map(s => s.textContent).concat(t.querySelector('tspan') ? [] : [t.textContent]),
      size: parseFloat(getComputedStyle(t).fontSize)})),
  };
}"""


@contextlib.contextmanager
def open_picture(browser, url: str) -> Iterator:
    """A phone with a touch screen showing ``url`` once its network picture is drawn."""
    width, height = VIEWPORTS["phone"]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        page.wait_for_function(f"() => document.querySelectorAll('{CHART} svg.marks g.mark-symbol.role-mark path').length > 3")
        page.locator(CHART).first.scroll_into_view_if_needed()
        yield page
    finally:
        context.close()


def tap_until(page, x: float, y: float, target) -> None:
    """Tap (``x``, ``y``) and wait for ``target`` to appear (once more if a busy machine missed the tap)."""
    page.touchscreen.tap(x, y)
    try:
        target.wait_for(timeout=10_000)
    except PlaywrightTimeout:
        wait_for_app(page)
        page.touchscreen.tap(x, y)
        target.wait_for(timeout=30_000)
    wait_for_app(page)


def test_marks_and_names_are_for_thumbs_and_a_tap_shows_the_details_below(browser, server_url):
    with open_picture(browser, server_url + PAGE) as page:
        drawn = page.evaluate(DRAWN, CHART)
        marks, names = drawn["marks"], drawn["names"]
        assert len(marks) >= 7  # Washington, DC's organizations
        assert min(min(m["width"], m["height"]) for m in marks) >= FINGERTIP_PX, marks
        (hub,) = [m for m in marks if "Organization: Code for DC" in m["label"]]  # the most partners
        others = [m for m in marks if m is not hub]
        assert hub["width"] >= max(m["width"] for m in others) + 8, (hub, others)
        assert min(n["size"] for n in names) >= MIN_FONT_PX, names
        written = [" ".join(n["lines"]).replace("\u00a0", " ") for n in names]
        assert "NeighborhoodInfo DC" in written  # whole words: once drawn as "NeighborhoodIn" / "fo DC"
        assert not [w for w in written if re.search(r"\w-$", w)]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(CHART).first.screenshot(path=str(ARTIFACTS / "network-picture-phone.png"))

        panel = page.get_by_text(re.compile(r"^4 partners, 4 CTDC-era ties"))
        tap_until(page, hub["x"] + hub["width"] / 2, hub["y"] + hub["height"] * 0.6, panel)
        chart = page.locator(CHART).first.bounding_box()
        text = panel.bounding_box()
        assert 0 <= text["y"] - (chart["y"] + chart["height"]) <= 120, (text, chart)  # right under the picture
        details = page.locator('[data-testid="stMainBlockContainer"]').get_by_role("link", name=re.compile("Housing Insights"))
        assert details.count() >= 1  # its sources, as links
        page.screenshot(path=str(ARTIFACTS / "network-picked-phone.png"))
        assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_organizations_are_a_list_on_a_phone_and_a_table_on_a_desktop(browser, server_url, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(server_url + "/networks?networks_tab=Organizations")
        wait_for_app(page)
        table = page.locator('[class*="st-key-wide-network-organizations"] [data-testid="stDataFrame"]')
        listed = page.locator('[class*="st-key-narrow-network-organizations"] li').first
        if viewport == "phone":
            assert not table.is_visible()
            listed.scroll_into_view_if_needed()
            box = listed.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width  # the list wraps inside the screen
            assert "CivTech St. Louis" in listed.inner_text()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "network-organizations-phone.png"))
        else:
            assert table.is_visible()
            assert not listed.is_visible()
    finally:
        context.close()

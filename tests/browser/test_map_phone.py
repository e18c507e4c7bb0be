"""The map for thumbs, in a real browser at phone and desktop sizes: the view fits the sites in view,
every circle is drawn where the layout puts it and is a tap target at least 24 px across, the tooltip
stays on screen, a tap on a circle puts its profile link right under the map and a second tap opens
the profile; axe-core finds no violations; screenshots of the map at both widths."""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ARTIFACTS, MAP_CANVAS, VIEWPORTS, axe_violations, wait_for_app
from dashboard import constants
from dashboard.state import filters
from dashboard.views import map_layout, sites_map

TOUCH_SLOP_PX = 10  # taps this far from a circle's centre (inside its 24 px) still pick it
COLOUR_TOLERANCE = 60  # sum of channel differences for "the role colour" after antialiasing


@contextlib.contextmanager
def open_map(browser, url: str, viewport: str, touch: bool = False) -> Iterator:
    """A fresh browser context at ``viewport`` (with a touch screen when ``touch``) showing ``url`` once its map canvas is up."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        page.wait_for_function(
            f"() => [...document.querySelectorAll('{MAP_CANVAS}')].some(c => c.width > 200 && c.height > 200)",
            timeout=30_000,
        )
        yield page
    finally:
        context.close()


def canvas_box(page) -> dict:
    canvas = page.locator(MAP_CANVAS).first
    canvas.scroll_into_view_if_needed()
    return canvas.bounding_box()


def expected_marks(
    catalog, view: filters.Filters, box: dict
) -> tuple[map_layout.MapLayout, list[tuple[str, str, float, float, float]]]:
    """The layout the app fits for ``view`` (at the height the map was drawn) and each circle's
    (id, name, page x, page y, radius): the view is centred in the canvas, the layout in its middle ``NARROWEST_MAP_PX``."""
    points = sites_map.site_points(catalog, filters.selected_site_ids(catalog, view))
    layout = map_layout.layout_map(points, round(box["height"]))
    left = box["x"] + box["width"] / 2 - layout.width / 2
    top = box["y"] + box["height"] / 2 - layout.height / 2
    return layout, [(m.id, m.name, left + m.x, top + m.y, m.radius) for m in layout.marks.itertuples()]


def near(pixel: tuple[int, ...], colour: list[int]) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, colour)) < COLOUR_TOLERANCE


def drawn_marks(page, box: dict, marks, catalog) -> dict[str, int]:
    """For each circle, how many of 8 points 8 px around its expected centre show its role colour
    (in a screenshot of the viewport, so that it matches page coordinates)."""
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    roles = catalog.sites.set_index("id")["role"]
    counts = {}
    for site_id, _, x, y, _ in marks:
        colour = sites_map.rgb(constants.ROLE_COLORS[roles[site_id]])
        ring = [(x + 8 * math.cos(k * math.pi / 4), y + 8 * math.sin(k * math.pi / 4)) for k in range(8)]
        counts[site_id] = sum(near(shot.getpixel((round(px), round(py))), colour) for px, py in ring)
    return counts


def wait_for_marks(page, box: dict, marks, catalog) -> dict[str, int]:
    """Poll until every circle is drawn (deck.gl draws shortly after the canvas appears); the last counts."""
    counts: dict[str, int] = {}
    for _ in range(60):
        counts = drawn_marks(page, box, marks, catalog)
        if all(count >= 6 for count in counts.values()):
            break
        page.wait_for_timeout(500)
    return counts


def tooltip_on_hover(page, x: float, y: float, name: str) -> tuple[str, dict | None]:
    """Move the pointer to (x, y) and wait (a few seconds at most) for deck.gl's tooltip to name ``name``;
    the tooltip's text and box as last seen ("" and None when it is hidden)."""
    page.mouse.move(x, y)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """name => { const t = document.querySelector('.deck-tooltip');
                         return t && t.style.display === 'block' && t.innerText.split('\\n')[0] === name; }""",
            arg=name,
            timeout=5_000,
        )
    tooltip = page.locator(".deck-tooltip")
    if tooltip.count() == 0 or not tooltip.first.is_visible():
        return "", None
    return tooltip.first.inner_text(), tooltip.first.bounding_box()


def save_screenshots(page, name: str) -> None:
    """The viewport and the map's canvas as PNGs in the screenshot folder (``name``.png, ``name``-canvas.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.locator(MAP_CANVAS).first.screenshot(path=str(ARTIFACTS / f"{name}-canvas.png"))


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize(
    ("query", "view"),
    [("", filters.Filters()), ("?role=implementation", filters.Filters(role="implementation"))],
    ids=["all-sites", "implementation"],
)
def test_view_fits_the_sites_and_every_circle_is_a_tap_target(browser, server_url, catalog, query, view, viewport):
    with open_map(browser, f"{server_url}/map{query}", viewport) as page:
        box = canvas_box(page)
        layout, marks = expected_marks(catalog, view, box)
        assert round(box["height"]) == layout.height
        assert box["width"] >= layout.width
        # every circle on screen, inside the map, where the fitted view puts it, and at least 24 px across
        counts = wait_for_marks(page, box, marks, catalog)
        assert all(count >= 6 for count in counts.values()), counts
        if not query:
            save_screenshots(page, f"map-fitted-{viewport}")
        width, _ = VIEWPORTS[viewport]
        for site_id, name, x, y, radius in marks:
            assert radius >= 12, site_id
            assert box["x"] + radius <= x <= box["x"] + box["width"] - radius, site_id
            assert 0 <= x <= width, site_id
            assert box["y"] + radius <= y <= box["y"] + box["height"] - radius, site_id
            # the centre and four points 10 px off it all pick this site; its tooltip stays inside the map
            for dx, dy in [(0, 0), (TOUCH_SLOP_PX, 0), (-TOUCH_SLOP_PX, 0), (0, TOUCH_SLOP_PX), (0, -TOUCH_SLOP_PX)]:
                text, tip = tooltip_on_hover(page, x + dx, y + dy, name)
                assert text.splitlines()[0] == name, (site_id, dx, dy, text)
                assert tip is not None
                assert box["x"] <= tip["x"], (site_id, tip)
                assert tip["x"] + tip["width"] <= min(box["x"] + box["width"], width), (site_id, tip)
                assert box["y"] <= tip["y"], (site_id, tip)
                assert tip["y"] + tip["height"] <= box["y"] + box["height"], (site_id, tip)
            page.mouse.move(0, 0)
        if not query:
            assert axe_violations(page) == []


def test_two_taps_from_the_map_to_a_profile_on_a_phone(browser, server_url, catalog):
    with open_map(browser, f"{server_url}/map", "phone", touch=True) as page:
        box = canvas_box(page)
        _, marks = expected_marks(catalog, filters.Filters(), box)
        wait_for_marks(page, box, marks, catalog)
        (pittsburgh,) = [mark for mark in marks if mark[0] == "pittsburgh"]
        _, _, x, y, _ = pittsburgh
        assert 0 <= y <= VIEWPORTS["phone"][1], "the circle is on the first screen"

        link = page.get_by_role("link", name="Open the Pittsburgh profile")
        page.touchscreen.tap(x, y)  # tap 1: the circle
        try:
            link.wait_for(timeout=10_000)
        except PlaywrightTimeout:  # on a saturated machine the map can miss a tap; a person taps again
            wait_for_app(page)
            page.touchscreen.tap(x, y)
            link.wait_for(timeout=30_000)
        wait_for_app(page)
        link_box = link.bounding_box()
        map_bottom = canvas_box(page)["y"] + box["height"]
        assert 0 <= link_box["y"] - map_bottom <= 48, (link_box, map_bottom)  # right under the map
        assert link_box["y"] + link_box["height"] <= VIEWPORTS["phone"][1]  # on the same screen as the map
        assert link_box["height"] >= 24
        assert link_box["width"] >= 24
        save_screenshots(page, "map-picked-phone")
        assert axe_violations(page) == []

        link.tap()  # tap 2: the profile link
        page.wait_for_url("**/site?site=Pittsburgh**", timeout=30_000)
        wait_for_app(page)
        assert "Pittsburgh" in page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_overview_map_draws_every_site_and_passes_axe(browser, server_url, catalog, viewport):
    with open_map(browser, server_url, viewport) as page:
        box = canvas_box(page)
        layout, marks = expected_marks(catalog, filters.Filters(), box)
        assert round(box["height"]) == layout.height
        assert layout.unlabelled() == []  # every site named on the map
        counts = wait_for_marks(page, box, marks, catalog)
        assert all(count >= 6 for count in counts.values()), counts
        save_screenshots(page, f"overview-map-{viewport}")
        assert axe_violations(page) == []

"""Keyboard focus in a real browser: Tab through every page, at desktop and phone widths, and every stop
shows a ring of at least 2 px with at least 3:1 contrast against what it is drawn on, whole and on the
screen (WCAG 2.2: 2.4.7, 2.4.11, 1.4.11); the skip link comes first; a page change brings the focus to
the main area; and the key presses from the Overview to a site's partner network table."""

from __future__ import annotations

import pytest
from PIL import Image

from conftest import ARTIFACTS, VIEWPORTS, open_page, wait_for_app
from dashboard import constants

# What the focused control shows: the ring is the outline of the focused element or of the control
# around it (a switch's label, a select box's box, the map's figure); its width, its contrast against
# the colour behind it (the element's own when drawn inside it, else its parents'), whether a parent
# that cuts what overflows it cuts the ring, and whether it is on the screen.
FOCUS_RING = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                 b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const luminance = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const testid = focused.closest('[data-testid]')?.getAttribute('data-testid') || '';
  const label = (focused.getAttribute('aria-label') || focused.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
  const what = `${focused.tagName.toLowerCase()} ${testid} “${label}”`;
  let ring = focused;
  while (ring && ring !== document.body && getComputedStyle(ring).outlineStyle === 'none') ring = ring.parentElement;
  if (!ring || ring === document.body) return {what, width: 0, contrast: 0, cut: null, onScreen: false};
  const style = getComputedStyle(ring);
  const width = parseFloat(style.outlineWidth), offset = parseFloat(style.outlineOffset);
  const layers = [];
  for (let node = offset < 0 ? ring : ring.parentElement; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
  }
  let behind = {r: 255, g: 255, b: 255, a: 1};
  for (const colour of layers.reverse()) behind = over(colour, behind);
  const [light, dark] = [luminance(over(parse(style.outlineColor), behind)), luminance(behind)].sort((a, b) => b - a);
  const box = ring.getBoundingClientRect(), grow = Math.max(offset + width, 0);
  let cut = null;
  for (let node = ring.parentElement; node && node !== document.body; node = node.parentElement) {
    if (getComputedStyle(node).overflow === 'visible') continue;
    const edge = node.getBoundingClientRect();
    if (box.left - grow < edge.left - 1 || box.top - grow < edge.top - 1 || box.right + grow > edge.right + 1
        || box.bottom + grow > edge.bottom + 1) { cut = node.getAttribute('data-testid') || node.tagName; break; }
  }
  return {what, width, contrast: (light + 0.05) / (dark + 0.05), cut,
          onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth};
}"""
SKIP_LINK = "stSkipToContent"
# More than any page has: the site profile beside another site, every citation with its archive link,
# has more than 400.
MAX_STOPS = 1200

# Every page, with the tabs that hold inputs, tables and search results open.
PAGES = [
    "",
    "map",
    "site?site=Boston&compare=St.+Louis",
    "networks",
    "networks?networks_tab=Organizations",
    "themes?themes_tab=Search&q=court",
    "metrics",
    "ecosystem?example=true",
    "ecosystem?ecosystem_tab=Self-check",
    "library?library_tab=Sources",
]


def tab_stops(page) -> list[dict]:
    """Press Tab from the top of the page until the focus comes back to the skip link; what each stop shows."""
    stops: list[dict] = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_RING)
        if stop is None:  # the page itself, between the last stop and the first
            continue
        if stops and SKIP_LINK in stop["what"]:
            return stops
        stops.append(stop)
    pytest.fail(f"Tab never came back to the skip link after {MAX_STOPS} presses")


def faint(stop: dict) -> bool:
    """A stop whose ring is missing, thin, faint, cut or off the screen."""
    return stop["width"] < 2 or stop["contrast"] < 3 or stop["cut"] is not None or not stop["onScreen"]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES, ids=[p.replace("?", "-") or "overview" for p in PAGES])
def test_every_tab_stop_shows_the_focus_ring(browser, server_url, path, viewport):
    with open_page(browser, f"{server_url}/{path}", VIEWPORTS[viewport]) as page:
        page.wait_for_timeout(500)
        stops = tab_stops(page)
        assert SKIP_LINK in stops[0]["what"]  # the skip link comes first
        assert len(stops) > 10
        assert [stop for stop in stops if faint(stop)] == []


@pytest.mark.parametrize("path", ["", "site?site=Boston", "ecosystem?ecosystem_tab=Self-check"])
def test_every_tab_stop_shows_the_focus_ring_in_the_dark_theme(browser, server_url, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(f"{server_url}/{path}")
        wait_for_app(page)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
            != "rgb(255, 255, 255)"
        )
        stops = tab_stops(page)
        assert len(stops) > 10
        assert [stop for stop in stops if faint(stop)] == []
    finally:
        context.close()


def test_the_skip_link_moves_past_the_sidebar(browser, server_url):
    with open_page(browser, f"{server_url}/metrics") as page:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.innerText") == "Skip to main content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.dataset.testid") == "stMain"
        page.keyboard.press("Tab")  # the main area's first control: past the navigation, filters and share link
        assert page.evaluate("!!document.activeElement.closest('[data-testid=\"stMain\"]')")


def test_a_page_change_brings_the_focus_to_the_main_area(browser, server_url):
    with open_page(browser, f"{server_url}/") as page:
        page.locator('[data-testid="stSidebarNav"] a', has_text="Library").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server_url}/library", timeout=15_000)
        page.get_by_role("heading", name="Library", level=1).wait_for(timeout=15_000)
        wait_for_app(page)
        page.wait_for_function("document.activeElement?.dataset?.testid === 'stMain'", timeout=10_000)
        page.keyboard.press("Tab")  # the new page's first control, not the next link of the navigation
        assert page.evaluate("!!document.activeElement.closest('[data-testid=\"stMain\"]')")


def test_the_sidebar_opens_from_the_keyboard_on_a_phone(browser, server_url):
    with open_page(browser, f"{server_url}/", VIEWPORTS["phone"]) as page:
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.testid") == "stExpandSidebarButton"
        page.keyboard.press("Enter")
        page.locator('[data-testid="stSidebar"][data-collapsed="false"]').wait_for(timeout=5_000)
        page.wait_for_timeout(800)  # the sidebar slides in
        page.keyboard.press("Shift+Tab")  # the open sidebar comes before its button
        stop = page.evaluate(FOCUS_RING)
        assert page.evaluate("!!document.activeElement.closest('[data-testid=\"stSidebar\"]')"), stop
        assert not faint(stop), stop


# Reaching a site's partner network table from the Overview with the keyboard alone: each step is
# Tab until the control is focused, then Enter, and what Enter leads to. Before the focus moved to
# the main area on a page change and the profile had jump links, the same routes took 31 to 178
# presses (Seattle) and 69 (Boston): README.md, "Keyboard".
TABLE = '[data-testid="stDataFrame"]'
ROUTES = {
    "Seattle, through the map": [
        ("Skip to main content", "main"),
        ("See the sites on a map", "page"),
        ("Seattle / King County (learning site)", "page"),
        ("the partner network", "jump"),
        ("every organization and tie as a table", "open"),
        (TABLE, None),
    ],
    "Boston, linked from the Overview": [
        ("Skip to main content", "main"),
        ("See what Boston built", "page"),
        ("the partner network", "jump"),
        ("every organization and tie as a table", "open"),
        (TABLE, None),
    ],
}
KEY_PRESS_BUDGET = {"Seattle, through the map": 45, "Boston, linked from the Overview": 32}
REACHED = """target => { const e = document.activeElement;
  if (!e || e === document.body) return false;
  if (target.startsWith('[')) return !!e.closest(target);
  return ['A', 'BUTTON', 'SUMMARY'].includes(e.tagName) && e.innerText.includes(target); }"""
LEADS_TO = {
    "main": "() => document.activeElement?.dataset?.testid === 'stMain'",
    "page": "before => location.pathname + location.search !== before && document.activeElement?.dataset?.testid === 'stMain'",
    "jump": "() => location.hash !== ''",
    "open": f"() => !!document.querySelector('[data-testid=\"stMain\"] {TABLE}')",
}


def key_presses(page, route: list[tuple[str, str | None]]) -> list[int]:
    """The Tab presses before each step of ``route`` (Enter, where pressed, counts one more)."""
    presses = []
    for target, then in route:
        count = 0
        while not page.evaluate(REACHED, target):
            page.keyboard.press("Tab")
            count += 1
            assert count < MAX_STOPS, f"Tab never reached {target!r}"
        presses.append(count)
        if then:
            before = page.evaluate("location.pathname + location.search")
            page.keyboard.press("Enter")
            page.wait_for_function(LEADS_TO[then], arg=before, timeout=20_000)
            wait_for_app(page)
    return presses


@pytest.mark.parametrize("route", list(ROUTES))
def test_key_presses_from_the_overview_to_a_sites_partner_network_table(browser, server_url, route):
    with open_page(browser, f"{server_url}/") as page:
        presses = key_presses(page, ROUTES[route])
        total = sum(presses) + sum(1 for _, then in ROUTES[route] if then)
        print(f"{route}: {total} key presses (Tab {presses}, and Enter at each step)")
        assert total <= KEY_PRESS_BUDGET[route], presses


def ring_pixels(shot: Image.Image, box: dict) -> int:
    """How many pixels in the band just outside ``box`` have the focus ring's colour."""
    ring = tuple(int(constants.FOCUS_RING_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    x, y, w, h = (round(box[k]) for k in ("x", "y", "width", "height"))
    band = shot.crop((x - 6, y - 6, x + w + 6, y + h + 6)).convert("RGB")
    return sum(
        count for count, colour in band.getcolors(maxcolors=1_000_000) or [] if max(abs(a - b) for a, b in zip(colour, ring)) < 24
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_focus_ring_screenshots(browser, server_url, viewport):
    """The ring as drawn, on a page link of the Overview (the sidebar's grey mark of the current page
    beside it at desktop width): artifacts/screenshots/focus-*.png."""
    with open_page(browser, f"{server_url}/", VIEWPORTS[viewport]) as page:
        key_presses(page, [("Skip to main content", "main"), ("See what Boston built", None)])
        page.wait_for_timeout(300)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"focus-{viewport}.png"
        page.screenshot(path=str(target))
        box = page.evaluate(
            "(() => { const r = document.activeElement.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; })()"
        )
        assert ring_pixels(Image.open(target), box) > 2 * (box["width"] + box["height"])  # a ring all round, in its colour

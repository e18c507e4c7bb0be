"""The Key years tab of Ecosystem metrics in a real browser: the legend and the year axis on the first
screen at 1280×900, the program years band drawn, the metric choice carried by the link, both tables,
axe-core, and screenshots at desktop and phone sizes."""

from __future__ import annotations

import urllib.parse

import pytest
from PIL import Image, ImageStat

from conftest import (
    ARTIFACTS,
    CHART,
    TEXT_COLOURS,
    VIEWPORTS,
    axe_violations,
    click_when_still,
    colours_in,
    open_page,
    share_link,
    wait_for_app,
)

LEGENDS = f"{CHART} .role-legend"
X_AXIS = f'{CHART} .role-axis[aria-label^="X-axis"]'
BAND = f"{CHART} .mark-rect.role-mark.layer_0_marks"  # the program years band, drawn first (behind the marks)
NNIP = "?year_metric=" + urllib.parse.quote_plus("Year joined NNIP")
VIEWS = {"every-metric": "", "one-metric": NNIP, "lens": "?lens=true", "one-metric-lens": NNIP + "&lens=true"}


@pytest.fixture(scope="module")
def metrics_url(server_url) -> str:
    """The Ecosystem metrics page."""
    return f"{server_url}/metrics"


def wait_for_chart(page) -> None:
    page.locator(X_AXIS).first.wait_for(timeout=30_000)
    page.locator(LEGENDS).first.wait_for(timeout=30_000)


@pytest.mark.parametrize("query", list(VIEWS.values()), ids=list(VIEWS))
def test_legend_and_year_axis_are_on_the_first_screen(browser, metrics_url, query):
    width, height = VIEWPORTS["desktop"]
    with open_page(browser, metrics_url + query, (width, height)) as page:
        wait_for_chart(page)
        boxes = [page.locator(LEGENDS).nth(i).bounding_box() for i in range(page.locator(LEGENDS).count())]
        boxes.append(page.locator(X_AXIS).bounding_box())
        assert len(boxes) >= 2
        for box in boxes:
            assert box is not None
            assert box["width"] > 0
            assert box["height"] > 0
            assert box["y"] >= 0, box
            assert box["y"] + box["height"] <= height, box
            assert box["x"] + box["width"] <= width, box
        axis = boxes[-1]
        assert max(box["y"] + box["height"] for box in boxes[:-1]) < axis["y"] + axis["height"] / 2  # legends above the axis
        band = page.locator(BAND).bounding_box()
        assert band is not None
        assert band["y"] < height
        assert band["width"] > 0  # the program years band starts on screen


def test_metric_choice_is_in_the_share_link_and_the_link_reopens_it(browser, metrics_url):
    with open_page(browser, metrics_url) as page:
        wait_for_chart(page)
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Key years shown").get_by_role("combobox").click()
        page.get_by_role("option", name="Year joined NNIP", exact=True).click()
        page.locator(f'{CHART}[aria-label^="Dot chart of year joined NNIP"]').wait_for(timeout=30_000)
        wait_for_app(page)
        shared = share_link(page)
        assert "year_metric=Year+joined+NNIP" in shared
        alt_text = page.locator(CHART).get_attribute("aria-label")
    assert "Boston: 1995" in alt_text
    assert "St. Louis: not found in sources" in alt_text
    with open_page(browser, shared) as page:
        wait_for_chart(page)
        assert page.locator(CHART).get_attribute("aria-label") == alt_text
        assert page.get_by_text("None of the 5 falls within the program years 2014–2018 (shaded).").count() == 1


def test_hostile_choice_in_the_link_shows_every_metric(browser, metrics_url):
    hostile = urllib.parse.quote("<img src=x onerror=alert(1)>")
    with open_page(browser, f"{metrics_url}?year_metric={hostile}") as page:
        wait_for_chart(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(CHART).get_attribute("aria-label").startswith("Dot chart of key years")
        assert page.locator("img[src=x]").count() == 0


def test_wide_and_long_tables_download_and_pass_axe(browser, metrics_url):
    with open_page(browser, metrics_url + "?lens=true") as page:
        wait_for_chart(page)
        page.get_by_text("Data behind “Key years”").click()
        page.get_by_role("button", name="Download key-years (CSV)").wait_for(timeout=30_000)
        wait_for_app(page)
        page.get_by_text("Key years as a table: a row per site, a column per metric").click()
        download = page.get_by_role("button", name="Download key-years-by-site (CSV)")
        download.wait_for(timeout=30_000)
        wait_for_app(page)  # each expander reruns the page when opened: click the button that stays
        with page.expect_download(timeout=30_000) as info:
            click_when_still(download)
        lines = info.value.path().read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("site,role,Year joined NNIP,")
        assert len(lines) == 1 + 7
        assert any("not found in sources" in line for line in lines[1:])
        assert page.locator('[data-testid="stDataFrame"]').count() == 2
        violations = axe_violations(page)
        assert violations == [], violations


@pytest.mark.parametrize("view", ["every-metric", "one-metric"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_key_years_screenshots(browser, metrics_url, viewport, view):
    with open_page(browser, metrics_url + VIEWS[view], VIEWPORTS[viewport]) as page:
        wait_for_chart(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"key-years-{view}-{viewport}.png"
        page.screenshot(path=str(target))
        shot = Image.open(target).convert("RGB")
        assert max(ImageStat.Stat(shot).stddev) > 20, "the screenshot is (nearly) blank"
        title = page.locator('[data-testid="stMainBlockContainer"] h1').first.bounding_box()
        assert colours_in(shot, title) > TEXT_COLOURS, "the page title is not drawn on the first screen"
        page.add_style_tag(content='[data-testid="stHeader"] { display: none; }')  # it would cover the chart's top
        chart = ARTIFACTS / f"key-years-{view}-{viewport}-chart.png"
        page.locator(CHART).screenshot(path=str(chart))
        drawn = Image.open(chart).convert("RGB")
        assert len(drawn.getcolors(maxcolors=1_000_000) or []) > 50, "the chart is (nearly) blank"

"""Networks and Your ecosystem in a real browser: the worked example and a file of hostile names uploaded
through the page (names shown as text, no script run, formulas neutralised in the download), a bad file
answered with row-numbered messages, a shared self-check link opened in a fresh browser showing the
same answers and chart, axe-core's WCAG 2.2 AA rules (target size included) at desktop and phone sizes,
and screenshots of a network and of an upload's result at both sizes."""

from __future__ import annotations

import csv
import io
import urllib.parse

import hostile_uploads
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
from dashboard.upload import example

WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HOSTILE = [
    ["<script>window.__pwned = 1</script>", "local government"],
    ["<img src=x onerror=window.__pwned=1>", "civic tech group"],
    ["[click me](javascript:window.__pwned=1)", "data intermediary"],
    ['=HYPERLINK("http://evil.example","x")', "community organization"],
    ["**bold** and `code`", "funder"],
]


def csv_file(name: str, rows: list[list[str]]) -> dict:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": buffer.getvalue().encode("utf-8")}


def upload(page, files: list[dict]) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    page.wait_for_timeout(500)
    wait_for_app(page)


def picture(page, title: str):
    """The network picture whose accessible name (its alt text) begins with its ecosystem's name."""
    return page.locator(f'{CHART}[aria-label^="Network picture of {title}"]')


def test_the_worked_example_uploaded_through_the_page_is_drawn_beside_a_site(browser, server_url):
    with open_page(browser, f"{server_url}/ecosystem?compare=St.+Louis") as page:
        upload(page, [{"name": n, "mimeType": "text/csv", "buffer": b} for n, b in example.example_files()])
        picture(page, "Your ecosystem").wait_for(timeout=30_000)
        picture(page, "St. Louis").wait_for(timeout=30_000)
        main = page.locator('[data-testid="stMain"]')
        assert "12 organizations and 11 ties." in main.inner_text()
        assert "Is local government tied to a civic tech group?" in main.inner_text()
        download = page.get_by_role("button", name="Metrics per organization (CSV)")
        with page.expect_download(timeout=30_000) as info:
            click_when_still(download)
        rows = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8"))))
        assert rows[0][:3] == ["ecosystem", "name", "type"]
        assert len(rows) == 13
        assert rows[1][1] == "Riverbend Data Collaborative"  # the hub first


def test_hostile_names_stay_text_on_the_page_and_in_the_download(browser, server_url):
    hub = HOSTILE[2][0]
    organizations = csv_file("organizations.csv", [["name", "type"], *HOSTILE])
    ties = csv_file("ties.csv", [["source", "target", "kind"], *[[n, hub, "partnered"] for n, _ in HOSTILE if n != hub]])
    with open_page(browser, f"{server_url}/ecosystem") as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        upload(page, [organizations, ties])
        picture(page, "Your ecosystem").wait_for(timeout=30_000)
        main = page.locator('[data-testid="stMain"]')
        text = main.inner_text()
        assert "<script>window.__pwned = 1</script>" in text
        assert "[click me](javascript:window.__pwned=1)" in text
        assert "**bold** and `code`" in text  # Markdown in a name is shown as typed
        assert main.locator("script, img[src=x], a[href^=javascript]").count() == 0
        picture(page, "Your ecosystem").hover()  # tooltips are text too
        page.wait_for_timeout(500)
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        with page.expect_download(timeout=30_000) as info:
            click_when_still(page.get_by_role("button", name="Metrics per organization (CSV)"))
        cells = [cell for row in csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8"))) for cell in row]
        assert '\'=HYPERLINK("http://evil.example","x")' in cells
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def test_a_bad_file_gets_row_numbered_messages(browser, server_url):
    organizations = csv_file(
        "organizations.csv", [["name", "type"], ["City Hall", "goverment"], ["Data Hub", "data intermediary"]]
    )
    ties = csv_file("ties.csv", [["source", "target", "kind"], ["City Hall", "Data Hubb", "partnered"]])
    with open_page(browser, f"{server_url}/ecosystem") as page:
        upload(page, [organizations, ties])
        alert = page.locator('[data-testid="stAlertContentError"]')
        alert.wait_for(timeout=30_000)
        text = alert.inner_text()
        assert "2 problem(s)" in text
        assert "organizations.csv, row 2, column 'type': unknown type 'goverment'. Did you mean 'local government'?" in text
        assert "ties.csv, row 2, column 'target': 'Data Hubb' is not in the organizations list. Did you mean 'Data Hub'?" in text
        assert page.locator(CHART).count() == 0


def test_addresses_in_names_become_no_link_or_image(browser, server_url):
    case = hostile_uploads.cases()["url_in_names"]
    files = [{"name": n, "mimeType": "text/csv", "buffer": b} for n, b in case.files]
    with open_page(browser, f"{server_url}/ecosystem") as page:
        upload(page, files)
        picture(page, "Your ecosystem").wait_for(timeout=30_000)
        page.get_by_text("Your ecosystem: every organization and tie as a table").click()
        wait_for_app(page)
        main = page.locator('[data-testid="stMain"]')
        text = main.inner_text()
        assert "http://example.com/plain" in text.replace("\u2060", "")  # shown, as text
        addresses = "a[href*='example.'], img[src*='example.'], a[href^='mailto:']"
        assert main.locator(addresses).count() == 0  # nothing from the upload became a link or an image


def test_a_deeply_nested_yaml_file_gets_a_message_and_no_traceback(browser, server_url):
    case = hostile_uploads.cases()["deep_block_list.yaml"]
    with open_page(browser, f"{server_url}/ecosystem") as page:
        upload(page, [{"name": n, "mimeType": "application/yaml", "buffer": b} for n, b in case.files])
        alert = page.locator('[data-testid="stAlertContentError"]')
        alert.wait_for(timeout=30_000)
        assert "deep_block_list.yaml, line 2: is nested more than 20 levels deep" in alert.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0


def test_a_shared_self_check_link_opens_the_same_answers_in_a_fresh_browser(browser, server_url):
    with open_page(browser, f"{server_url}/ecosystem?ecosystem_tab=Self-check") as page:
        main = page.locator('[data-testid="stMain"]')
        steps = (
            (lambda: main.get_by_label("Your place (optional)").fill("Riverton <b>x</b>"), "my_place=Riverton"),
            (lambda: main.get_by_role("radiogroup", name="Is a local organization a partner").get_by_text("Yes", exact=True).click(), "my_nnip=yes"),
            (lambda: main.get_by_label("Since (year)").nth(0).fill("2011"), "my_nnip=2011"),
            (lambda: main.get_by_role("radiogroup", name="Does city government run an open data portal?").get_by_text("No", exact=True).click(), "my_portal=no"),
        )  # fmt: skip
        for answer, expected in steps:  # each answer moves the link under the questions, the share link and the address
            answer()
            page.keyboard.press("Tab")  # a typed answer counts once it is left
            page.wait_for_function("wanted => location.search.includes(wanted)", arg=expected, timeout=15_000)
            wait_for_app(page)
            link = page.locator('[data-testid="stMain"] [data-testid="stCode"]').inner_text().strip()
            assert link == share_link(page) == page.url
            assert expected in link
        page.locator(f'{CHART}[aria-label*="Riverton <b>x</b>"]').wait_for(timeout=30_000)
        shared = share_link(page)
        alt_text = page.locator(CHART).first.get_attribute("aria-label")
        summary = page.get_by_text("1 of 6 in place, by your answers").first.inner_text()
    assert link == shared
    assert link.startswith(server_url)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)
    assert query == {"ecosystem_tab": ["Self-check"], "my_place": ["Riverton <b>x</b>"], "my_nnip": ["2011"], "my_portal": ["no"]}
    with open_page(browser, link) as page:  # a new browser context: nothing shared but the link
        page.locator(f'{CHART}[aria-label*="Riverton <b>x</b>"]').wait_for(timeout=30_000)
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_label("Your place (optional)").input_value() == "Riverton <b>x</b>"
        assert main.get_by_label("Since (year)").nth(0).input_value() == "2011"
        portal = main.get_by_role("radiogroup", name="Does city government run an open data portal?")
        assert portal.get_by_role("radio", name="No", exact=True).is_checked()
        assert page.locator(CHART).first.get_attribute("aria-label") == alt_text
        assert page.get_by_text(summary).count() == 1
        assert page.locator("b", has_text="x").count() == 0  # the name is text, not markup


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_measures_side_by_side_wrap_and_nothing_is_cut(browser, server_url, viewport):
    width = VIEWPORTS[viewport][0]
    with open_page(browser, f"{server_url}/ecosystem?example=true&compare=St.+Louis", VIEWPORTS[viewport]) as page:
        table = page.locator('[data-testid="stTable"] table').first
        table.wait_for(timeout=30_000)
        box = table.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width  # the whole table on screen, no sideways scrolling
        cut = table.evaluate(
            "t => [...t.querySelectorAll('th, td')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)"
        )
        assert cut == []  # no cell's text runs past its edge
        cell = table.locator("td", has_text="local government; community organization; university; funder")
        assert cell.inner_text() == "local government; community organization; university; funder"  # whole, not cut
        line = table.locator("td", has_text="12").first.bounding_box()
        wrapped = cell.bounding_box()
        assert line is not None
        assert wrapped is not None
        assert wrapped["height"] > 1.5 * line["height"]  # the long cell wraps onto more lines


PAGES = {
    "networks": "networks",
    "networks-every": "networks?networks_tab=Every+network&lens=true",
    "site-network": "site?site=Cleveland",
    "ecosystem-example": "ecosystem?example=true",
    "self-check": "ecosystem?my_place=Riverton&my_nnip=2012&my_brigade=yes&my_policy=no",
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_wcag22_aa_with_target_size(browser, server_url, path, viewport):
    with open_page(browser, f"{server_url}/{path}", VIEWPORTS[viewport]) as page:
        page.locator(CHART).first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        violations = axe_violations(page, tags=WCAG22_AA)
        assert violations == [], violations


SHOTS = {
    "network": ("site?site=St.+Louis", "How they were connected"),
    "upload-result": ("ecosystem?example=true", "3. Your network beside a CTDC site"),
    "self-check": (
        "ecosystem?my_place=Riverton&my_nnip=2012&my_brigade=yes&my_policy=2016&my_portal=no",
        "Your place beside the sites",
    ),
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots(browser, server_url, name, viewport):
    path, heading = SHOTS[name]
    with open_page(browser, f"{server_url}/{path}", VIEWPORTS[viewport]) as page:
        page.locator(CHART).first.wait_for(timeout=30_000)
        page.add_style_tag(content='[data-testid="stHeader"] { display: none; }')  # it would cover the top
        page.get_by_role("heading", name=heading).first.evaluate("element => element.scrollIntoView()")
        page.wait_for_timeout(800)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{name}-{viewport}.png"
        page.screenshot(path=str(target))
        shot = Image.open(target).convert("RGB")
        assert max(ImageStat.Stat(shot).stddev) > 20, "the screenshot is (nearly) blank"
        shown = page.get_by_role("heading", name=heading).first.bounding_box()
        assert colours_in(shot, shown) > TEXT_COLOURS, f"the heading “{heading}” is not drawn in the screenshot"
        chart = page.locator(CHART).first.bounding_box()
        assert chart is not None
        assert chart["y"] < VIEWPORTS[viewport][1]  # the picture starts on the first screen

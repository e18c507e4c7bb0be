"""A site profile on paper: the browser's own print of the page holds its content only (no sidebar, no
widgets) and all of it (the side-by-side table's every row, the last source), and the brief downloads
from the page as a PDF of at most two pages linking back to the profile."""

from __future__ import annotations

import io

import pypdf
import pypdfium2

from conftest import click_when_still, open_page
from dashboard.views.site_profile.assembly import compare_sites, site_profile
from dashboard.views.site_profile.markdown import page_sources

WIDGET_TEXT = ("Filter by site", "Share this view", "Embed this view", "Download a one-page brief", "Back to the map")


def pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return " ".join(" ".join(document[i].get_textpage().get_text_range() for i in range(len(document))).split())


def test_printing_a_profile_gives_its_whole_content_and_no_widgets(browser, server_url, catalog):
    boston, st_louis = site_profile(catalog, "boston"), site_profile(catalog, "st-louis")
    with open_page(browser, f"{server_url}/site?site=Boston&compare=St.+Louis") as page:
        page.get_by_text("Boston and St. Louis side by side").first.wait_for(timeout=30_000)
        on_screen = page.locator("body").inner_text()
        page.emulate_media(media="print")
        printed = pdf_text(page.pdf(format="A4"))
    assert all(text in on_screen for text in WIDGET_TEXT)  # the screen has them...
    assert [text for text in WIDGET_TEXT if text in printed] == []  # ...the paper does not
    for measure in compare_sites(boston, st_louis)["measure"]:  # the table unclipped: every row is there
        assert measure in printed, measure
    last_source = page_sources(catalog, boston, st_louis).iloc[-1]
    assert "Sources cited on this page" in printed
    assert " ".join(last_source["title"].split()) in printed


def test_the_brief_downloads_from_the_profile_and_links_back_to_it(browser, server_url):
    with open_page(browser, f"{server_url}/site?site=Seattle+%2F+King+County") as page:
        button = page.get_by_role("button", name="Download a one-page brief (PDF, US Letter)")
        with page.expect_download(timeout=60_000) as download:
            click_when_still(button)
        assert download.value.suggested_filename == "seattle-king-county-brief-us-letter.pdf"
        pdf = open(download.value.path(), "rb").read()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2
    assert tuple(round(float(x)) for x in reader.pages[0].mediabox[2:]) == (612, 792)
    targets = [
        str(annotation.get_object()["/A"]["/URI"])
        for p in reader.pages
        for annotation in p.get("/Annots") or []
        if annotation.get_object().get("/A", {}).get("/S") == "/URI"
    ]
    assert f"{server_url}/site?site=Seattle+%2F+King+County" in targets
    assert "Seattle / King County" in pdf_text(pdf)

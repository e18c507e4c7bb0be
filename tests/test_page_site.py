"""AppTest tests of the site profile page: direct links, comparison, hostile URLs, the site selector."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import headings, open_app, script


def open_site(**params: str | list[str]) -> AppTest:
    """The site page as opened from a link carrying ``params``."""
    return open_app(script("site"), params)


def texts(at: AppTest) -> str:
    """All headings, Markdown and captions of the page as one string."""
    parts = [*at.title, *at.header, *at.subheader, *at.markdown, *at.caption]
    return "\n".join(str(p.value) for p in parts)


def test_direct_link_shows_the_site_and_its_product():
    at = open_site(site="st-louis")
    assert at.title[0].value == "St\\. Louis"  # escaped Markdown: a name is shown as text
    assert "YourSTLCourts" in headings(at)
    assert at.selectbox(key="site_choice").value == "st-louis"
    assert at.selectbox(key="compare_choice").value == ""
    page = texts(at)
    assert "Sources cited on this page" in page
    assert ":small[Sources: [\\[1\\]](http" in page
    assert "Data intermediary" in page
    assert "Rise Community Development" in page
    assert "Ecosystem metrics for St. Louis" in headings(at)
    assert "- Year joined NNIP: **not found in sources**" in page
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download a one-page brief (PDF, A4)",
        "Download a one-page brief (PDF, US Letter)",
        "Download metrics-st-louis (CSV)",
    ]
    assert "No site called" not in page  # a known site raises no notice


def test_compare_shows_both_sites_side_by_side():
    at = open_site(site="boston", compare="washington-dc")
    assert at.title[0].value == "Boston"
    assert "Boston and Washington, DC side by side" in headings(at)
    assert "Youth Jobs Platform (Youth Match)" in headings(at)
    assert "| | Boston | Washington, DC |" in texts(at)  # one table: a column per site
    assert [b.proto.label for b in at.get("download_button")][
        2
    ] == "Download boston-vs-washington-dc (CSV)"  # after the brief's two
    assert "Housing Insights" in texts(at)


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "x" * 10_000, "", ["st-louis", "<img src=x>"]])
def test_hostile_site_values_fall_back(raw):
    at = open_site(site=raw, compare="<b>nope</b>")
    assert at.title[0].value == "Boston"  # first site in view
    page = texts(at)
    assert not re.search(r"(?<!\\)<(script|img|b)", page)  # shown only escaped, as text
    assert "to compare with; showing no comparison" in page
    if raw and not isinstance(raw, list):
        assert "No site called" in page
        assert max(len(c.value) for c in at.caption) < 300


def test_choosing_a_site_and_a_comparison_updates_the_share_link():
    at = open_site(site="st-louis", themes="justice")
    at.selectbox(key="site_choice").select("boston").run()
    assert not at.exception
    assert at.code[-1].value == "?site=Boston&themes=justice"  # by name; the address bar follows it in place
    assert at.title[0].value == "Boston"
    at.selectbox(key="compare_choice").select("cleveland").run()
    assert at.code[-1].value == "?site=Boston&compare=Cleveland&themes=justice"
    assert "Boston and Cleveland side by side" in headings(at)
    at.selectbox(key="site_choice").select("cleveland").run()  # the site compared with: the comparison ends
    assert at.title[0].value == "Cleveland"
    assert at.selectbox(key="compare_choice").value == ""
    assert at.code[-1].value == "?site=Cleveland&themes=justice"
    assert not at.exception


def test_a_link_opens_the_site_it_names_after_another_was_picked():
    at = open_site(site="st-louis")
    at.selectbox(key="site_choice").select("boston").run()
    at.switch_page(script("map")).run()
    at.query_params["site"] = "San Antonio"
    at.switch_page(script("site")).run()  # the pickers' choice ended with the visit: the link decides
    assert at.title[0].value == "San Antonio"
    assert at.code[-1].value == "?site=San+Antonio"


def test_the_jump_links_lead_to_headings_of_the_page():
    at = open_site(site="Cleveland")
    jump = next(m.value for m in at.markdown if m.value.startswith("Jump to"))
    targets = re.findall(r"\(#([a-z0-9-]+)\)", jump)
    anchors = {re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") for heading in headings(at)}
    assert targets == ["how-they-were-connected", "sources-cited-on-this-page"]
    assert set(targets) <= anchors

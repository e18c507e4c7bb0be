"""AppTest tests of the Themes page: charts, theme picker and search bound to the URL, hostile links."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

import pytest
from streamlit.testing.v1 import AppTest

from conftest import chart_protos, headings, markdown, open_app, script


def open_page(**params: str | list[str]) -> AppTest:
    """The Themes page opened from a URL carrying ``params``."""
    return open_app(script("themes"), params)


TABS = ["Themes by site", "One theme", "Lessons by section", "Search"]


def test_tabs_open_the_overview_first_and_compute_only_the_open_tab():
    at = open_page()
    assert [t.label for t in at.tabs] == TABS
    (spec,) = [json.loads(proto.spec) for proto in chart_protos(at)]
    assert "theme" in spec["description"]
    assert "Themes by site" in headings(at)
    assert "records in this dataset" in markdown(at)
    assert "Cross-site lessons (" in markdown(at)
    assert [s.key for s in at.selectbox if s.key in ("theme", "section")] == []
    assert not at.text_input


def test_each_tab_from_its_link():
    at = open_page(tab="One theme")
    assert at.selectbox(key="theme").value == "civic engagement"
    assert "**6 products** carry the theme *civic engagement*:" in markdown(at)
    assert len([p for p in at.get("page_link") if p.proto.label.endswith(" profile")]) == 6
    at = open_page(tab="Lessons by section")
    (spec,) = [json.loads(proto.spec) for proto in chart_protos(at)]
    assert "Lessons by synthesis section" in headings(at)
    assert "sections of the program" in spec["description"]
    assert "*Section tags: " in markdown(at)
    assert " editorial (filed under a section" in markdown(at)
    assert at.selectbox(key="section").value == "Ingredients"
    at = open_page(tab="Search")
    assert at.text_input(key="q").value == ""
    assert not chart_protos(at)


def test_search_from_url_lists_housing_insights():
    at = open_page(q="housing")  # a search link opens the Search tab
    assert at.text_input(key="q").value == "housing"
    text = markdown(at)
    assert '**<a href="site?site=Washington%2C+DC#housing-insights" target="_self">Housing Insights</a>**' in text
    assert "results, best matches first" in text
    assert "**housing**" in text.lower()
    assert "Sources cited in these results" in text


def test_theme_from_url_shows_bostons_product():
    at = open_page(theme="employment")
    assert at.selectbox(key="theme").value == "employment"
    text = markdown(at)
    assert "Youth Jobs Platform" in text
    assert "YourSTLCourts" not in text
    assert "*Boston · Active in 2017\\-11 (last reported status)*" in text
    assert [p.proto.label for p in at.get("page_link") if p.proto.label.endswith(" profile")] == ["Boston profile"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000, "theme": "<script>alert(1)</script>", "section": "<img src=x>"},
        {"q": "(((<b>", "theme": ["", "housing", "nonsense"], "sites": "Nowhere", "role": "x" * 5000, "section": ""},
        {"tab": "<b>nope</b>", "q": "court"},
    ],
)
@pytest.mark.parametrize("tab", [None, *TABS])
def test_hostile_links_render(params, tab):
    at = open_page(**{**params, **({"tab": tab} if tab else {})})
    shown = markdown(at)
    assert "<script>" not in shown
    assert "<img" not in shown
    assert "<b>" not in shown
    if at.text_input and len(at.text_input(key="q").value or "") > 200:
        assert any("Your search was cut to its first" in c.value for c in at.caption)
    if tab == "One theme":
        assert at.selectbox(key="theme").value in ("civic engagement", "housing")
    if tab == "Lessons by section":
        assert at.selectbox(key="section").value == "Ingredients"  # the first section
    if tab == "Search" and "(((" in params["q"]:  # only the letter b is left: titles starting with B
        assert "starting with B" in shown


def test_global_filters_narrow_the_page():
    at = open_page(role="learning")
    at.session_state["data-themes-by-site"] = True  # open "Data behind “Themes by site”"
    at.run()
    sites = set(at.dataframe[0].value["site_name"])
    assert sites == {"Cleveland", "Pittsburgh", "San Antonio", "Seattle / King County"}
    at = open_page(role="learning", q="court")
    assert "YourSTLCourts" not in markdown(at)


def test_chart_data_is_built_only_when_its_expander_is_opened():
    at = open_page(tab="Lessons by section")
    assert not at.dataframe
    assert not at.get("download_button")
    at.session_state["data-lessons-by-section"] = True
    at.run()
    (table,) = at.dataframe
    assert set(table.value.columns) >= {"section", "lessons"}
    assert table.value["lessons"].sum() == 38
    assert [b.proto.label for b in at.get("download_button")] == ["Download lessons-by-section (CSV)"]


def test_section_from_url_lists_its_lessons():
    at = open_page(section="Sustaining the gain")
    assert at.selectbox(key="section").value == "Sustaining the gain"
    text = markdown(at)
    assert "### Sustaining the gain\n\n**" in text
    assert "### Ingredients" not in text
    at = open_page(section="Nowhere", tab="Lessons by section")
    assert "### Ingredients\n\n**" in markdown(at)
    assert any("Ignored unknown section" in c.value for c in at.caption)


def test_a_metric_result_opens_its_tab_and_metric():
    at = open_page(q="open data policy year")
    href = re.search(r'<a href="(metrics\?[^"#]+)#key-years" target="_self">Open data policy year</a>', markdown(at))
    assert href is not None
    params = urllib.parse.parse_qs(html.unescape(href.group(1)).split("?", 1)[1])
    metrics = open_app(script("metrics"), {k: v[0] for k, v in params.items()})
    assert metrics.selectbox(key="year_metric").value == "open_data_policy_year"
    assert "Key years" in headings(metrics)
    names = open_app(script("metrics"), {"metrics_tab": "Names"})
    assert "Partners, policies and posts by name" in headings(names)
    assert "Key years" not in headings(names)

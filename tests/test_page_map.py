"""AppTest checks of the Map page and the map and starting links on the Overview page."""

from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, deck_layers, headings, open_app, page_links, page_text, script
from dashboard import text

SITE_NAMES = ["Boston", "St. Louis", "Washington, DC", "Cleveland", "Pittsburgh", "San Antonio", "Seattle / King County"]


def open_page(page: str, **params: str | list[str]) -> AppTest:
    """Run the app with ``params`` in the URL, then switch to ``page``."""
    return open_app(page, params)


@pytest.fixture(scope="module")
def map_page() -> AppTest:
    return open_page(script("map"))


def test_map_draws_outlines_and_all_seven_sites(map_page):
    (chart,) = map_page.get("deck_gl_json_chart")
    assert "GeoJsonLayer" in chart.proto.json and "ScatterplotLayer" in chart.proto.json
    layers = deck_layers(map_page)
    assert layers["states"]["@@type"] == "GeoJsonLayer"
    assert [row["name"] for row in layers["sites"]["data"]] == SITE_NAMES
    assert chart.proto.alt.startswith("Map of the United States") and "Pittsburgh" in chart.proto.alt
    assert json.loads(chart.proto.tooltip) == {"text": "{name}\n{role_label}\nGrant: {grant_text}"}
    assert list(chart.proto.selection_mode)  # selecting a site is on


def table_rows(at) -> list[list[str]]:
    """The body rows of the page's Markdown sites table, as lists of (escaped) cells."""
    (block,) = [m.value for m in at.markdown if "| Site | Role | Grant |" in m.value]
    lines = [line for line in block.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_map_page_has_legend_table_and_profile_page_links(map_page):
    shown = " ".join(m.value for m in map_page.markdown)
    assert "Blue circles" in shown and "Orange circles" in shown
    assert map_page.toggle[0].label == "Show basemap tiles (needs internet)" and map_page.toggle[0].value is False
    assert not map_page.dataframe  # the table is Markdown: an HTML table screen readers can browse
    assert [row[0].rsplit(" (", 1)[0] for row in table_rows(map_page)] == [text.escape_markdown(n) for n in SITE_NAMES]
    assert table_rows(map_page)[0] == ["Boston (MA)", "Implementation", "\\$200,000"] and [
        b.proto.label for b in map_page.get("download_button")
    ] == ["Download map-sites (CSV)"]
    assert page_links(map_page)["Boston (implementation site)"] == "site?site=Boston"


def test_learning_role_keeps_four_sites_and_links_carry_the_filter():
    at = open_page(script("map"), role="learning")
    assert len(deck_layers(at)["sites"]["data"]) == 4
    assert len(table_rows(at)) == 4
    assert page_links(at)["Cleveland (learning site)"] == "site?site=Cleveland"  # the role filter travels by itself


def test_themes_do_not_narrow_the_map_and_say_so():
    at = open_page(script("map"), themes="housing")
    assert len(deck_layers(at)["sites"]["data"]) == 7
    assert "Themes describe products, not places" in page_text(at)


def test_basemap_toggle_asks_for_theme_tiles():
    at = open_page(script("map"))
    at.toggle[0].set_value(True).run()
    assert not at.exception
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert spec["mapProvider"] == "carto" and "mapStyle" not in spec
    assert "GeoJsonLayer" in at.get("deck_gl_json_chart")[0].proto.json


def test_hostile_url_renders_the_default_map():
    at = open_page(
        script("map"),
        sites=["<script>alert(1)</script>", "x" * 10_000, "", "Boston", "Boston"],
        role=["<img src=x onerror=alert(1)>", ""],
        themes=["'; DROP TABLE sites; --"],
    )
    names = [row["name"] for row in deck_layers(at)["sites"]["data"]]
    assert names == ["Boston"]  # unknown values dropped, the known one kept once
    assert "Themes describe products" not in page_text(at)  # the unknown theme was ignored


def test_no_matching_site_still_draws_the_outlines():
    at = open_page(script("map"), sites="Boston", role="learning")
    layers = deck_layers(at)
    assert "states" in layers and layers["sites"]["data"] == []
    assert any("No site matches" in i.value for i in at.info)


def test_overview_has_a_small_map_and_where_to_start_links():
    at = open_page(script("overview"))
    (chart,) = at.get("deck_gl_json_chart")
    assert len(deck_layers(at)["sites"]["data"]) == 7
    assert not chart.proto.selection_mode
    assert "Where to start" in headings(at)
    found = page_links(at)
    assert found["See the sites on a map"] == "map?"
    assert found["See what Boston built"] == "site?site=Boston"
    assert found["See what St. Louis built"] == "site?site=St.+Louis"
    assert found["See what Washington, DC built"] == "site?site=Washington%2C+DC"
    for label, page in [
        ("Browse the products and 38 lessons by theme", "themes?"),
        ("Compare the sites' civic-tech ecosystems", "metrics?"),
        ("Read the 33 reports and all 255 sources", "library?"),
    ]:
        assert found[label] == page


def test_overview_links_carry_only_their_own_parameters():
    # The filters are bound to the URL in app.py and travel with every page change by themselves:
    # a link that added them again would repeat them (the browser suite follows links for real).
    at = open_page(script("overview"), role="learning", themes="youth")
    found = page_links(at)
    assert found["See the sites on a map"] == "map?"
    assert found["Read about Cleveland"] == "site?site=Cleveland"
    assert len(deck_layers(at)["sites"]["data"]) == 4


def test_markdown_in_a_site_name_is_shown_as_text(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    sites = data / "sites.yaml"
    sites.write_text(
        sites.read_text(encoding="utf-8").replace("name: Boston\n", "name: '[Boston](https://evil.example) **$x$**'\n", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("CTDC_DATA_DIR", str(data))
    at = open_page(script("map"), sites="[Boston](https://evil.example) **$x$**")
    (label,) = [link.proto.label for link in at.get("page_link") if "evil" in link.proto.label]
    assert label.startswith(r"\[Boston\]\(https\:") and r"\*\*\$x\$\*\*" in label
    assert deck_layers(at)["sites"]["data"][0]["name"] == "[Boston](https://evil.example) **$x$**"
    assert all("](https://evil" not in c.value for c in at.caption)

"""AppTest checks of the Map page and the map and starting links on the Overview page."""

from __future__ import annotations

import json
import shutil
import urllib.parse

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, deck_layers, headings, open_app, page_links, page_text, script
from dashboard.data import text
from dashboard.views import map_layout, sites_map

SITE_NAMES = ["Boston", "St. Louis", "Washington, DC", "Cleveland", "Pittsburgh", "San Antonio", "Seattle / King County"]


def open_page(page: str, **params: str | list[str]) -> AppTest:
    """Run the app with ``params`` in the URL, then switch to ``page``."""
    return open_app(page, params)


@pytest.fixture(scope="module")
def map_page() -> AppTest:
    return open_page(script("map"))


def test_map_draws_outlines_and_all_seven_sites(map_page):
    (chart,) = map_page.get("deck_gl_json_chart")
    assert "GeoJsonLayer" in chart.proto.json
    assert "ScatterplotLayer" in chart.proto.json
    layers = deck_layers(map_page)
    assert layers["states"]["@@type"] == "GeoJsonLayer"
    assert [row["name"] for row in layers["sites"]["data"]] == SITE_NAMES
    assert chart.proto.alt.startswith("Map of the United States")
    assert "Pittsburgh" in chart.proto.alt
    tooltip = json.loads(chart.proto.tooltip)
    assert tooltip["text"] == "{name}\n{role_label}, grant {grant_text}"  # plain text, never HTML
    assert "html" not in tooltip
    assert tooltip["style"]["transform"] == "none"  # pinned inside the map
    assert list(chart.proto.selection_mode)  # selecting a site is on


def map_column(at) -> list[tuple[str, str | None]]:
    """What the map's column holds, in order: (element type, page-link label or caption text)."""
    column = at.columns[0]
    found = []
    for element in column.children.values():
        kind = getattr(element, "type", type(element).__name__)
        text = element.proto.label if kind == "page_link" else element.value if kind == "caption" else None
        found.append((kind, text))
    return found


def pick(at: AppTest, site_id: str) -> AppTest:
    """Choose ``site_id`` on the map, as a tap on its circle does (the chart's event state), and rerun."""
    at.session_state["site_map"] = {"selection": {"indices": {"sites": [0]}, "objects": {"sites": [{"id": site_id}]}}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_before_a_tap_the_map_says_what_a_tap_does_and_the_key_is_in_the_side_column(map_page):
    assert map_column(map_page) == [
        ("deck_gl_json_chart", None),
        ("caption", "Tap or click a circle: a link to its profile appears here."),
    ]
    (side,) = [element.value for element in map_page.columns[1].children.values()]
    assert side.startswith("**How to read the map**")
    assert "minimum size" in side


def test_a_chosen_site_puts_its_profile_link_right_under_the_map():
    at = pick(open_page(script("map"), role="learning"), "pittsburgh")
    assert map_column(at) == [("deck_gl_json_chart", None), ("page_link", "Open the Pittsburgh profile")]
    assert page_links(at)["Open the Pittsburgh profile"] == "site?site=Pittsburgh"  # the role filter travels by itself


def test_a_chosen_site_out_of_view_or_unknown_gives_no_link():
    for site_id in ("boston", "<script>alert(1)</script>"):  # Boston is not a learning site
        at = pick(open_page(script("map"), role="learning"), site_id)
        assert [kind for kind, _ in map_column(at)] == ["deck_gl_json_chart", "caption"]
        assert not any(label.startswith("Open the") for label in page_links(at))


def table_rows(at) -> list[list[str]]:
    """The body rows of the page's Markdown sites table, as lists of (escaped) cells."""
    (block,) = [m.value for m in at.markdown if "| Site | Role | Grant |" in m.value]
    lines = [line for line in block.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_map_page_has_legend_table_and_profile_page_links(map_page):
    shown = " ".join(m.value for m in map_page.markdown)
    assert "Blue circles" in shown
    assert "Orange circles" in shown
    assert map_page.toggle[0].label == "Show basemap tiles (needs internet)"
    assert map_page.toggle[0].value is False
    assert not map_page.dataframe  # the table is Markdown: an HTML table screen readers can browse
    assert [row[0].rsplit(" (", 1)[0] for row in table_rows(map_page)] == [text.escape_markdown(n) for n in SITE_NAMES]
    assert table_rows(map_page)[0] == ["Boston (MA)", "Implementation", "\\$200,000"]
    assert [b.proto.label for b in map_page.get("download_button")] == ["Download map-sites (CSV)"]
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
    assert spec["mapProvider"] == "carto"
    assert "mapStyle" not in spec
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
    assert "states" in layers
    assert layers["sites"]["data"] == []
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
        ("Read the 35 reports and all 258 sources", "library?"),
    ]:
        assert found[label] == page


def test_overview_map_says_which_circle_is_drawn_beside_its_place(catalog):
    at = open_page(script("overview"))
    shown = [c.value for c in at.columns[1].children.values() if getattr(c, "type", "") == "caption"]
    points = sites_map.site_points(catalog, list(catalog.sites["id"]))
    assert shown == [text.escape_markdown(sites_map.moved_sentence(map_layout.layout_map(points, 320).marks))]
    assert shown[0].startswith("Pittsburgh is drawn beside its place")


def test_overview_links_carry_only_their_own_parameters():
    # The filters are bound to the URL in app.py and travel with every page change by themselves:
    # a link that added them again would repeat them (the browser suite follows links for real).
    at = open_page(script("overview"), role="learning", themes="youth")
    found = page_links(at)
    assert found["See the sites on a map"] == "map?"
    assert found["Read about Cleveland"] == "site?site=Cleveland"
    assert len(deck_layers(at)["sites"]["data"]) == 4


LONG_NAME = "Pittsburgh" + " and its neighbouring boroughs" * 3  # too long to fit on a phone's map


@pytest.mark.parametrize("key", ["map", "overview"])
def test_a_site_whose_name_does_not_fit_is_linked_right_under_the_map(tmp_path, monkeypatch, key):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    sites = data / "sites.yaml"
    sites.write_text(sites.read_text(encoding="utf-8").replace("name: Pittsburgh\n", f"name: {LONG_NAME}\n", 1), encoding="utf-8")
    monkeypatch.setenv("CTDC_DATA_DIR", str(data))
    at = open_page(script(key))
    column = at.columns[0] if key == "map" else at.columns[1]  # the Overview's map is on the right
    kinds = [(getattr(e, "type", ""), getattr(e, "value", None)) for e in column.children.values()]
    caption = ("caption", "Not named on the map, so that names do not overlap:")
    assert caption in kinds
    after = [getattr(e, "proto", None) for e in list(column.children.values())[kinds.index(caption) + 1 :]]
    assert [(link.label, link.query_string) for link in after] == [
        (f"{LONG_NAME} (learning site)", urllib.parse.urlencode({"site": LONG_NAME}))
    ]
    assert LONG_NAME not in [row["name"] for row in deck_layers(at)["site-labels"]["data"]]


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
    assert label.startswith(r"\[Boston\]\(https\:")
    assert r"\*\*\$x\$\*\*" in label
    assert deck_layers(at)["sites"]["data"][0]["name"] == "[Boston](https://evil.example) **$x$**"
    assert all("](https://evil" not in c.value for c in at.caption)

"""Unit tests for the map builders: layers, points, sizes, colours, safe tooltips and the initial view."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import pydeck as pdk
import pytest

from dashboard import constants, filters, maps

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def spec(deck) -> dict:
    return json.loads(deck.to_json())


def layers_by_id(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in spec(deck)["layers"]}


@pytest.fixture(scope="module")
def outlines() -> dict:
    return maps.load_states_geojson()


@pytest.fixture(scope="module")
def all_points(catalog):
    return maps.site_points(catalog, list(catalog.sites["id"]))


def test_load_states_geojson_reads_the_shipped_outlines(outlines):
    assert outlines["type"] == "FeatureCollection"
    assert len(outlines["features"]) == 51


@pytest.mark.parametrize("content", [None, "{not json", '{"type": "Topology", "objects": {}}', "[]", "\xff\xfe"])
def test_load_states_geojson_missing_or_broken_gives_none(tmp_path, content):
    path = tmp_path / "us-states.geojson"
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    assert maps.load_states_geojson(path) is None


def test_deck_has_outlines_points_and_labels(all_points):
    deck = maps.sites_deck(all_points, constants.STATES_GEOJSON_URL, basemap=False)
    layers = spec(deck)["layers"]
    assert [(layer["@@type"], layer["id"]) for layer in layers] == [
        ("GeoJsonLayer", maps.STATES_LAYER_ID),
        ("ScatterplotLayer", maps.SITES_LAYER_ID),
        ("TextLayer", maps.LABELS_LAYER_ID),
    ]
    states, sites, _ = layers
    assert states["data"] == "app/static/us-states.geojson" and states["pickable"] is False  # fetched by the browser
    assert states["lineWidthMinPixels"] == 1 and states["getFillColor"][3] < 64  # thin lines, faint fill
    assert sites["pickable"] is True
    assert sites["radiusUnits"] == "pixels" and sites["getRadius"] == "@@=radius"


def test_deck_without_outlines_still_draws_the_sites(all_points):
    layers = layers_by_id(maps.sites_deck(all_points, None, basemap=False))
    assert list(layers) == [maps.SITES_LAYER_ID, maps.LABELS_LAYER_ID]
    assert len(layers[maps.SITES_LAYER_ID]["data"]) == 7


def test_no_tiles_without_basemap_and_theme_tiles_with_it(all_points):
    offline = spec(maps.sites_deck(all_points, constants.STATES_GEOJSON_URL, basemap=False))
    assert "mapProvider" not in offline
    assert offline["mapStyle"] == "__MAP_STYLE__"  # Streamlit's marker for "no basemap"
    online = spec(maps.sites_deck(all_points, constants.STATES_GEOJSON_URL, basemap=True))
    assert online["mapProvider"] == "carto"
    assert "mapStyle" not in online  # Streamlit picks the tiles that match the app theme


def test_spec_is_compact_and_small_without_the_outlines_inline(all_points):
    text = maps.sites_deck(all_points, constants.STATES_GEOJSON_URL, basemap=False).to_json()
    assert "\n" not in text
    assert len(text) < 8_000


def test_points_for_all_sites(catalog, all_points):
    assert len(all_points) == 7
    assert list(all_points["id"]) == list(catalog.sites["id"])
    assert set(all_points.columns) >= {
        "id",
        "name",
        "role",
        "role_label",
        "grant_usd",
        "grant_text",
        "lat",
        "lon",
        "radius",
        "color",
    }
    boston = all_points.set_index("id").loc["boston"]
    assert boston["name"] == "Boston"
    assert boston["role_label"] == "Implementation site"
    assert boston["grant_text"] == "$200,000"
    assert (boston["lat"], boston["lon"]) == (42.3603, -71.058)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (filters.Filters(role="learning"), {"cleveland", "pittsburgh", "san-antonio", "seattle-king-county"}),
        (filters.Filters(role="implementation"), {"boston", "st-louis", "washington-dc"}),
        (filters.Filters(sites=("boston", "cleveland")), {"boston", "cleveland"}),
        (filters.Filters(sites=("boston",), role="learning"), set()),
    ],
)
def test_points_follow_the_filters(catalog, view, expected):
    points = maps.site_points(catalog, filters.selected_site_ids(catalog, view))
    assert set(points["id"]) == expected
    layers = layers_by_id(maps.sites_deck(points, None, basemap=False))
    assert {row["id"] for row in layers[maps.SITES_LAYER_ID]["data"]} == expected


def test_radius_grows_with_grant_on_a_square_root_scale(all_points):
    ordered = all_points.sort_values("grant_usd")
    assert ordered["radius"].is_monotonic_increasing
    big = all_points[all_points["grant_usd"] == 200_000]["radius"]
    small = all_points[all_points["grant_usd"] == 10_000]["radius"]
    assert big.min() > small.max() >= maps.MIN_RADIUS_PX
    assert maps.point_radius(200_000, 200_000) == maps.MAX_RADIUS_PX
    assert maps.point_radius(50_000, 200_000) == pytest.approx(maps.MAX_RADIUS_PX / 2)
    assert maps.point_radius(0, 200_000) == maps.MIN_RADIUS_PX
    radii = [maps.point_radius(g, 1_000_000) for g in (1, 10_000, 100_000, 250_000, 1_000_000)]
    assert radii == sorted(radii)


def test_colours_follow_role(all_points):
    for row in all_points.itertuples():
        assert row.color[:3] == maps.rgb(constants.ROLE_COLORS[row.role])
        assert 0 < row.color[3] <= 255


def test_tooltip_is_plain_text_and_hostile_names_stay_inert(catalog):
    sites = catalog.sites.copy()
    sites.loc[sites["id"] == "boston", "name"] = HOSTILE
    hostile = dataclasses.replace(catalog, sites=sites)
    points = maps.site_points(hostile, ["boston", "cleveland"])
    deck = maps.sites_deck(points, None, basemap=False)
    # The tooltip is a "text" template: deck.gl sets it as text, so markup in a name is shown, never run.
    assert set(deck._tooltip) == {"text"}
    fields = re.findall(r"{(\w+)}", deck._tooltip["text"])
    assert fields and set(fields) <= set(points.columns)
    assert points.set_index("id").loc["boston", "name"] == HOSTILE
    # The description is HTML in pydeck's own export, so it is escaped there.
    assert "<script>" not in deck.description and "&lt;script&gt;" in deck.description
    assert HOSTILE in maps.describe_map(points)


def test_view_is_the_lower_48_not_the_outlines_extent():
    view = maps.lower48_view(520)
    assert 36 < view.latitude < 40
    assert -100 < view.longitude < -92
    west, south, east, north = maps.LOWER_48
    world = maps.TILE_PX * 2**view.zoom
    assert (east - west) / 360 * world <= maps.NARROWEST_MAP_PX
    assert world * (maps._mercator_y(north) - maps._mercator_y(south)) / (2 * math.pi) <= 520
    assert 1.5 < view.zoom < 3  # the whole country, not the globe the Aleutians would ask for


def test_labels_fit_the_narrowest_screen_and_report_what_is_left_off(all_points):
    view = maps.lower48_view(440)
    labels = maps.place_labels(all_points, view)
    assert len(labels) >= 5
    assert set(labels["anchor"]) <= {"start", "end", "middle"}
    centre_x, _ = maps._screen_xy(view.longitude, view.latitude, view.zoom)
    for row in labels.itertuples():
        x, _ = maps._screen_xy(row.lon, row.lat, view.zoom)
        width = len(row.name) * maps.LABEL_CHAR_PX
        left = {"start": x + row.offset[0], "end": x + row.offset[0] - width, "middle": x - width / 2}[row.anchor]
        assert centre_x - maps.NARROWEST_MAP_PX / 2 <= left and left + width <= centre_x + maps.NARROWEST_MAP_PX / 2
    names = set(labels["name"])
    assert maps.unlabelled_sites(all_points, 440) == [n for n in all_points["name"] if n not in names]
    roomy = maps.place_labels(all_points, pdk.ViewState(latitude=39, longitude=-95, zoom=5), width=6000)
    assert len(roomy) == 7  # zoomed in, every site is named


def test_colliding_labels_keep_the_bigger_grant(catalog):
    sites = catalog.sites.copy()
    sites.loc[sites["id"] == "cleveland", ["lat", "lon"]] = [42.3603, -71.058]  # on top of Boston
    points = maps.site_points(dataclasses.replace(catalog, sites=sites), ["boston", "cleveland"])
    labels = maps.place_labels(points, maps.lower48_view(440))
    assert list(labels["name"]) == ["Boston"]


def test_legend_names_the_colours_and_the_size(all_points):
    lines = maps.legend_lines(all_points)
    assert lines[0].startswith("Blue circles: implementation sites (3 shown")
    assert lines[1].startswith("Orange circles: learning sites (4 shown")
    assert "$10,000" in lines[1] and "square-root" in lines[2]
    assert maps.legend_lines(all_points.iloc[0:0]) == []


def test_legend_markdown_adds_unlabelled_sites_and_how_to_move(all_points):
    markdown = maps.legend_markdown(all_points, 440)
    blocks = markdown.split("\n\n")
    assert blocks[0] == "**How to read the map**" and blocks[1].count("\n- ") == len(maps.legend_lines(all_points)) - 1
    unlabelled = maps.unlabelled_sites(all_points, 440)
    assert ("Not labelled at this zoom" in markdown) == bool(unlabelled)
    assert blocks[-1] == "*Grey lines are state borders. Drag to pan; scroll or pinch to zoom.*"
    assert maps.legend_markdown(all_points.iloc[0:0], 440) == ""


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"indices": {"sites": [1]}, "objects": {"sites": [{"id": "st-louis"}]}}, "st-louis"),
        ({"indices": {}, "objects": {}}, None),
        ({"objects": {"sites": [{"id": "atlantis"}]}}, None),
        ({"objects": {"sites": [{"id": ["boston"]}]}}, None),
        ({"objects": {"sites": "boston"}}, None),
        (None, None),
    ],
)
def test_picked_site_id_only_returns_known_sites(catalog, selection, expected):
    assert maps.picked_site_id(selection, list(catalog.sites["id"])) == expected


def test_table_alternative_lists_the_same_sites(all_points):
    table = maps.sites_table(all_points)
    assert list(table.columns) == ["Site", "State", "Role", "Grant (USD)", "Landmark", "Latitude", "Longitude"]
    assert list(table["Site"]) == list(all_points["name"])
    assert table.set_index("Site").loc["Boston", "Grant (USD)"] == 200_000


def test_description_counts_the_sites(all_points):
    text = maps.describe_map(all_points)
    assert "7 CTDC site(s)" in text and "Seattle / King County" in text
    assert "no sites match" in maps.describe_map(all_points.iloc[0:0])


def test_sites_table_markdown_is_an_escaped_table_of_every_site(all_points):
    lines = maps.sites_table_markdown(all_points).splitlines()
    assert lines[0] == "| Site | Role | Grant |" and len(lines) == 2 + len(all_points)
    assert lines[2] == "| Boston (MA) | Implementation | \\$200,000 |"
    assert lines[-1] == "| Seattle / King County (WA) | Learning | \\$10,000 |"
    assert all(line.count(" | ") == 2 for line in lines[2:])  # a "|" in the data would be escaped, not a new cell
    assert maps.sites_table_markdown(all_points.iloc[0:0]) == "No site matches the current filters."


def test_key_sentence_names_the_role_colours():
    assert maps.key_sentence() == (
        "Blue circles are implementation sites, orange circles learning sites; bigger circles mean bigger grants."
    )

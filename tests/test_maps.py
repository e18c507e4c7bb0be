"""Unit tests for the map builders: layers, points, sizes, colours, safe tooltips, the fitted view, circles
that stay separate tap targets and names that stay clear."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import pytest

from dashboard import constants
from dashboard.charts import geometry, labels
from dashboard.state import filters
from dashboard.views import map_layout, sites_map

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def spec(deck) -> dict:
    return json.loads(deck.to_json())


def layers_by_id(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in spec(deck)["layers"]}


@pytest.fixture(scope="module")
def outlines() -> dict:
    return sites_map.load_states_geojson()


@pytest.fixture(scope="module")
def all_points(catalog):
    return sites_map.site_points(catalog, list(catalog.sites["id"]))


@pytest.fixture(scope="module")
def layout(all_points) -> map_layout.MapLayout:
    return map_layout.layout_map(all_points, 440)


def deck_for(points, outlines_url=None, *, basemap=False, max_height=440):
    return sites_map.sites_deck(map_layout.layout_map(points, max_height), outlines_url, basemap=basemap)


def points_for(catalog, view: filters.Filters):
    return sites_map.site_points(catalog, filters.selected_site_ids(catalog, view))


def test_load_states_geojson_reads_the_shipped_outlines(outlines):
    assert outlines["type"] == "FeatureCollection"
    assert len(outlines["features"]) == 49  # the contiguous states and DC


@pytest.mark.parametrize("content", [None, "{not json", '{"type": "Topology", "objects": {}}', "[]", "\xff\xfe"])
def test_load_states_geojson_missing_or_broken_gives_none(tmp_path, content):
    path = tmp_path / "us-states.geojson"
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    assert sites_map.load_states_geojson(path) is None


def test_deck_has_outlines_points_lines_to_moved_places_and_labels(layout):
    deck = sites_map.sites_deck(layout, constants.STATES_GEOJSON_URL, basemap=False)
    layers = spec(deck)["layers"]
    assert [(layer["@@type"], layer["id"]) for layer in layers] == [
        ("GeoJsonLayer", sites_map.STATES_LAYER_ID),
        ("ScatterplotLayer", sites_map.SITES_LAYER_ID),
        ("LineLayer", sites_map.LEADERS_LAYER_ID),
        ("ScatterplotLayer", sites_map.PLACES_LAYER_ID),
        ("TextLayer", sites_map.LABELS_LAYER_ID),
    ]
    states, sites, leaders, places, names = layers
    assert states["data"] == "app/static/us-states.geojson"
    assert states["pickable"] is False
    assert states["lineWidthMinPixels"] == 1
    assert states["getFillColor"][3] < 64
    assert sites["pickable"] is True
    assert sites["getPosition"] == "@@=[mark_lon, mark_lat]"
    assert sites["radiusUnits"] == "pixels"
    assert sites["getRadius"] == "@@=radius"
    assert not any(layer["pickable"] for layer in (leaders, places, names))  # only the circles answer a tap
    moved = set(layout.marks.loc[layout.marks["moved"], "id"])
    assert moved
    assert {row["id"] for row in leaders["data"]} == moved == {row["id"] for row in places["data"]}
    assert len(names["data"]) == 7


def test_deck_without_outlines_or_moved_circles_has_only_sites_and_labels(catalog):
    layers = layers_by_id(deck_for(points_for(catalog, filters.Filters(role="implementation"))))
    assert list(layers) == [sites_map.SITES_LAYER_ID, sites_map.LABELS_LAYER_ID]
    assert len(layers[sites_map.SITES_LAYER_ID]["data"]) == 3


def test_no_tiles_without_basemap_and_theme_tiles_with_it(layout):
    offline = spec(sites_map.sites_deck(layout, constants.STATES_GEOJSON_URL, basemap=False))
    assert "mapProvider" not in offline
    assert offline["mapStyle"] == "__MAP_STYLE__"  # Streamlit's marker for "no basemap"
    online = spec(sites_map.sites_deck(layout, constants.STATES_GEOJSON_URL, basemap=True))
    assert online["mapProvider"] == "carto"
    assert "mapStyle" not in online  # Streamlit picks the tiles that match the app theme


def test_spec_is_compact_and_small_without_the_outlines_inline(layout):
    text = sites_map.sites_deck(layout, constants.STATES_GEOJSON_URL, basemap=False).to_json()
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
    points = points_for(catalog, view)
    assert set(points["id"]) == expected
    layers = layers_by_id(deck_for(points))
    assert {row["id"] for row in layers[sites_map.SITES_LAYER_ID]["data"]} == expected


def test_radius_grows_with_grant_on_a_square_root_scale_above_a_tappable_minimum(all_points):
    assert sites_map.MIN_RADIUS_PX >= 12  # every circle at least 24 px across
    ordered = all_points.sort_values("grant_usd")
    assert ordered["radius"].is_monotonic_increasing
    big = all_points[all_points["grant_usd"] == 200_000]["radius"]
    small = all_points[all_points["grant_usd"] == 10_000]["radius"]
    assert big.min() > small.max() == sites_map.MIN_RADIUS_PX
    # $10,000 asks for 18 * sqrt(1/20) = 4 px: raised to the minimum, and flagged so the legend says so
    assert set(all_points.loc[all_points["raised"], "grant_usd"]) == {10_000}
    assert sites_map.point_radius(200_000, 200_000) == sites_map.MAX_RADIUS_PX
    assert sites_map.point_radius(128_000, 200_000) == pytest.approx(sites_map.MAX_RADIUS_PX * 0.8)
    assert sites_map.point_radius(50_000, 200_000) == sites_map.MIN_RADIUS_PX  # 9 px asked, 12 drawn
    assert sites_map.point_radius(0, 200_000) == sites_map.MIN_RADIUS_PX
    radii = [sites_map.point_radius(g, 1_000_000) for g in (1, 10_000, 100_000, 250_000, 1_000_000)]
    assert radii == sorted(radii)


def test_colours_follow_role(all_points):
    for row in all_points.itertuples():
        assert row.color[:3] == sites_map.rgb(constants.ROLE_COLORS[row.role])
        assert 0 < row.color[3] <= 255


def test_tooltip_is_plain_text_and_hostile_names_stay_inert(catalog):
    sites = catalog.sites.copy()
    sites.loc[sites["id"] == "boston", "name"] = HOSTILE
    hostile = catalog.replaced(sites=sites)
    points = sites_map.site_points(hostile, ["boston", "cleveland"])
    deck = deck_for(points)
    # The tooltip is a "text" template: deck.gl sets it as text, so markup in a name is shown, never run.
    assert set(deck._tooltip) == {"text", "style"}
    fields = re.findall(r"{(\w+)}", deck._tooltip["text"])
    assert fields
    assert set(fields) <= set(layers_by_id(deck)[sites_map.SITES_LAYER_ID]["data"][0])
    assert len(deck._tooltip["text"].splitlines()) == 2  # short: the name, then role and grant
    assert points.set_index("id").loc["boston", "name"] == HOSTILE
    # The description is HTML in pydeck's own export, so it is escaped there.
    assert "<script>" not in deck.description
    assert "&lt;script&gt;" in deck.description
    assert HOSTILE in sites_map.describe_map(points)


FILTER_VIEWS = [
    filters.Filters(),
    filters.Filters(role="implementation"),
    filters.Filters(role="learning"),
    *(filters.Filters(sites=(site_id,)) for site_id in ("boston", "pittsburgh", "seattle-king-county")),
    filters.Filters(sites=("cleveland", "pittsburgh")),
]
FILTER_IDS = ["all", "implementation", "learning", "boston", "pittsburgh", "seattle", "cleveland+pittsburgh"]
PAGE_HEIGHTS = [440, 320]  # the Map page's and the Overview's most


def frame_positions(layout, points) -> list[tuple[float, float]]:
    return [geometry.frame_xy(row.lon, row.lat, layout.view, layout.width, layout.height) for row in points.itertuples()]


def label_box(layout, label) -> tuple[float, float, float, float]:
    return (label.left, label.top, label.right, label.bottom)


def test_all_sites_fill_the_narrowest_map_and_the_lower_48_fit_a_desktop_column(layout, all_points):
    assert layout.width == geometry.NARROWEST_MAP_PX == 358
    xs, ys = zip(*frame_positions(layout, all_points))
    pad = geometry.FRAME_PAD_PX
    assert pad - 0.5 <= min(xs)
    assert max(xs) <= layout.width - pad + 0.5
    assert pad - 0.5 <= min(ys)
    assert max(ys) <= layout.height - pad + 0.5
    assert max(xs) - min(xs) >= layout.width - 2 * pad - 4  # fitted to the sites' extent, not to a fixed box
    # the map is as tall as the sites need (not the 440 px most), so they fill it on a phone
    assert layout.height == geometry.MIN_MAP_HEIGHT_PX < 440
    assert 1.5 < layout.view.zoom < 3  # the whole country
    # on a 476 px desktop column the same view shows the whole lower 48
    west, south, east, north = geometry.LOWER_48
    assert 0 <= geometry.frame_xy(west, north, layout.view, 476, layout.height)[0]
    assert geometry.frame_xy(east, south, layout.view, 476, layout.height)[0] <= 476


@pytest.mark.parametrize("max_height", PAGE_HEIGHTS)
@pytest.mark.parametrize("view", FILTER_VIEWS, ids=FILTER_IDS)
def test_view_follows_the_filters_and_keeps_every_site_in_the_map(catalog, view, max_height):
    points = points_for(catalog, view)
    layout = map_layout.layout_map(points, max_height)
    assert geometry.MIN_MAP_HEIGHT_PX <= layout.height <= max_height
    for x, y in frame_positions(layout, points):
        assert geometry.FRAME_PAD_PX - 0.5 <= x <= layout.width - geometry.FRAME_PAD_PX + 0.5
        assert geometry.FRAME_PAD_PX - 0.5 <= y <= layout.height - geometry.FRAME_PAD_PX + 0.5
    all_sites = map_layout.layout_map(points_for(catalog, filters.Filters()), max_height)
    assert layout.view.zoom >= all_sites.view.zoom  # fewer sites never zoom out
    # never closer than MIN_SPAN_DEG across, so one site is not shown at street level
    left_lon = geometry.frame_lonlat(0, 0, layout.view, layout.width, layout.height)[0]
    right_lon = geometry.frame_lonlat(layout.width, 0, layout.view, layout.width, layout.height)[0]
    assert right_lon - left_lon >= geometry.MIN_SPAN_DEG


def test_fewer_sites_zoom_in_around_them(catalog, layout):
    east = map_layout.layout_map(points_for(catalog, filters.Filters(role="implementation")), 440)
    assert east.view.zoom > layout.view.zoom + 1
    assert -90 < east.view.longitude < -71
    assert 38 < east.view.latitude < 43
    boston = map_layout.layout_map(points_for(catalog, filters.Filters(sites=("boston",))), 440)
    assert (boston.view.latitude, boston.view.longitude) == pytest.approx((42.3603, -71.058), abs=1e-3)
    assert boston.view.zoom < geometry.MAX_ZOOM


def test_no_site_shows_the_lower_48(all_points):
    layout = map_layout.layout_map(all_points.iloc[0:0], 440)
    west, south, east, north = geometry.LOWER_48
    for lon, lat in [(west, north), (east, south)]:
        x, y = geometry.frame_xy(lon, lat, layout.view, layout.width, layout.height)
        assert 0 <= x <= layout.width
        assert 0 <= y <= layout.height
    assert layout.marks.empty
    assert layout.labels.empty
    assert layout.unlabelled() == []


def test_frame_positions_and_coordinates_are_inverse(layout):
    for lon, lat in [(-71.058, 42.3603), (-122.3, 47.6), (-98.5, 29.4)]:
        x, y = geometry.frame_xy(lon, lat, layout.view, layout.width, layout.height)
        assert geometry.frame_lonlat(x, y, layout.view, layout.width, layout.height) == pytest.approx((lon, lat), abs=1e-9)
    assert geometry.frame_xy(layout.view.longitude, layout.view.latitude, layout.view, 358, 260) == pytest.approx((179, 130))


def assert_separate_tap_targets(layout) -> None:
    """Every circle at least 24 px across, inside the map and clear of every other circle."""
    marks = list(layout.marks.itertuples())
    for mark in marks:
        assert mark.radius >= 12, mark.id
        assert mark.radius <= mark.x <= layout.width - mark.radius
        assert mark.radius <= mark.y <= layout.height - mark.radius
    for a, b in itertools.combinations(marks, 2):
        assert math.hypot(a.x - b.x, a.y - b.y) >= a.radius + b.radius + map_layout.MARK_GAP_PX - 1e-9, (a.id, b.id)


@pytest.mark.parametrize("max_height", PAGE_HEIGHTS)
@pytest.mark.parametrize("view", FILTER_VIEWS, ids=FILTER_IDS)
def test_every_circle_is_a_separate_tap_target(catalog, view, max_height):
    assert_separate_tap_targets(map_layout.layout_map(points_for(catalog, view), max_height))


def test_a_crowded_circle_moves_aside_and_keeps_its_place(layout, catalog):
    marks = layout.marks.set_index("id")
    assert list(marks.index[marks["moved"]]) == ["pittsburgh"]  # between Cleveland and Washington, DC
    assert not marks.loc[["boston", "st-louis", "washington-dc"], "moved"].any()  # bigger grants stay on their places
    pittsburgh = marks.loc["pittsburgh"]
    site = catalog.sites.set_index("id").loc["pittsburgh"]
    assert (pittsburgh["lon"], pittsburgh["lat"]) == (site["lon"], site["lat"])  # the place itself is kept (and dotted)
    shift = math.hypot(pittsburgh["x"] - pittsburgh["place_x"], pittsburgh["y"] - pittsburgh["place_y"])
    assert 0 < shift <= map_layout.MAX_SHIFT_PX
    drawn = geometry.frame_xy(pittsburgh["mark_lon"], pittsburgh["mark_lat"], layout.view, layout.width, layout.height)
    assert drawn == pytest.approx((pittsburgh["x"], pittsburgh["y"]), abs=0.05)


def test_sites_on_the_same_spot_are_drawn_apart(catalog):
    sites = catalog.sites.copy()
    sites.loc[sites["id"] == "cleveland", ["lat", "lon"]] = [42.3603, -71.058]  # on top of Boston
    points = sites_map.site_points(catalog.replaced(sites=sites), ["boston", "cleveland"])
    layout = map_layout.layout_map(points, 440)
    assert_separate_tap_targets(layout)
    assert dict(zip(layout.marks["id"], layout.marks["moved"])) == {"boston": False, "cleveland": True}
    assert list(layout.labels["name"]) == ["Boston", "Cleveland"]


def assert_labels_clear(layout) -> None:
    """Every name inside the map, off every circle and place dot, and clear of every other name."""
    boxes = [label_box(layout, label) for label in layout.labels.itertuples()]
    for box in boxes:
        assert 0 <= box[0]
        assert box[2] <= layout.width
        assert 0 <= box[1]
        assert box[3] <= layout.height
        for mark in layout.marks.itertuples():
            assert not labels.hits_circle(box, mark.x, mark.y, mark.radius)
            if mark.moved:
                assert not labels.hits_circle(box, mark.place_x, mark.place_y, map_layout.PLACE_DOT_PX)
    for a, b in itertools.combinations(boxes, 2):
        assert not labels.overlaps(a, b)


@pytest.mark.parametrize("max_height", PAGE_HEIGHTS)
def test_every_site_is_named_on_the_map_and_the_overview(all_points, max_height):
    layout = map_layout.layout_map(all_points, max_height)
    assert layout.unlabelled() == []
    assert list(layout.labels["name"]) == list(all_points["name"])  # Pittsburgh included
    assert set(layout.labels["anchor"]) <= {"start", "end", "middle"}
    assert set(layout.labels["baseline"]) <= {"top", "center", "bottom"}
    assert_labels_clear(layout)


@pytest.mark.parametrize("view", FILTER_VIEWS, ids=FILTER_IDS)
def test_labels_stay_clear_in_every_filtered_view(catalog, view):
    layout = map_layout.layout_map(points_for(catalog, view), 440)
    assert_labels_clear(layout)
    assert sorted([*layout.labels["id"], *layout.unlabelled()]) == sorted(layout.marks["id"])


def test_names_that_do_not_fit_are_reported_as_unlabelled(all_points):
    narrow = map_layout.layout_map(all_points, 440, width=150)  # far too narrow for seven names
    unlabelled = narrow.unlabelled()
    assert unlabelled
    assert set(unlabelled).isdisjoint(narrow.labels["id"])
    assert sorted([*narrow.labels["id"], *unlabelled]) == sorted(all_points["id"])
    assert_labels_clear(narrow)


def test_tooltip_is_pinned_inside_the_map_in_its_emptiest_corner(layout, catalog):
    tip = sites_map.tooltip(layout)
    assert tip["text"] == "{name}\n{role_label}, grant {grant_text}"
    style = tip["style"]
    assert style["transform"] == "none"  # overrides deck.gl's position at the pointer
    assert style["maxWidth"] == "calc(100% - 16px)"  # never wider than the map
    corner = sites_map.tooltip_corner(layout)
    vertical, horizontal = corner.split("-")
    assert style[vertical] == style[horizontal] == "8px"
    assert {style[side] for side in ("top", "bottom", "left", "right") if side not in (vertical, horizontal)} == {"auto"}
    # Seattle's circle and name fill the top-left corner; San Antonio sits at the bottom, left of centre
    assert corner not in ("top-left", "bottom-left")
    alone = map_layout.layout_map(points_for(catalog, filters.Filters(sites=("st-louis",))), 440)
    assert sites_map.tooltip_corner(alone) == "bottom-left"  # one centred site leaves every corner free: the first


def test_legend_names_the_colours_the_minimum_size_and_the_moved_circle(layout):
    lines = sites_map.legend_lines(layout)
    assert lines[0].startswith("Blue circles: implementation sites (3 shown")
    assert lines[1].startswith("Orange circles: learning sites (4 shown")
    assert "$10,000" in lines[1]
    assert "square-root" in lines[2]
    assert "minimum size so that every site can be tapped" in lines[2]
    assert "the $10,000 circles are drawn larger than their share" in lines[2]
    assert lines[3] == (
        "Pittsburgh is drawn beside its place so that circles do not overlap; a line joins it to a dot on its place."
    )
    assert sites_map.legend_lines(map_layout.layout_map(layout.marks.iloc[0:0], 440)) == []


def test_moved_sentence_names_every_moved_circle(layout):
    marks = layout.marks.copy()
    assert sites_map.moved_sentence(marks).startswith("Pittsburgh is drawn beside its place")
    marks["moved"] = marks["id"].isin(["boston", "cleveland", "pittsburgh"])
    assert sites_map.moved_sentence(marks) == (
        "Boston, Cleveland and Pittsburgh are drawn beside their places so that circles do not overlap; "
        "a line joins each to a dot on its place."
    )
    marks["moved"] = False
    assert sites_map.moved_sentence(marks) == ""


def test_legend_without_raised_or_moved_circles_says_neither(catalog):
    lines = sites_map.legend_lines(map_layout.layout_map(points_for(catalog, filters.Filters(role="implementation")), 440))
    assert "drawn larger" not in " ".join(lines)
    assert "drawn beside" not in " ".join(lines)
    assert "minimum size" in lines[1]


def test_legend_markdown_is_the_key_and_how_to_move(layout):
    markdown = sites_map.legend_markdown(layout)
    blocks = markdown.split("\n\n")
    assert blocks[0] == "**How to read the map**"
    assert blocks[1].count("\n- ") == len(sites_map.legend_lines(layout)) - 1
    assert "\\$10,000" in blocks[1]  # escaped Markdown
    assert blocks[-1] == "*Grey lines are state borders. Drag to pan; scroll or pinch to zoom.*"
    assert sites_map.legend_markdown(map_layout.layout_map(layout.marks.iloc[0:0], 440)) == ""


def test_map_view_carries_the_fitted_height_and_the_unlabelled_sites(catalog):
    view = sites_map.map_view(catalog, filters.Filters(), height=440)
    assert view.height == map_layout.layout_map(points_for(catalog, filters.Filters()), 440).height
    assert view.unlabelled == ()
    assert view.moved_note == sites_map.moved_sentence(map_layout.layout_map(points_for(catalog, filters.Filters()), 440).marks)
    assert [site_id for site_id, _, _ in view.sites] == list(catalog.sites["id"])
    assert "Pittsburgh" in view.legend_markdown
    assert "Blue circles" in view.legend_markdown


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
    assert sites_map.picked_site_id({"selection": selection}, list(catalog.sites["id"])) == expected
    assert sites_map.picked_site_id(selection, list(catalog.sites["id"])) is None  # not an event state


def test_table_alternative_lists_the_same_sites(all_points):
    table = sites_map.sites_table(all_points)
    assert list(table.columns) == ["Site", "State", "Role", "Grant (USD)", "Landmark", "Latitude", "Longitude"]
    assert list(table["Site"]) == list(all_points["name"])
    assert table.set_index("Site").loc["Boston", "Grant (USD)"] == 200_000


def test_description_counts_the_sites(all_points):
    text = sites_map.describe_map(all_points)
    assert "7 CTDC site(s)" in text
    assert "Seattle / King County" in text
    assert "no sites match" in sites_map.describe_map(all_points.iloc[0:0])


def test_sites_table_markdown_is_an_escaped_table_of_every_site(all_points):
    lines = sites_map.sites_table_markdown(all_points).splitlines()
    assert lines[0] == "| Site | Role | Grant |"
    assert len(lines) == 2 + len(all_points)
    assert lines[2] == "| Boston (MA) | Implementation | \\$200,000 |"
    assert lines[-1] == "| Seattle / King County (WA) | Learning | \\$10,000 |"
    assert all(line.count(" | ") == 2 for line in lines[2:])  # a "|" in the data would be escaped, not a new cell
    assert sites_map.sites_table_markdown(all_points.iloc[0:0]) == "No site matches the current filters."


def test_key_sentence_names_the_role_colours():
    assert sites_map.key_sentence() == (
        "Blue circles are implementation sites, orange circles learning sites; bigger circles mean bigger grants, "
        "and every circle has a minimum size so it can be tapped."
    )

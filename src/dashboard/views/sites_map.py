"""Pure map builders: the sites as points over US state outlines, drawn with pydeck.

The state outlines ship with the app (``static/``) and the browser fetches them from the app itself,
so the map reads with no network; basemap tiles are an optional extra. Nothing here draws with
Streamlit; ``map_view`` is cached with its cache.
"""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.schema import ROLES
from dashboard.data.text import escape_markdown
from dashboard.data.values import format_usd
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache

STATES_LAYER_ID = "states"
SITES_LAYER_ID = "sites"
LABELS_LAYER_ID = "site-labels"
LEADERS_LAYER_ID = "site-leaders"
PLACES_LAYER_ID = "site-places"

# The lower 48 states (west, south, east, north), in degrees: the view when no site is shown.
LOWER_48 = (-124.8, 24.4, -66.9, 49.4)
# The narrowest map we expect, in pixels: the page column on a phone held upright (a 390 px screen
# less Streamlit's padding). Streamlit stretches the map to its column, so Python never learns the
# real width: the view is fitted to this width, and wider screens show more around the same view.
NARROWEST_MAP_PX = 358
MIN_MAP_HEIGHT_PX = 260  # a fitted map is never shorter than this
FRAME_PAD_PX = 26  # room between the outermost circles and the edge of the map (a big circle and a margin)
MIN_SPAN_DEG = 8.0  # the narrowest span of longitude a fitted view shows, so one site is not zoomed to street level
MAX_ZOOM = 10
TILE_PX = 512  # deck.gl's world width at zoom 0, in pixels

MAX_RADIUS_PX = 18
MIN_RADIUS_PX = 12  # every circle is at least 24 px across: a target a thumb can tap
MARK_GAP_PX = 2  # the least space between two circles
MAX_SHIFT_PX = 160  # how far a circle may move off its place to avoid another
PLACE_DOT_PX = 3.5  # the dot that marks the place of a moved circle
POINT_ALPHA = 255  # opaque: the circles show the exact Okabe–Ito role colours
OUTLINE_GREY = [128, 128, 128, 200]
FILL_GREY = [128, 128, 128, 28]  # a faint grey reads on light and dark backgrounds alike
LEADER_GREY = [40, 40, 40, 255]
HIGHLIGHT = [0, 0, 0, 64]  # the circle under the pointer (or last tapped) darkens but keeps its role's hue
LABEL_TEXT = [33, 33, 33, 255]
LABEL_SIZE_PX = 13
LABEL_CHAR_PX = 7.5  # generous average glyph width at LABEL_SIZE_PX, for placing names
LABEL_LINE_PX = 16
LABEL_HALO = [255, 255, 255, 230]

# The tooltip is plain text (deck.gl sets it as text, never as HTML). deck.gl puts it at the pointer,
# where it can run off a phone's edge; its style is applied after that position, so "transform":
# "none" pins it to a corner of the map instead (``tooltip_corner`` picks the corner), and it wraps
# within the map's width.
TOOLTIP_TEXT = "{name}\n{role_label}, grant {grant_text}"
TOOLTIP_CHAR_PX = 7.8  # average glyph width at the tooltip's 14 px font
TOOLTIP_LINES_PX = 46  # two lines and the padding
TOOLTIP_MARGIN_PX = 8
TOOLTIP_STYLE = {
    "transform": "none",
    "maxWidth": f"calc(100% - {2 * TOOLTIP_MARGIN_PX}px)",
    "boxSizing": "border-box",
    "padding": "4px 8px",
    "borderRadius": "4px",
    "fontSize": "14px",
    "lineHeight": "1.35",
    "color": "#ffffff",
    "backgroundColor": "#29323c",
}
CORNERS = ("bottom-left", "bottom-right", "top-left", "top-right")  # in order of preference


def rgb(hex_color: str) -> list[int]:
    """``#RRGGBB`` as ``[r, g, b]`` (pydeck takes colours as lists)."""
    return [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]


def load_states_geojson(path: str | os.PathLike[str] = C.STATES_GEOJSON) -> dict | None:
    """The state outlines the app serves, or None when the file is missing or broken."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        return None
    return data


def states_layer(url: str) -> pdk.Layer:
    """Thin grey state outlines with a faint fill, readable in light and dark theme. The browser fetches
    the GeoJSON from ``url`` once and caches it, so it does not travel with every rerun."""
    return pdk.Layer(
        "GeoJsonLayer",
        data=url,
        id=STATES_LAYER_ID,
        stroked=True,
        filled=True,
        get_fill_color=FILL_GREY,
        get_line_color=OUTLINE_GREY,
        line_width_min_pixels=1,
        pickable=False,
    )


def _scaled_radius(grant_usd: float, max_grant: float) -> float:
    """The radius the grant alone asks for: area in proportion to it (a square-root scale)."""
    if max_grant <= 0 or not grant_usd or grant_usd <= 0:
        return 0.0
    return MAX_RADIUS_PX * math.sqrt(grant_usd / max_grant)


def point_radius(grant_usd: float, max_grant: float) -> float:
    """Point radius in pixels: area in proportion to the grant (a square-root scale), never below
    ``MIN_RADIUS_PX`` so that every circle can be tapped."""
    return round(max(MIN_RADIUS_PX, _scaled_radius(grant_usd, max_grant)), 2)


def site_points(catalog: Catalog, site_ids: list[str]) -> pd.DataFrame:
    """One row per site in ``site_ids`` (catalog order) with position, size (``radius``; ``raised`` when the
    minimum size draws the circle larger than its grant asks), colour and tooltip text.

    Tooltip fields are plain text: the map shows them as text, never as HTML.
    """
    sites = catalog.sites[catalog.sites["id"].isin(set(site_ids))]
    max_grant = float(catalog.sites["grant_usd"].max()) if len(catalog.sites) else 0.0
    points = pd.DataFrame(
        {
            "id": sites["id"],
            "name": sites["name"],
            "state": sites["state"],
            "role": sites["role"],
            "role_label": sites["role"].map(lambda r: C.ROLE_LABELS.get(r, r)),
            "grant_usd": sites["grant_usd"],
            "grant_text": sites["grant_usd"].map(format_usd),
            "landmark": sites["landmark"],
            "lat": sites["lat"].astype(float),
            "lon": sites["lon"].astype(float),
            "radius": sites["grant_usd"].map(lambda g: point_radius(g, max_grant)),
            "raised": sites["grant_usd"].map(lambda g: _scaled_radius(g, max_grant) < MIN_RADIUS_PX),
            "color": sites["role"].map(lambda r: [*rgb(C.ROLE_COLORS.get(r, "#808080")), POINT_ALPHA]),
        }
    )
    return points.reset_index(drop=True)


def sites_table(points: pd.DataFrame) -> pd.DataFrame:
    """The map's text alternative: one row per site with its place, role, grant and coordinates."""
    return pd.DataFrame(
        {
            "Site": points["name"],
            "State": points["state"],
            "Role": points["role_label"],
            "Grant (USD)": points["grant_usd"],
            "Landmark": points["landmark"],
            "Latitude": points["lat"],
            "Longitude": points["lon"],
        }
    )


MAX_TABLE_ROWS = 50  # a longer table is cut, saying so: the CSV download has every site


def sites_table_markdown(points: pd.DataFrame) -> str:
    """The map's text alternative as a Markdown table narrow enough for a phone: site (with its
    state), role and grant. The CSV download adds the landmark and coordinates."""
    if points.empty:
        return "No site matches the current filters."
    rows = ["| Site | Role | Grant |", "|---|---|---:|"]
    rows += [
        f"| {escape_markdown(p['name'])} ({escape_markdown(p['state'])}) | {escape_markdown(p['role'].capitalize())} "
        f"| {escape_markdown(p['grant_text'])} |"
        for p in points.head(MAX_TABLE_ROWS).to_dict("records")
    ]
    cut = (
        f"\n\n*The first {MAX_TABLE_ROWS} of {len(points)} sites; the CSV lists every one.*"
        if len(points) > MAX_TABLE_ROWS
        else ""
    )
    return "\n".join(rows) + cut


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(mercator_y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(mercator_y)) - math.pi / 2)


def _world_xy(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position of a point at ``zoom``."""
    world = TILE_PX * 2**zoom
    return (lon + 180) / 360 * world, (math.pi - _mercator_y(lat)) / (2 * math.pi) * world


def fit_view(points: pd.DataFrame, max_height: int, width: int = NARROWEST_MAP_PX) -> tuple[pdk.ViewState, int]:
    """The initial view and the map height that fit the shown sites (the lower 48 states when there
    are none) in ``width`` pixels, at most ``max_height`` tall, with ``FRAME_PAD_PX`` around them.

    The zoom is the largest at which the sites' bounding box fits, never closer than a
    ``MIN_SPAN_DEG`` wide view; the height is what the box needs at that zoom, between
    ``MIN_MAP_HEIGHT_PX`` and ``max_height``, so that the sites fill the map rather than a third of it.
    """
    if points.empty:
        west, south, east, north = LOWER_48
    else:
        west, east = float(points["lon"].min()), float(points["lon"].max())
        south, north = float(points["lat"].min()), float(points["lat"].max())
    if east - west < MIN_SPAN_DEG:
        middle = (west + east) / 2
        west, east = middle - MIN_SPAN_DEG / 2, middle + MIN_SPAN_DEG / 2
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    zooms = [math.log2((width - 2 * FRAME_PAD_PX) * 360 / ((east - west) * TILE_PX)), float(MAX_ZOOM)]
    if y_north > y_south:
        zooms.append(math.log2(max(max_height - 2 * FRAME_PAD_PX, 1) * 2 * math.pi / ((y_north - y_south) * TILE_PX)))
    zoom = math.floor(min(zooms) * 100) / 100
    needed = (y_north - y_south) / (2 * math.pi) * TILE_PX * 2**zoom + 2 * FRAME_PAD_PX
    height = min(max_height, max(MIN_MAP_HEIGHT_PX, math.ceil(needed)))
    view = pdk.ViewState(
        latitude=round(_latitude((y_south + y_north) / 2), 4),
        longitude=round((west + east) / 2, 4),
        zoom=zoom,
        min_zoom=max(1.0, round(zoom - 1, 2)),
        max_zoom=MAX_ZOOM,
    )
    return view, height


def frame_xy(lon: float, lat: float, view: pdk.ViewState, width: int, height: int) -> tuple[float, float]:
    """Where a point falls in a ``width`` x ``height`` map showing ``view``, in pixels from its top-left corner."""
    centre_x, centre_y = _world_xy(view.longitude, view.latitude, view.zoom)
    x, y = _world_xy(lon, lat, view.zoom)
    return x - centre_x + width / 2, y - centre_y + height / 2


def frame_lonlat(x: float, y: float, view: pdk.ViewState, width: int, height: int) -> tuple[float, float]:
    """The longitude and latitude at pixel (``x``, ``y``) of the map: the inverse of ``frame_xy``."""
    world = TILE_PX * 2**view.zoom
    centre_x, centre_y = _world_xy(view.longitude, view.latitude, view.zoom)
    world_x, world_y = x - width / 2 + centre_x, y - height / 2 + centre_y
    return world_x / world * 360 - 180, _latitude(math.pi - world_y / world * 2 * math.pi)


Box = tuple[float, float, float, float]
LabelOption = tuple[str, str, list[float], Box]  # text anchor, baseline, pixel offset, the box the name covers
LABEL_SEARCH_STEPS = 20_000  # a bound on the search for the placement that names the most sites


class _Mark(NamedTuple):
    """A circle in the map's pixels: where it is drawn (``x``, ``y``) and where its site is (``place_x``, ``place_y``)."""

    id: str
    name: str
    radius: float
    x: float
    y: float
    place_x: float
    place_y: float

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.place_x, self.y - self.place_y) > 0.5


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _hits_circle(box: Box, x: float, y: float, radius: float) -> bool:
    nearest_x, nearest_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return math.hypot(x - nearest_x, y - nearest_y) < radius


def _label_candidates(x: float, y: float, radius: float, text_width: float) -> list[LabelOption]:
    """Where a name can sit around a circle: right, left, above, below, then the four diagonals."""
    w, h, gap = text_width, LABEL_LINE_PX, radius + 3
    d = round(radius * 0.71 + 2, 1)  # past the circle's edge along a diagonal
    return [
        ("start", "center", [gap, 0], (x + gap, y - h / 2, x + gap + w, y + h / 2)),
        ("end", "center", [-gap, 0], (x - gap - w, y - h / 2, x - gap, y + h / 2)),
        ("middle", "bottom", [0, -gap], (x - w / 2, y - gap - h, x + w / 2, y - gap)),
        ("middle", "top", [0, gap], (x - w / 2, y + gap, x + w / 2, y + gap + h)),
        ("start", "bottom", [d, -d], (x + d, y - d - h, x + d + w, y - d)),
        ("end", "bottom", [-d, -d], (x - d - w, y - d - h, x - d, y - d)),
        ("start", "top", [d, d], (x + d, y + d, x + d + w, y + d + h)),
        ("end", "top", [-d, d], (x - d - w, y + d, x - d, y + d + h)),
    ]


def _label_plan(marks: list[_Mark], width: int, height: int) -> dict[str, LabelOption]:
    """The position of each name that can be placed (``marks`` in order of placement), by site id.

    Each name tries the eight ``_label_candidates`` that stay inside the map and clear of every
    circle and place dot. A bounded search finds the plan that names the most sites, preferring,
    site by site, the earlier positions.
    """
    circles = [(m.x, m.y, m.radius) for m in marks] + [(m.place_x, m.place_y, PLACE_DOT_PX + 1.0) for m in marks if m.moved]
    options = [
        [
            option
            for option in _label_candidates(m.x, m.y, m.radius, len(m.name) * LABEL_CHAR_PX)
            if 0 <= option[3][0] and option[3][2] <= width and 0 <= option[3][1] and option[3][3] <= height
            and not any(_hits_circle(option[3], *circle) for circle in circles)
        ]
        for m in marks
    ]  # fmt: skip
    chosen: list[LabelOption | None] = []
    best: list[LabelOption | None] = []
    best_count, steps = -1, 0

    def search(index: int, count: int) -> None:
        nonlocal best, best_count, steps
        steps += 1
        if index == len(marks):
            if count > best_count:
                best, best_count = list(chosen), count
            return
        if count + len(marks) - index <= best_count or steps > LABEL_SEARCH_STEPS:
            return
        for option in options[index]:
            if not any(other is not None and _overlaps(option[3], other[3]) for other in chosen):
                chosen.append(option)
                search(index + 1, count + 1)
                chosen.pop()
                if best_count == len(marks):
                    return
        chosen.append(None)
        search(index + 1, count)
        chosen.pop()

    search(0, 0)
    return {m.id: option for m, option in zip(marks, best) if option is not None}


def _free_spots(x: float, y: float, radius: float, taken: list[_Mark], width: int, height: int) -> list[tuple[float, float]]:
    """Where a circle of ``radius`` meant for (``x``, ``y``) can go, inside the map and clear of the
    ``taken`` circles: the place itself when it is free, else the nearest free spot in each of 24
    directions (within ``MAX_SHIFT_PX``), nearest first; the place when nothing is free.

    Along each direction the distances that surely hit a taken circle are ruled out at once (the stretch of
    the ray inside each circle's clearance, a hair narrower), and the nearest remaining distance that passes
    the exact test is taken: the same spots as trying every distance in turn (the 700 sites of a program 100
    times CTDC's size are placed in about 2 s instead of 9)."""
    xs, ys = np.array([m.x for m in taken]), np.array([m.y for m in taken])
    clearance = np.array([radius + m.radius + MARK_GAP_PX for m in taken])

    def free(cx: float, cy: float) -> bool:
        inside = radius <= cx <= width - radius and radius <= cy <= height - radius
        return inside and bool((np.hypot(cx - xs, cy - ys) >= clearance).all())

    if free(x, y):
        return [(x, y)]
    # per direction (rows) and circle (columns): the ray from (x, y) at that angle is within the circle's
    # clearance for d in (along - half, along + half)
    angles = np.radians(np.arange(24) * 15.0)
    along = np.outer(np.cos(angles), xs - x) - np.outer(np.sin(angles), ys - y)
    half = np.sqrt(np.maximum(clearance**2 - (xs - x) ** 2 - (ys - y) ** 2 + along**2, 0.0))
    lows, highs = along - half + 1e-6, along + half - 1e-6
    near = (highs > 1) & (lows < MAX_SHIFT_PX)  # only the circles each ray meets within reach
    found = []
    for step in range(24):
        blocked = np.zeros(MAX_SHIFT_PX + 2, dtype=bool)
        for low, high in zip(lows[step, near[step]].tolist(), highs[step, near[step]].tolist()):
            first, last = max(1, math.floor(low) + 1), min(MAX_SHIFT_PX, math.ceil(high) - 1)
            if first <= last:
                blocked[first : last + 1] = True
        angle = math.radians(step * 15)
        for distance in (np.flatnonzero(~blocked[1 : MAX_SHIFT_PX + 1]) + 1).tolist():
            spot = (x + distance * math.cos(angle), y - distance * math.sin(angle))
            if free(*spot):
                found.append((distance, step, spot))
                break
    return [spot for _, _, spot in sorted(found)] or [(x, y)]


def _leader_is_clear(mark: _Mark, others: list[_Mark]) -> bool:
    """Whether the line from a moved circle to its place passes clear of the ``others`` circles."""
    dx, dy = mark.x - mark.place_x, mark.y - mark.place_y
    length2 = dx * dx + dy * dy or 1.0
    for other in others:
        t = max(0.0, min(1.0, ((other.x - mark.place_x) * dx + (other.y - mark.place_y) * dy) / length2))
        if math.hypot(other.x - mark.place_x - t * dx, other.y - mark.place_y - t * dy) < other.radius + 3:
            return False
    return True


def _by_grant(points: pd.DataFrame) -> pd.DataFrame:
    return points.sort_values("grant_usd", ascending=False, kind="stable")


def place_marks(points: pd.DataFrame, view: pdk.ViewState, width: int, height: int) -> pd.DataFrame:
    """``points`` with where each circle is drawn in ``view``: ``x`` and ``y`` in the map's pixels,
    ``mark_lon`` and ``mark_lat``, its place in pixels (``place_x``, ``place_y``) and whether it ``moved``.

    Bigger grants are placed first, each on its place. A circle that would overlap one already placed
    (or leave the map) moves aside, so every circle can be tapped on its own: to the nearest free spot
    in the direction that leaves room for the most names (``place_labels``). Zooming in only spreads
    the circles apart, so they stay clear of each other.
    """
    placed: list[_Mark] = []
    for row in _by_grant(points).itertuples():
        place_x, place_y = frame_xy(row.lon, row.lat, view, width, height)
        spots = _free_spots(place_x, place_y, row.radius, placed, width, height)
        trials = [_Mark(row.id, row.name, row.radius, *spot, place_x, place_y) for spot in spots]
        # the nearest spot of those that leave room for the most names, then with a line clear of other circles
        placed.append(
            trials[0]
            if len(trials) == 1
            else max(trials, key=lambda m: (len(_label_plan([*placed, m], width, height)), _leader_is_clear(m, placed)))
        )
    by_id = {m.id: m for m in placed}
    marks = points.copy()
    for column in ("x", "y", "place_x", "place_y"):
        marks[column] = [getattr(by_id[site_id], column) for site_id in points["id"]]
    lonlat = [frame_lonlat(x, y, view, width, height) for x, y in zip(marks["x"], marks["y"])]
    marks["mark_lon"] = [round(lon, 5) for lon, _ in lonlat]
    marks["mark_lat"] = [round(lat, 5) for _, lat in lonlat]
    marks["moved"] = [by_id[site_id].moved for site_id in points["id"]]
    return marks


LABEL_COLUMNS = ["id", "name", "lon", "lat", "anchor", "baseline", "offset"]


def place_labels(marks: pd.DataFrame, width: int, height: int) -> pd.DataFrame:
    """Site names placed beside their circles (from ``place_marks``) so that none overlaps a circle,
    a place dot or another name, and each lies inside the ``width`` x ``height`` map; with the box
    each name covers (``left``, ``top``, ``right``, ``bottom``, in the map's pixels).

    Names are planned from the biggest grant down (``_label_plan``); a name that cannot be placed
    is left off, and the page lists it beside the map.
    """
    ordered = _by_grant(marks)
    plan = _label_plan(
        [_Mark(r.id, r.name, r.radius, r.x, r.y, r.place_x, r.place_y) for r in ordered.itertuples()], width, height
    )
    rows = [
        [row.id, row.name, row.mark_lon, row.mark_lat, *plan[row.id][:3], *plan[row.id][3]]
        for row in marks.itertuples()
        if row.id in plan
    ]
    return pd.DataFrame(rows, columns=[*LABEL_COLUMNS, "left", "top", "right", "bottom"])


def sites_layer(marks: pd.DataFrame) -> pdk.Layer:
    """Pickable circles, one per site (catalog order) where ``place_marks`` put them: colour by role, size by grant."""
    data = marks[["id", "name", "role_label", "grant_text", "mark_lon", "mark_lat", "radius", "color"]]
    return pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id=SITES_LAYER_ID,
        get_position=["mark_lon", "mark_lat"],
        get_radius="radius",
        radius_units='"pixels"',
        get_fill_color="color",
        stroked=True,
        get_line_color=[255, 255, 255, 230],
        line_width_units='"pixels"',
        get_line_width=1.5,
        pickable=True,
        auto_highlight=True,
        highlight_color=HIGHLIGHT,
    )


def _moved(marks: pd.DataFrame) -> pd.DataFrame:
    return marks.loc[marks["moved"], ["id", "lon", "lat", "mark_lon", "mark_lat"]]


def leaders_layer(marks: pd.DataFrame) -> pdk.Layer:
    """For each circle moved off its place, a line from its place to the circle's centre (drawn over the circles,
    so that it shows even where the place lies at the edge of another circle)."""
    return pdk.Layer(
        "LineLayer",
        data=_moved(marks),
        id=LEADERS_LAYER_ID,
        get_source_position=["lon", "lat"],
        get_target_position=["mark_lon", "mark_lat"],
        get_color=LEADER_GREY,
        get_width=2,
        width_units='"pixels"',
        pickable=False,
    )


def places_layer(marks: pd.DataFrame) -> pdk.Layer:
    """For each circle moved off its place, a small dark dot ringed in white on the place (drawn over the circles)."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=_moved(marks),
        id=PLACES_LAYER_ID,
        get_position=["lon", "lat"],
        get_radius=PLACE_DOT_PX,
        radius_units='"pixels"',
        get_fill_color=LEADER_GREY,
        stroked=True,
        get_line_color=[255, 255, 255, 255],
        line_width_units='"pixels"',
        get_line_width=1,
        pickable=False,
    )


def labels_layer(labels: pd.DataFrame) -> pdk.Layer:
    """Site names (placed by ``place_labels``): dark text with a light halo, legible in light and dark theme."""
    return pdk.Layer(
        "TextLayer",
        data=labels[LABEL_COLUMNS],
        id=LABELS_LAYER_ID,
        get_position=["lon", "lat"],
        get_text="name",
        get_size=LABEL_SIZE_PX,
        size_units='"pixels"',
        get_color=LABEL_TEXT,
        get_text_anchor="anchor",
        get_alignment_baseline="baseline",
        get_pixel_offset="offset",
        font_family='"Source Sans, sans-serif"',
        font_weight=600,
        font_settings={"sdf": True},
        outline_width=4,
        outline_color=LABEL_HALO,
        character_set='"auto"',
        pickable=False,
    )


@dataclass(frozen=True)
class MapLayout:
    """Where everything sits on a map fitted to its sites: the initial view, the height, the circles
    (``place_marks``) and the names (``place_labels``), all within ``width`` (the narrowest map) x ``height``."""

    view: pdk.ViewState
    width: int
    height: int
    marks: pd.DataFrame
    labels: pd.DataFrame

    def unlabelled(self) -> list[str]:
        """Ids of the sites (catalog order) whose name could not be placed on the map."""
        named = set(self.labels["id"])
        return [site_id for site_id in self.marks["id"] if site_id not in named]


def layout_map(points: pd.DataFrame, max_height: int, width: int = NARROWEST_MAP_PX) -> MapLayout:
    """Fit the view to ``points`` (``fit_view``), then place their circles and names."""
    view, height = fit_view(points, max_height, width)
    marks = place_marks(points, view, width, height)
    return MapLayout(view, width, height, marks, place_labels(marks, width, height))


def tooltip_corner(layout: MapLayout) -> str:
    """The corner of the map where the pinned tooltip covers the fewest circles and names (``CORNERS`` order breaks ties)."""
    texts = [
        TOOLTIP_TEXT.format(name=row.name, role_label=row.role_label, grant_text=row.grant_text)
        for row in layout.marks.itertuples()
    ]
    longest = max((len(line) for text in texts for line in text.splitlines()), default=0)
    w = min(longest * TOOLTIP_CHAR_PX + 16, layout.width - 2 * TOOLTIP_MARGIN_PX)
    h, m, right, bottom = TOOLTIP_LINES_PX, TOOLTIP_MARGIN_PX, layout.width, layout.height
    boxes = {
        "bottom-left": (m, bottom - m - h, m + w, bottom - m),
        "bottom-right": (right - m - w, bottom - m - h, right - m, bottom - m),
        "top-left": (m, m, m + w, m + h),
        "top-right": (right - m - w, m, right - m, m + h),
    }
    label_boxes = [(row.left, row.top, row.right, row.bottom) for row in layout.labels.itertuples()]

    def covered(box: Box) -> int:
        circles = sum(_hits_circle(box, row.x, row.y, row.radius) for row in layout.marks.itertuples())
        return circles + sum(_overlaps(box, other) for other in label_boxes)

    return min(CORNERS, key=lambda corner: (covered(boxes[corner]), CORNERS.index(corner)))


def tooltip(layout: MapLayout) -> dict:
    """The deck's tooltip: plain text, short, pinned to the emptiest corner of the map so it stays on screen."""
    vertical, horizontal = tooltip_corner(layout).split("-")
    margin = f"{TOOLTIP_MARGIN_PX}px"
    position = {
        "top": margin if vertical == "top" else "auto",
        "bottom": margin if vertical == "bottom" else "auto",
        "left": margin if horizontal == "left" else "auto",
        "right": margin if horizontal == "right" else "auto",
    }
    return {"text": TOOLTIP_TEXT, "style": {**TOOLTIP_STYLE, **position}}


def legend_lines(layout: MapLayout) -> list[str]:
    """The map's key in words: what each colour and the circle size stand for, and which circles were
    moved off their place (empty when no sites)."""
    marks = layout.marks
    lines = []
    for role in ROLES:
        rows = marks[marks["role"] == role]
        if rows.empty:
            continue
        grants = " and ".join(format_usd(g) for g in sorted(rows["grant_usd"].unique(), reverse=True))
        label = C.ROLE_LABELS[role].lower()
        lines.append(f"{C.ROLE_COLOR_NAMES[role].capitalize()} circles: {label}s ({len(rows)} shown, grants of {grants}).")
    if not lines:
        return lines
    size = "Circle area follows the grant (square-root scale), with a minimum size so that every site can be tapped"
    raised = sorted(set(marks.loc[marks["raised"], "grant_usd"]), reverse=True)
    if raised:
        grants = " and ".join(format_usd(g) for g in raised)
        size += f": the {grants} circles are drawn larger than their share"
    lines.append(size + ".")
    if moved := moved_sentence(marks):
        lines.append(moved)
    lines.append("Each site is placed at a landmark, named in the table's CSV with its coordinates.")
    return lines


def moved_sentence(marks: pd.DataFrame) -> str:
    """Which circles ``place_marks`` drew beside their places, in one sentence (empty when none)."""
    moved = marks.loc[marks["moved"], "name"].tolist()
    if not moved:
        return ""
    names = moved[0] if len(moved) == 1 else f"{', '.join(moved[:-1])} and {moved[-1]}"
    verb, places, each = ("is", "its place", "it") if len(moved) == 1 else ("are", "their places", "each")
    return f"{names} {verb} drawn beside {places} so that circles do not overlap; a line joins {each} to a dot on its place."


def key_sentence() -> str:
    """The map's colours and sizes in one sentence (for the small map, which has no full legend)."""
    colours = ", ".join(
        f"{C.ROLE_COLOR_NAMES[role]} circles {'are ' if index == 0 else ''}{C.ROLE_LABELS[role].lower()}s"
        for index, role in enumerate(ROLES)
    )
    return f"{colours.capitalize()}; bigger circles mean bigger grants, and every circle has a minimum size so it can be tapped."


def legend_markdown(layout: MapLayout) -> str:
    """How to read the map, as one Markdown block: the legend, borders and gestures."""
    lines = legend_lines(layout)
    if not lines:
        return ""
    parts = ["**How to read the map**", "\n".join(f"- {escape_markdown(line)}" for line in lines)]
    parts.append("*Grey lines are state borders. Drag to pan; scroll or pinch to zoom.*")
    return "\n\n".join(parts)


def picked_site_id(event: object, allowed: list[str]) -> str | None:
    """The id of the site chosen on the map, from the chart's event state (``event["selection"]``, as
    ``st.pydeck_chart`` returns it); None unless it is a known site."""
    try:
        objects = event["selection"]["objects"][SITES_LAYER_ID]  # type: ignore[index]
        site_id = objects[0]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return site_id if isinstance(site_id, str) and site_id in allowed else None


def describe_map(points: pd.DataFrame) -> str:
    """A one-sentence description of the map for screen readers."""
    if points.empty:
        return "Map of the United States with state outlines; no sites match the current filters."
    parts = [f"{row.name} ({row.role_label.lower()}, {row.grant_text})" for row in points.itertuples()]
    return (
        f"Map of the United States with state outlines and {len(points)} CTDC site(s) as circles, "
        "coloured by role and sized by grant: " + "; ".join(parts) + "."
    )


class CompactDeck(pdk.Deck):
    """A ``pdk.Deck`` serialised without indentation (about half the bytes of pydeck's indented JSON)."""

    def to_json(self) -> str:
        """The deck's JSON spec, compact."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def sites_deck(layout: MapLayout, outlines_url: str | None, *, basemap: bool) -> pdk.Deck:
    """The site map: state outlines (when available), the sites as circles (with lines to the places of
    moved ones) and their names, in the view ``layout`` fitted.

    With ``basemap`` the Streamlit theme's map tiles are drawn underneath (they need internet);
    without it no tiles are requested and the outlines carry the map.
    """
    # Streamlit reads a missing map style as "tiles in the app's theme", and pydeck's default
    # style with no provider as "no tiles".
    basemap_args = {"map_style": None} if basemap else {"map_provider": None}
    layers = [states_layer(outlines_url)] if outlines_url else []
    moved = bool(layout.marks["moved"].any())
    layers.append(sites_layer(layout.marks))
    layers += [leaders_layer(layout.marks), places_layer(layout.marks)] if moved else []
    layers.append(labels_layer(layout.labels))
    return CompactDeck(
        layers=layers,
        initial_view_state=layout.view,
        **basemap_args,
        tooltip=tooltip(layout),
        # pydeck's own HTML export shows the description as HTML, so it is escaped here.
        description=html.escape(describe_map(layout.marks)),
    )


@dataclass(frozen=True)
class MapView:
    """A map ready for a page: the deck and the height it was fitted to, its alt text and key, its table
    (Markdown, and the frame for CSV), the sites drawn and those left unlabelled (id, name, role label),
    which circles were drawn beside their places (``moved_sentence``, for a map shown without its
    full key), and whether the state outlines could be loaded."""

    deck: pdk.Deck
    height: int
    alt_text: str
    legend_markdown: str
    table_markdown: str
    table: pd.DataFrame
    sites: tuple[tuple[str, str, str], ...]
    unlabelled: tuple[tuple[str, str, str], ...]
    moved_note: str
    has_outlines: bool


@page_cache()
def map_view(catalog: Catalog, filters: F.Filters, *, height: int, basemap: bool = False) -> MapView:
    """The sites in view (themes do not narrow places) on a map at most ``height`` pixels tall, fitted to
    them, with its key and table."""
    points = site_points(catalog, F.selected_site_ids(catalog, filters))
    layout = layout_map(points, height)
    outlines = load_states_geojson() is not None
    sites = tuple((row.id, row.name, row.role_label) for row in points.itertuples())
    unlabelled = set(layout.unlabelled())
    return MapView(
        deck=sites_deck(layout, C.STATES_GEOJSON_URL if outlines else None, basemap=basemap),
        height=layout.height,
        alt_text=describe_map(points),
        legend_markdown=legend_markdown(layout),
        table_markdown=sites_table_markdown(points),
        table=sites_table(points),
        sites=sites,
        unlabelled=tuple(site for site in sites if site[0] in unlabelled),
        moved_note=moved_sentence(layout.marks),
        has_outlines=outlines,
    )

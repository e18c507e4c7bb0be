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

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from . import constants as C
from . import filters as F
from .caching import page_cache
from .catalog import Catalog
from .schema import ROLES
from .text import escape_markdown
from .values import format_usd

STATES_LAYER_ID = "states"
SITES_LAYER_ID = "sites"
LABELS_LAYER_ID = "site-labels"

# The lower 48 states (west, south, east, north), in degrees. The view is fitted to this box,
# not to the outlines' extent: Alaska's Aleutian islands cross the 180th meridian.
LOWER_48 = (-124.8, 24.4, -66.9, 49.4)
# The narrowest map we expect (a phone held upright), in pixels: the lower 48 must fit in it.
NARROWEST_MAP_PX = 360
TILE_PX = 512  # deck.gl's world width at zoom 0, in pixels

MAX_RADIUS_PX = 18
MIN_RADIUS_PX = 5
POINT_ALPHA = 255  # opaque: the circles show the exact Okabe–Ito role colours
OUTLINE_GREY = [128, 128, 128, 200]
FILL_GREY = [128, 128, 128, 28]  # a faint grey reads on light and dark backgrounds alike
LABEL_TEXT = [33, 33, 33, 255]
LABEL_SIZE_PX = 13
LABEL_CHAR_PX = 7.5  # generous average glyph width at LABEL_SIZE_PX, for placing names
LABEL_LINE_PX = 16
LABEL_HALO = [255, 255, 255, 230]

TOOLTIP = {"text": "{name}\n{role_label}\nGrant: {grant_text}"}


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


def point_radius(grant_usd: float, max_grant: float) -> float:
    """Point radius in pixels: area in proportion to the grant (a square-root scale), never below a visible minimum."""
    if max_grant <= 0 or not grant_usd or grant_usd <= 0:
        return float(MIN_RADIUS_PX)
    return round(max(MIN_RADIUS_PX, MAX_RADIUS_PX * math.sqrt(grant_usd / max_grant)), 2)


def site_points(catalog: Catalog, site_ids: list[str]) -> pd.DataFrame:
    """One row per site in ``site_ids`` (catalog order) with position, size, colour and tooltip text.

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


def sites_table_markdown(points: pd.DataFrame) -> str:
    """The map's text alternative as a Markdown table narrow enough for a phone: site (with its
    state), role and grant. The CSV download adds the landmark and coordinates."""
    if points.empty:
        return "No site matches the current filters."
    rows = ["| Site | Role | Grant |", "|---|---|---:|"]
    rows += [
        f"| {escape_markdown(p['name'])} ({escape_markdown(p['state'])}) | {escape_markdown(p['role'].capitalize())} "
        f"| {escape_markdown(p['grant_text'])} |"
        for p in points.to_dict("records")
    ]
    return "\n".join(rows)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def lower48_view(height: int, width: int = NARROWEST_MAP_PX) -> pdk.ViewState:
    """A view centred on the lower 48 states, zoomed so they fit in ``width`` x ``height`` pixels."""
    west, south, east, north = LOWER_48
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    centre_lat = math.degrees(2 * math.atan(math.exp((y_south + y_north) / 2)) - math.pi / 2)
    zoom_x = math.log2(width * 360 / ((east - west) * TILE_PX))
    zoom_y = math.log2(height * 2 * math.pi / ((y_north - y_south) * TILE_PX))
    zoom = round(min(zoom_x, zoom_y) - 0.05, 2)
    return pdk.ViewState(latitude=round(centre_lat, 3), longitude=(west + east) / 2, zoom=zoom, min_zoom=1, max_zoom=10)


def sites_layer(points: pd.DataFrame) -> pdk.Layer:
    """Pickable circles, one per site: colour by role, size by grant."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=points,
        id=SITES_LAYER_ID,
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_units='"pixels"',
        get_fill_color="color",
        stroked=True,
        get_line_color=[255, 255, 255, 230],
        line_width_units='"pixels"',
        get_line_width=1.5,
        pickable=True,
        auto_highlight=True,
    )


def _screen_xy(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position of a point at ``zoom``."""
    world = TILE_PX * 2**zoom
    return (lon + 180) / 360 * world, (math.pi - _mercator_y(lat)) / (2 * math.pi) * world


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: pd.DataFrame, view: pdk.ViewState, width: int = NARROWEST_MAP_PX) -> pd.DataFrame:
    """Site names placed beside their circles so that none overlaps a circle or another name in ``view``.

    Bigger grants are placed first; each name tries right, left, above and below its circle and is
    left off when all four collide or leave the central ``width`` pixels, which every screen shows
    (the tooltip and the table still name the site). Zooming in only spreads the circles apart,
    so the names stay clear.
    """
    zoom = view.zoom
    centre_x, _ = _screen_xy(view.longitude, view.latitude, zoom)
    left_edge, right_edge = centre_x - width / 2, centre_x + width / 2
    circles, boxes = {}, {}
    for row in points.itertuples():
        x, y = _screen_xy(row.lon, row.lat, zoom)
        circles[row.id] = (x, y, row.radius)
        boxes[row.id] = (x - row.radius, y - row.radius, x + row.radius, y + row.radius)
    taken = list(boxes.values())
    placed = []
    for row in points.sort_values("grant_usd", ascending=False, kind="stable").itertuples():
        x, y, r = circles[row.id]
        own = boxes[row.id]
        w, h, gap = len(row.name) * LABEL_CHAR_PX, LABEL_LINE_PX, r + 3
        candidates = (
            ("start", "center", [gap, 0], (x + gap, y - h / 2, x + gap + w, y + h / 2)),
            ("end", "center", [-gap, 0], (x - gap - w, y - h / 2, x - gap, y + h / 2)),
            ("middle", "bottom", [0, -gap], (x - w / 2, y - gap - h, x + w / 2, y - gap)),
            ("middle", "top", [0, gap], (x - w / 2, y + gap, x + w / 2, y + gap + h)),
        )
        for anchor, baseline, offset, box in candidates:
            inside = left_edge <= box[0] and box[2] <= right_edge
            if inside and not any(_overlaps(box, other) for other in taken if other is not own):
                taken.append(box)
                placed.append(
                    {"name": row.name, "lon": row.lon, "lat": row.lat, "anchor": anchor, "baseline": baseline, "offset": offset}
                )
                break
    return pd.DataFrame(placed, columns=["name", "lon", "lat", "anchor", "baseline", "offset"])


def unlabelled_sites(points: pd.DataFrame, height: int) -> list[str]:
    """Names of the sites whose label ``sites_deck`` leaves off at its initial zoom, to avoid overlap."""
    shown = set(place_labels(points, lower48_view(height))["name"])
    return [name for name in points["name"] if name not in shown]


def labels_layer(labels: pd.DataFrame) -> pdk.Layer:
    """Site names (placed by ``place_labels``): dark text with a light halo, legible in light and dark theme."""
    return pdk.Layer(
        "TextLayer",
        data=labels,
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


def legend_lines(points: pd.DataFrame) -> list[str]:
    """The map's key in words: what each colour and the circle size stand for (empty when no sites)."""
    lines = []
    for role in ROLES:
        rows = points[points["role"] == role]
        if rows.empty:
            continue
        grants = " and ".join(format_usd(g) for g in sorted(rows["grant_usd"].unique(), reverse=True))
        label = C.ROLE_LABELS[role].lower()
        lines.append(f"{C.ROLE_COLOR_NAMES[role].capitalize()} circles: {label}s ({len(rows)} shown, grants of {grants}).")
    if lines:
        lines.append("Circle area follows the grant (square-root scale), so bigger grants draw bigger circles.")
        lines.append("Each circle sits on a landmark of the site, named in the table's CSV with its coordinates.")
    return lines


def key_sentence() -> str:
    """The map's colours and sizes in one sentence (for the small map, which has no full legend)."""
    colours = ", ".join(
        f"{C.ROLE_COLOR_NAMES[role]} circles {'are ' if index == 0 else ''}{C.ROLE_LABELS[role].lower()}s"
        for index, role in enumerate(ROLES)
    )
    return f"{colours.capitalize()}; bigger circles mean bigger grants."


def legend_markdown(points: pd.DataFrame, height: int) -> str:
    """How to read the map, as one Markdown block: the legend, unlabelled sites, borders and gestures."""
    lines = legend_lines(points)
    if not lines:
        return ""
    parts = ["**How to read the map**", "\n".join(f"- {escape_markdown(line)}" for line in lines)]
    unlabelled = unlabelled_sites(points, height)
    if unlabelled:
        parts.append(
            f"*Not labelled at this zoom, so that names do not overlap: {escape_markdown(', '.join(unlabelled))}. "
            "Zoom in, point at a circle or see the table.*"
        )
    parts.append("*Grey lines are state borders. Drag to pan; scroll or pinch to zoom.*")
    return "\n\n".join(parts)


def picked_site_id(selection: object, allowed: list[str]) -> str | None:
    """The id of the site clicked on the map, from a pydeck selection state; None unless it is a known site."""
    try:
        objects = selection["objects"][SITES_LAYER_ID]  # type: ignore[index]
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


def sites_deck(points: pd.DataFrame, outlines_url: str | None, *, basemap: bool, height: int = 520) -> pdk.Deck:
    """The site map: state outlines (when available), the sites as circles and their names.

    With ``basemap`` the Streamlit theme's map tiles are drawn underneath (they need internet);
    without it no tiles are requested and the outlines carry the map.
    """
    # Streamlit reads a missing map style as "tiles in the app's theme", and pydeck's default
    # style with no provider as "no tiles".
    basemap_args = {"map_style": None} if basemap else {"map_provider": None}
    view = lower48_view(height)
    layers = [states_layer(outlines_url)] if outlines_url else []
    layers.append(sites_layer(points))
    layers.append(labels_layer(place_labels(points, view)))
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        **basemap_args,
        tooltip=TOOLTIP,
        # pydeck's own HTML export shows the description as HTML, so it is escaped here.
        description=html.escape(describe_map(points)),
    )


@dataclass(frozen=True)
class MapView:
    """A map ready for a page: the deck, its alt text and key, its table (Markdown, and the frame for
    CSV), the sites drawn (id, name, role label) and whether the state outlines could be loaded."""

    deck: pdk.Deck
    alt_text: str
    legend_markdown: str
    table_markdown: str
    table: pd.DataFrame
    sites: tuple[tuple[str, str, str], ...]
    has_outlines: bool


@page_cache()
def map_view(catalog: Catalog, filters: F.Filters, *, height: int, basemap: bool = False) -> MapView:
    """The sites in view (themes do not narrow places) on a map of ``height`` pixels, with its key and table."""
    points = site_points(catalog, F.selected_site_ids(catalog, filters))
    outlines = load_states_geojson() is not None
    return MapView(
        deck=sites_deck(points, C.STATES_GEOJSON_URL if outlines else None, basemap=basemap, height=height),
        alt_text=describe_map(points),
        legend_markdown=legend_markdown(points, height),
        table_markdown=sites_table_markdown(points),
        table=sites_table(points),
        sites=tuple((row.id, row.name, row.role_label) for row in points.itertuples()),
        has_outlines=outlines,
    )

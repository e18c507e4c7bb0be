"""Pure map builders: the sites as points over US state outlines, drawn with pydeck where
``map_layout`` places their circles and names, with the map's tooltip, key and table.

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
from typing import Any

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import constants as C
from dashboard.charts.labels import Box, hits_circle, overlaps
from dashboard.data.catalog import Catalog
from dashboard.data.schema import ROLES
from dashboard.data.text import escape_markdown
from dashboard.data.values import format_usd
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.map_layout import LABEL_COLUMNS, LABEL_SIZE_PX, PLACE_DOT_PX, MapLayout, layout_map

STATES_LAYER_ID = "states"
SITES_LAYER_ID = "sites"
LABELS_LAYER_ID = "site-labels"
LEADERS_LAYER_ID = "site-leaders"
PLACES_LAYER_ID = "site-places"

MAX_RADIUS_PX = 18
MIN_RADIUS_PX = 12  # every circle is at least 24 px across: a target a thumb can tap
POINT_ALPHA = 255  # opaque: the circles show the exact Okabe–Ito role colours
OUTLINE_GREY = [128, 128, 128, 200]
FILL_GREY = [128, 128, 128, 28]  # a faint grey reads on light and dark backgrounds alike
LEADER_GREY = [40, 40, 40, 255]
HIGHLIGHT = [0, 0, 0, 64]  # the circle under the pointer (or last tapped) darkens but keeps its role's hue
LABEL_TEXT = [33, 33, 33, 255]
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


def load_states_geojson(path: str | os.PathLike[str] = C.STATES_GEOJSON) -> dict[str, Any] | None:
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
        circles = sum(hits_circle(box, row.x, row.y, row.radius) for row in layout.marks.itertuples())
        return circles + sum(overlaps(box, other) for other in label_boxes)

    return min(CORNERS, key=lambda corner: (covered(boxes[corner]), CORNERS.index(corner)))


def tooltip(layout: MapLayout) -> dict[str, Any]:
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


class CompactDeck(pdk.Deck):  # type: ignore[misc]  # pydeck ships no types
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

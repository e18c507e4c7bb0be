"""Screen geometry of a Web Mercator map (deck.gl's): the view and height that fit a set of points
in a narrow column, and the conversions between longitude and latitude and the map's pixels."""

from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk

# The lower 48 states (west, south, east, north), in degrees: the view when no point is shown.
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


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(mercator_y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(mercator_y)) - math.pi / 2)


def _world_xy(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position of a point at ``zoom``."""
    world = TILE_PX * 2**zoom
    return (lon + 180) / 360 * world, (math.pi - _mercator_y(lat)) / (2 * math.pi) * world


def fit_view(points: pd.DataFrame, max_height: int, width: int = NARROWEST_MAP_PX) -> tuple[pdk.ViewState, int]:
    """The initial view and the map height that fit the ``points`` (columns ``lon`` and ``lat``; the
    lower 48 states when there are none) in ``width`` pixels, at most ``max_height`` tall, with
    ``FRAME_PAD_PX`` around them.

    The zoom is the largest at which the points' bounding box fits, never closer than a
    ``MIN_SPAN_DEG`` wide view; the height is what the box needs at that zoom, between
    ``MIN_MAP_HEIGHT_PX`` and ``max_height``, so that the points fill the map rather than a third of it.
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

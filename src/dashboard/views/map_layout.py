"""Where everything sits on the site map: the view fitted to the sites, each circle (moved aside
where it would cover another, so every circle can be tapped on its own) and each name (clear of
every circle, place dot and other name). Pure: the pixels are those of the narrowest map."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import pydeck as pdk

from dashboard.charts import geometry, labels

MARK_GAP_PX = 2  # the least space between two circles
MAX_SHIFT_PX = 160  # how far a circle may move off its place to avoid another
PLACE_DOT_PX = 3.5  # the dot that marks the place of a moved circle
LABEL_SIZE_PX = 13
LABEL_CHAR_PX = 7.5  # generous average glyph width at LABEL_SIZE_PX, for placing names
LABEL_LINE_PX = 16
LABEL_COLUMNS = ["id", "name", "lon", "lat", "anchor", "baseline", "offset"]


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


def _label_plan(marks: list[_Mark], width: int, height: int) -> dict[str, labels.LabelOption]:
    """The position of each name that can be placed (``marks`` in order of placement), by site id:
    ``labels.label_plan`` with every circle and the dot on every moved circle's place in the way."""
    circles = [(m.x, m.y, m.radius) for m in marks] + [(m.place_x, m.place_y, PLACE_DOT_PX + 1.0) for m in marks if m.moved]
    anchors = [(m.x, m.y, m.radius, len(m.name) * LABEL_CHAR_PX) for m in marks]
    plan = labels.label_plan(anchors, circles, width, height, LABEL_LINE_PX)
    return {m.id: option for m, option in zip(marks, plan) if option is not None}


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
        place_x, place_y = geometry.frame_xy(row.lon, row.lat, view, width, height)
        taken = [(m.x, m.y, m.radius) for m in placed]
        spots = labels.free_spots(place_x, place_y, row.radius, taken, width, height, MARK_GAP_PX, MAX_SHIFT_PX)
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
    lonlat = [geometry.frame_lonlat(x, y, view, width, height) for x, y in zip(marks["x"], marks["y"])]
    marks["mark_lon"] = [round(lon, 5) for lon, _ in lonlat]
    marks["mark_lat"] = [round(lat, 5) for _, lat in lonlat]
    marks["moved"] = [by_id[site_id].moved for site_id in points["id"]]
    return marks


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


def layout_map(points: pd.DataFrame, max_height: int, width: int = geometry.NARROWEST_MAP_PX) -> MapLayout:
    """Fit the view to ``points`` (``geometry.fit_view``), then place their circles and names."""
    view, height = geometry.fit_view(points, max_height, width)
    marks = place_marks(points, view, width, height)
    return MapLayout(view, width, height, marks, place_labels(marks, width, height))

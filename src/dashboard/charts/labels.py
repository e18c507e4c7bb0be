"""Where names and marks go on a picture so that none covers another, in screen pixels (y grows
downwards): boxes and the overlap tests, the box of a text anchored at a point, the places around a
circle where a name can sit, the bounded search that names the most circles, the first-come test for
labels with one place each, and the nearest free spot for a circle. The site map and the network
picture both place their labels with these."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Box = tuple[float, float, float, float]  # left, top, right, bottom
Circle = tuple[float, float, float]  # centre x, centre y, radius
LabelOption = tuple[str, str, list[float], Box]  # text anchor, baseline, pixel offset, the box the name covers
LABEL_SEARCH_STEPS = 20_000  # a bound on the search for the placement that names the most circles

# deck.gl's text anchors and baselines in the words ``anchored_box`` takes (Vega's and the canvas's).
DECK_ALIGN = {"start": "left", "middle": "center", "end": "right"}
DECK_BASELINE = {"top": "top", "center": "middle", "bottom": "bottom"}


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def hits_circle(box: Box, x: float, y: float, radius: float) -> bool:
    """Whether a box reaches inside the circle of ``radius`` around (``x``, ``y``)."""
    nearest_x, nearest_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return math.hypot(x - nearest_x, y - nearest_y) < radius


def inside(box: Box, width: float, height: float) -> bool:
    """Whether a box lies within a ``width`` x ``height`` picture."""
    return 0 <= box[0] and box[2] <= width and 0 <= box[1] and box[3] <= height


# Which end of its box a text's anchor is at, along each axis: the start (left, top), the middle or the end.
ANCHOR_SIDES = {"left": "start", "top": "start", "center": "middle", "middle": "middle", "right": "end", "bottom": "end"}


def _span(at: float, size: float, side: str) -> tuple[float, float]:
    """Where a text ``size`` long reaches along one axis when ``at`` is its start, middle or end."""
    if side == "start":
        return at, at + size
    if side == "end":
        return at - size, at
    return at - size / 2, at + size / 2


def anchored_box(x: float, y: float, width: float, height: float, align: str = "center", baseline: str = "middle") -> Box:
    """The box a ``width`` x ``height`` text covers when anchored at (``x``, ``y``) with ``align``
    (``left``, ``center`` or ``right``) and ``baseline`` (``top``, ``middle`` or ``bottom``)."""
    left, right = _span(x, width, ANCHOR_SIDES[align])
    top, bottom = _span(y, height, ANCHOR_SIDES[baseline])
    return (left, top, right, bottom)


def label_candidates(x: float, y: float, radius: float, width: float, height: float) -> list[LabelOption]:
    """Where a ``width`` x ``height`` name can sit around a circle: right, left, above, below, then
    the four diagonals (anchors and baselines in deck.gl's words)."""
    gap = radius + 3
    d = round(radius * 0.71 + 2, 1)  # past the circle's edge along a diagonal
    places = [
        ("start", "center", gap, 0), ("end", "center", -gap, 0), ("middle", "bottom", 0, -gap), ("middle", "top", 0, gap),
        ("start", "bottom", d, -d), ("end", "bottom", -d, -d), ("start", "top", d, d), ("end", "top", -d, d),
    ]  # fmt: skip
    return [
        (anchor, base, [dx, dy], anchored_box(x + dx, y + dy, width, height, DECK_ALIGN[anchor], DECK_BASELINE[base]))
        for anchor, base, dx, dy in places
    ]


def label_plan(
    anchors: Sequence[tuple[float, float, float, float]], obstacles: Sequence[Circle], width: int, height: int, line_px: float
) -> list[LabelOption | None]:
    """Where each name goes (None where it is left off), for ``anchors`` given in order of placement as
    (x, y, radius of the circle named, width of the name), in a ``width`` x ``height`` picture.

    Each name tries the eight ``label_candidates`` (``line_px`` tall) that stay inside the picture and
    clear of every ``obstacles`` circle. A bounded search finds the plan that names the most circles,
    preferring, name by name, the earlier positions.
    """
    options = [
        [
            option
            for option in label_candidates(x, y, radius, text_width, line_px)
            if inside(option[3], width, height) and not any(hits_circle(option[3], *circle) for circle in obstacles)
        ]
        for x, y, radius, text_width in anchors
    ]
    chosen: list[LabelOption | None] = []
    best: list[LabelOption | None] = []
    best_count, steps = -1, 0

    def search(index: int, count: int) -> None:
        nonlocal best, best_count, steps
        steps += 1
        if index == len(anchors):
            if count > best_count:
                best, best_count = list(chosen), count
            return
        if count + len(anchors) - index <= best_count or steps > LABEL_SEARCH_STEPS:
            return
        for option in options[index]:
            if not any(other is not None and overlaps(option[3], other[3]) for other in chosen):
                chosen.append(option)
                search(index + 1, count + 1)
                chosen.pop()
                if best_count == len(anchors):
                    return
        chosen.append(None)
        search(index + 1, count)
        chosen.pop()

    search(0, 0)
    return best


def fits_in_turn(boxes: Sequence[Box], taken: Sequence[Box]) -> list[bool]:
    """For each box in turn, whether it overlaps none of ``taken`` and no box that fitted before it."""
    placed = list(taken)
    fits = []
    for box in boxes:
        free = not any(overlaps(box, other) for other in placed)
        if free:
            placed.append(box)
        fits.append(free)
    return fits


def free_spots(
    x: float, y: float, radius: float, taken: Sequence[Circle], width: int, height: int, gap: float, reach: int
) -> list[tuple[float, float]]:
    """Where a circle of ``radius`` meant for (``x``, ``y``) can go, inside the ``width`` x ``height``
    picture and at least ``gap`` from the ``taken`` circles: the place itself when it is free, else the
    nearest free spot in each of 24 directions (within ``reach`` pixels), nearest first; the place
    when nothing is free.

    Along each direction the distances that surely hit a taken circle are ruled out at once (the stretch of
    the ray inside each circle's clearance, a hair narrower), and the nearest remaining distance that passes
    the exact test is taken: the same spots as trying every distance in turn (the 700 sites of a program 100
    times CTDC's size are placed in about 2 s instead of 9)."""
    xs = np.array([ox for ox, _, _ in taken], dtype=float)
    ys = np.array([oy for _, oy, _ in taken], dtype=float)
    clearance = np.array([radius + other + gap for _, _, other in taken], dtype=float)

    def free(cx: float, cy: float) -> bool:
        within = radius <= cx <= width - radius and radius <= cy <= height - radius
        return within and bool((np.hypot(cx - xs, cy - ys) >= clearance).all())

    if free(x, y):
        return [(x, y)]
    # per direction (rows) and circle (columns): the ray from (x, y) at that angle is within the circle's
    # clearance for distances in (along - half, along + half)
    angles = np.radians(np.arange(24) * 15.0)
    along = np.outer(np.cos(angles), xs - x) - np.outer(np.sin(angles), ys - y)
    half = np.sqrt(np.maximum(clearance**2 - (xs - x) ** 2 - (ys - y) ** 2 + along**2, 0.0))
    lows, highs = along - half + 1e-6, along + half - 1e-6
    near = (highs > 1) & (lows < reach)  # only the circles each ray meets within reach
    found = []
    for step in range(24):
        blocked = np.zeros(reach + 2, dtype=bool)
        for low, high in zip(lows[step, near[step]].tolist(), highs[step, near[step]].tolist()):
            first, last = max(1, math.floor(low) + 1), min(reach, math.ceil(high) - 1)
            if first <= last:
                blocked[first : last + 1] = True
        angle = math.radians(step * 15)
        for distance in (np.flatnonzero(~blocked[1 : reach + 1]) + 1).tolist():
            spot = (x + distance * math.cos(angle), y - distance * math.sin(angle))
            if free(*spot):
                found.append((distance, step, spot))
                break
    return [spot for _, _, spot in sorted(found)] or [(x, y)]

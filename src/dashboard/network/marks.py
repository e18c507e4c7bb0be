"""The network picture's marks and names at a phone's size: how large each organization's mark is (the
hub clearly the largest, none smaller than a fingertip), its name in whole words on at most two lines,
and where each name sits beside its mark, clear of every mark and of the other names. Worked out in the
pixels of a phone's picture (``PHONE_PLOT``); a wider picture only spreads the marks further apart.
No Streamlit here.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any, cast

from dashboard.charts.labels import DECK_ALIGN, DECK_BASELINE, Box, anchored_box, fits_in_turn, label_plan

# The plotting area of the picture on a phone 390 px wide, in pixels (the chart's height is fixed).
PHONE_PLOT = (340, 440)
# Half-width and half-height of the drawing area in layout units (the ring has radius 1).
X_EXTENT = 1.45
Y_EXTENT = 1.3
# Mark diameters in pixels: every mark at least a fingertip across (triangles too: their height is
# 0.87 of their width), the organizations with the most partners clearly larger than any other.
MIN_MARK_PX = 28
OTHERS_MAX_PX = 38
HUB_MARK_PX = 48
# Names: font size, a line's height and an average character's width in pixels, and how a name is wrapped.
FONT_PX = 12
LINE_PX = 15
CHAR_PX = 6.6
LINE_CHARS = 16
MAX_LINES = 2
NAME_CHARS = 28
# An abbreviation that stays on the line of the word after it (a no-break space joins them).
ABBREVIATION = re.compile(r"\b(St\.|Mt\.|Ft\.|Dr\.) ")


def mark_px(partners: int, top: int) -> float:
    """The diameter of an organization's mark: ``HUB_MARK_PX`` for those with the most partners
    (``top``), otherwise growing with partners from ``MIN_MARK_PX`` to ``OTHERS_MAX_PX``."""
    if top > 0 and partners >= top:
        return float(HUB_MARK_PX)
    share = partners / top if top > 0 else 0.0
    return round(MIN_MARK_PX + (OTHERS_MAX_PX - MIN_MARK_PX) * share, 1)


def short_label(name: str, limit: int = NAME_CHARS) -> str:
    """A short label for the picture: the abbreviation in brackets when there is one (``MAPC``),
    otherwise the name without bracketed parts, cut at a word to ``limit`` characters (a first word
    longer than that is kept whole)."""
    for inner in re.findall(r"\(([^()]*)\)", name):
        if 2 <= len(inner) <= 10 and " " not in inner and sum(ch.isupper() for ch in inner) >= 2:
            return cast("str", inner)
    plain = re.sub(r"\s*\([^()]*\)", "", name).strip() or name.strip()
    if len(plain) <= limit:
        return plain
    head = plain[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else plain.split(" ", 1)[0]  # a word is never cut
    return cut.rstrip(" ,;:–-.") + "…"


def label_lines(name: str, whole: bool = False) -> list[str]:
    """A name as the picture writes it: ``short_label`` in whole words on at most ``MAX_LINES`` lines of
    about ``LINE_CHARS`` characters (a longer word keeps its own line whole; what does not fit ends in "…");
    with ``whole`` (a downloaded picture), the full name on as many lines as it takes."""
    bound = ABBREVIATION.sub("\\1\u00a0", name.strip() if whole else short_label(name))  # "St. Louis" stays on one line
    lines = textwrap.wrap(bound, LINE_CHARS, break_long_words=False, break_on_hyphens=False)
    if len(lines) > MAX_LINES and not whole:
        lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1].rstrip(" ,;:–-…") + "…"]
    return lines or [name]


def to_px(x: float, y: float, plot: tuple[int, int] = PHONE_PLOT) -> tuple[float, float]:
    """A point in layout units as pixels of a ``plot`` (width, height) picture (y grows downwards)."""
    width, height = plot
    return (x + X_EXTENT) / (2 * X_EXTENT) * width, (Y_EXTENT - y) / (2 * Y_EXTENT) * height


def text_px(lines: Sequence[str]) -> tuple[float, float]:
    """The width and height a text of ``lines`` takes, in pixels."""
    return max(len(line) for line in lines) * CHAR_PX, LINE_PX * len(lines)


def place_names(nodes: list[dict[str, Any]], plot: tuple[int, int] = PHONE_PLOT) -> list[Box]:
    """Sets each node's name placement (``dx``, ``dy`` in pixels, ``align``, ``baseline``) for the
    nodes with a ``label``, in order (the most connected first); a name that finds no free place
    beside its mark is left off (its ``label`` emptied; it stays in the tooltip, the details and the
    tables). Returns the boxes of the marks and of the names placed, in pixels of ``plot``.

    Vega writes the lines of a text down from where a single line would sit, so a name of several
    lines above its mark (or centred beside it) is moved up by the lines it adds."""
    centres = [(*to_px(n["x"], n["y"], plot), n["mark_px"] / 2) for n in nodes]
    named = [i for i, n in enumerate(nodes) if n["label"]]
    lines = {i: nodes[i]["label"].split("\n") for i in named}
    anchors = [(*centres[i][:2], centres[i][2], text_px(lines[i])[0]) for i in named]
    tallest = max([len(lines[i]) for i in named] + [MAX_LINES])
    plan = label_plan(anchors, centres, *plot, line_px=LINE_PX * tallest)
    boxes: list[Box] = [anchored_box(x, y, 2 * r, 2 * r) for x, y, r in centres]
    for i, option in zip(named, plan):
        node = nodes[i]
        if option is None:
            node["label"] = ""
            continue
        anchor, baseline, (dx, dy), _ = option
        node.update(align=DECK_ALIGN[anchor], baseline=DECK_BASELINE[baseline])
        x, y, _ = centres[i]
        boxes.append(anchored_box(x + dx, y + dy, *text_px(lines[i]), node["align"], node["baseline"]))
        added = (len(lines[i]) - 1) * LINE_PX
        node.update(dx=dx, dy=dy - {"bottom": added, "middle": added / 2}.get(node["baseline"], 0))
    return boxes


def kind_room(edges: Sequence[dict[str, Any]], taken: Sequence[Box], plot: tuple[int, int] = PHONE_PLOT) -> list[bool]:
    """For each edge in turn, whether its kind can be written at its label point (``mx``, ``my``)
    without overlapping ``taken`` (marks and names) or a kind already written."""
    boxes = [anchored_box(*to_px(e["mx"], e["my"], plot), len(e["kind"]) * CHAR_PX, LINE_PX) for e in edges]
    return fits_in_turn(boxes, taken)

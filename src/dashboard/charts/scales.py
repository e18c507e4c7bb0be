"""Scales, axes and marks the Altair charts share: a site axis (the role on a second line under the
role lens), the role colours, confidence drawn as a shape (a filled disc when confirmed, a ring when
single-source, never by colour alone), the program years band, legends below the plot, multi-line axis
labels and the full-width sizing. Used by the Ecosystem metrics page's charts, the self-check's key
years and the network pictures; colours are Okabe–Ito (``constants``)."""

from __future__ import annotations

from typing import Any, cast

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.data.schema import ROLES
from dashboard.data.text import wrap_label

# Confidence is drawn as the mark's shape: a filled disc when confirmed, a ring when single-source.
RING = "M-1,0A1,1,0,1,1,1,0A1,1,0,1,1,-1,0ZM-0.55,0A0.55,0.55,0,1,0,0.55,0A0.55,0.55,0,1,0,-0.55,0Z"


CONFIDENCE_SHAPES = {"confirmed": "circle", "single-source": RING, C.PRODUCT_CONFIDENCE: "square", C.YOUR_ANSWER: "diamond"}


CONFIDENCE_LABELS = {
    "confirmed": "confirmed (2+ sources)",
    "single-source": "single source",
    C.PRODUCT_CONFIDENCE: "product record",
    C.YOUR_ANSWER: "your answer (not from sources)",
}


# Legend labels longer than 26 characters break onto a second line (narrow screens).
WRAP_LABEL = (
    "length(datum.label) > 26 && lastindexof(slice(datum.label, 0, 26), ' ') > 0 ? [slice(datum.label, 0, lastindexof(slice(datum.label, 0, 26), ' ')), "
    "slice(datum.label, lastindexof(slice(datum.label, 0, 26), ' ') + 1)] : datum.label"
)


LEGEND: dict[str, Any] = {
    "orient": "bottom",
    "direction": "vertical",
    "labelLimit": 300,
    "titleLimit": 300,
    "labelExpr": WRAP_LABEL,
}


# The program years band: a light shade behind the marks.
BAND_STYLE: dict[str, Any] = {"opacity": 0.15, "color": "gray"}


FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


# Axis labels may hold line breaks; band axes draw a rule between bands (sites or metrics).
MULTILINE = "split(datum.label, '\\n')"


BAND_AXIS = alt.Axis(labelExpr=MULTILINE, labelLimit=150, grid=True, bandPosition=0, ticks=False, domain=False)


def site_axis(
    frame: pd.DataFrame, lens: bool, order: list[str], all_sites: pd.DataFrame | None = None
) -> tuple[pd.Series, list[str]]:
    """Axis labels for the sites of ``frame`` (with the role on a second line under the lens), and the
    axis order: the site names ``order``, labelled the same way.

    Roles are read from ``all_sites`` (default: ``frame``), so ``order`` may hold sites without data,
    which keep a row.
    """

    def label(name: str, role: str) -> str:
        return wrap_label(name, 15) + (f"\n{role}" if lens else "")

    everyone = frame if all_sites is None else all_sites
    roles = dict(zip(everyone["site_name"], everyone["role"]))
    labels = pd.Series([label(n, r) for n, r in zip(frame["site_name"], frame["role"])], index=frame.index, dtype=object)
    return labels, [label(name, roles[name]) for name in order]


def confidence_shape(domain: list[str]) -> alt.Shape:
    """Shape by confidence (disc, ring, square) with a legend that explains each level."""
    labels = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in CONFIDENCE_LABELS.items()) + " : datum.label"
    return alt.Shape(
        "confidence:N",
        scale=alt.Scale(domain=domain, range=[CONFIDENCE_SHAPES[d] for d in domain]),
        legend=alt.Legend(
            title="Confidence",
            labelExpr=labels,
            symbolFillColor="gray",
            symbolStrokeWidth=0,
            symbolSize=120,
            orient="top",
            direction="vertical",
            labelLimit=200,
        ),
    )


def finish(chart: alt.TopLevelMixin, title: str | alt.Title, height: int | alt.Step, description: str) -> alt.TopLevelMixin:
    """Title, alt description and sizing: full container width, a height of its own, legends below."""
    return chart.properties(title=title, width="container", height=height, description=description, autosize=FIT_WIDTH)


def program_band(label: str, start: object, end: object, x: alt.X | str) -> alt.Chart:
    """The program years shaded from ``start`` to ``end`` across the plot, with a tooltip giving ``label``
    (their name, e.g. "program years 2014–2018"; ``x`` encodes the field ``start``)."""
    return cast(
        "alt.Chart",
        alt.Chart(pd.DataFrame({"start": [start], "end": [end], "label": [label]}))
        .mark_rect(**BAND_STYLE)
        .encode(x=x, x2=alt.X2("end"), tooltip=alt.Tooltip("label:N", title="Shaded")),
    )


def role_scale() -> alt.Scale:
    """Colour by site role: each role its own colour (``constants.ROLE_COLORS``), in ``ROLES`` order."""
    return alt.Scale(domain=list(ROLES), range=[C.ROLE_COLORS[r] for r in ROLES])

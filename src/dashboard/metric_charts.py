"""The Ecosystem metrics page's charts (Altair) and the chart views the page shows, one per tab, each
built once per view and cached.

Colours are Okabe–Ito; confidence is drawn as the mark's shape (a filled disc when confirmed, a
ring when single-source), never by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from . import constants as C
from . import filters as F
from .caching import page_cache
from .catalog import Catalog
from .chart_view import ChartView, chart_view
from .ecosystem_metrics import (
    CENSUS_METRICS,
    PRODUCT_CONFIDENCE,
    census_alt_text,
    census_frame,
    census_measure,
    census_sources_markdown,
    census_takeaway,
    not_found_markdown,
    order_sites,
    partner_alt_text,
    partner_by_role,
    partner_frame,
    partner_table,
    partner_takeaway,
    program_period,
    role_comparison_markdown,
    role_means,
    shown_table,
    site_frame,
    timeline_alt_text,
    timeline_frame,
    timeline_kinds,
    timeline_table,
    timeline_takeaway,
    year_alt_text,
    year_frame,
    year_takeaway,
)
from .schema import ORGANIZATION_TYPES, ROLES
from .text import wrap_label

# Confidence is drawn as the mark's shape: a filled disc when confirmed, a ring when single-source.
RING = "M-1,0A1,1,0,1,1,1,0A1,1,0,1,1,-1,0ZM-0.55,0A0.55,0.55,0,1,0,0.55,0A0.55,0.55,0,1,0,-0.55,0Z"


CONFIDENCE_SHAPES = {"confirmed": "circle", "single-source": RING, PRODUCT_CONFIDENCE: "square"}


CONFIDENCE_LABELS = {
    "confirmed": "confirmed (2+ sources)",
    "single-source": "single source",
    PRODUCT_CONFIDENCE: "product record",
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


FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


# Axis labels may hold line breaks; band axes draw a rule between bands (sites or metrics).
MULTILINE = "split(datum.label, '\\n')"


BAND_AXIS = alt.Axis(labelExpr=MULTILINE, labelLimit=150, grid=True, bandPosition=0, ticks=False, domain=False)


def _site_axis(frame: pd.DataFrame, lens: bool, all_sites: pd.DataFrame | None = None) -> tuple[pd.Series, list[str]]:
    """Axis labels for sites (with the role on a second line under the lens) and their order.

    The order covers ``all_sites`` (default: the sites of ``frame``) so sites without data keep a row.
    """

    def label(name: str, role: str) -> str:
        return wrap_label(name, 15) + (f"\n{role}" if lens else "")

    everyone = frame if all_sites is None else all_sites
    roles = dict(zip(everyone["site_name"], everyone["role"]))
    labels = pd.Series([label(n, r) for n, r in zip(frame["site_name"], frame["role"])], index=frame.index, dtype=object)
    return labels, [label(name, roles[name]) for name in order_sites(everyone, lens)]


def _confidence_shape(domain: list[str]) -> alt.Shape:
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


def _finish(chart: alt.TopLevelMixin, title: str | alt.Title, height: int | alt.Step, description: str) -> alt.TopLevelMixin:
    """Title, alt description and sizing: full container width, a height of its own, legends below."""
    return chart.properties(title=title, width="container", height=height, description=description, autosize=FIT_WIDTH)


def year_chart(frame: pd.DataFrame, lens: bool = False) -> alt.TopLevelMixin:
    """Dot chart of known years: a band per site, a sub-row and colour per metric, disc (confirmed) or ring (single source).

    With ``lens``, a band per metric with implementation and learning sites in their own sub-rows
    and a tick at each role's average year. Unknown values are not plotted.
    """
    known = frame[frame["known"]].copy()
    labels = list(dict.fromkeys(frame["metric_label"]))
    tooltip = [
        alt.Tooltip("site_name:N", title="Site"),
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("metric_label:N", title="Metric"),
        alt.Tooltip("display:N", title="Year"),
        alt.Tooltip("vintage:N", title="Vintage"),
        alt.Tooltip("confidence:N", title="Confidence"),
        alt.Tooltip("note:N", title="Note"),
    ]
    x = alt.X(
        "numeric:Q",
        title="Year",
        scale=alt.Scale(zero=False, nice=False, padding=12),
        axis=alt.Axis(format="d", tickMinStep=1, tickCount=6),
    )
    shape = _confidence_shape(["confirmed", "single-source"])
    if lens:
        known["metric_axis"] = known["metric_label"].map(wrap_label)
        order = [wrap_label(label) for label in labels]
        y = alt.Y("metric_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
        offset = alt.YOffset("role:N", sort=list(ROLES), scale=alt.Scale(domain=list(ROLES)))
        color = alt.Color("role:N", scale=_role_scale(), legend=alt.Legend(title="Site role", **LEGEND))
        means = role_means(frame).dropna(subset=["average"])
        means["metric_axis"] = means["metric_label"].map(wrap_label)
        ticks = (
            alt.Chart(means)
            .mark_tick(thickness=2, size=16)
            .encode(
                x="average:Q",
                y=y,
                yOffset=offset,
                color=color,
                tooltip=[
                    alt.Tooltip("metric_label:N", title="Metric"),
                    alt.Tooltip("role:N", title="Role"),
                    alt.Tooltip("average:Q", title="Average year", format=".0f"),
                    alt.Tooltip("with_value:Q", title="Sites with a value"),
                    alt.Tooltip("sites:Q", title="Sites in view"),
                ],
            )
        )
        title, height, extra = "Key years by site role (tick: role average)", 56 * max(len(labels), 1), [ticks]
    else:
        known["site_axis"], order = _site_axis(known, False, frame)
        y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
        offset = alt.YOffset("metric_label:N", sort=labels, scale=alt.Scale(domain=labels))
        color = alt.Color(
            "metric_label:N",
            scale=alt.Scale(domain=labels, range=list(C.CATEGORY_COLORS[: len(labels)])),
            legend=alt.Legend(title="Metric (one sub-row each, in this order)", **LEGEND),
        )
        title, height, extra = "Key years per site", 64 * max(len(order), 1), []
    points = (
        alt.Chart(known)
        .mark_point(size=110, filled=True, opacity=1)
        .encode(x=x, y=y, yOffset=offset, color=color, shape=shape, tooltip=tooltip)
    )
    return _finish(alt.layer(points, *extra), title, height, year_alt_text(frame, lens))


def _role_scale() -> alt.Scale:
    return alt.Scale(domain=list(ROLES), range=[C.ROLE_COLORS[r] for r in ROLES])


def census_chart(frame: pd.DataFrame, metric: str, vintage: str, lens: bool = False) -> alt.TopLevelMixin:
    """Horizontal bars of one census measure, labelled with the value; unknown sites get a text gap, not a bar.

    Bars are solid when confirmed and pale when single-source (the subtitle says so); with
    ``lens`` they are coloured by role.
    """
    data = frame[frame["metric"] == metric].copy()
    data["site_axis"], order = _site_axis(data, lens)
    label = data["metric_label"].iloc[0] if len(data) else metric
    unit = data["unit"].iloc[0] if len(data) else None
    top = data["numeric"].max()
    domain = [0, float(top) * 1.5] if pd.notna(top) and top > 0 else [0, 1]
    y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=alt.Axis(labelExpr=MULTILINE))
    x = alt.X(
        "numeric:Q",
        title=f"{label} ({unit})" if unit else label,
        scale=alt.Scale(domain=domain),
        axis=alt.Axis(format="~s", tickCount=3),
    )
    tooltip = [
        alt.Tooltip("site_name:N", title="Site"),
        alt.Tooltip("display:N", title=label),
        alt.Tooltip("vintage:N", title="Vintage"),
        alt.Tooltip("confidence:N", title="Confidence"),
    ]
    color: Any = (
        alt.Color("role:N", scale=_role_scale(), legend=alt.Legend(title="Site role", **LEGEND))
        if lens
        else alt.value(C.CATEGORY_COLORS[0])
    )
    opacity = alt.Opacity("confidence:N", scale=alt.Scale(domain=["confirmed", "single-source"], range=[1.0, 0.55]), legend=None)
    known = data[data["known"]]
    bars = alt.Chart(known).mark_bar(cornerRadiusEnd=2).encode(x=x, y=y, color=color, opacity=opacity, tooltip=tooltip)
    values = (
        alt.Chart(known).mark_text(align="left", dx=4, color=C.CHART_TEXT).encode(x=x, y=y, text="display:N", tooltip=tooltip)
    )
    gaps = (
        alt.Chart(data[~data["known"]])
        .mark_text(align="left", dx=4, fontStyle="italic", color=C.CHART_TEXT)
        .encode(x=alt.datum(0), y=y, text="display:N", tooltip=tooltip)
    )
    title = alt.Title(
        vintage, subtitle=["solid bar: confirmed (2+ sources)", "pale bar: single source"], subtitleColor=C.CHART_TEXT
    )
    return _finish(alt.layer(bars, values, gaps), title, alt.Step(40 if lens else 30), census_alt_text(data, vintage))


def _text_color(hex_color: str) -> str:
    """Black or white, whichever reads better on ``hex_color``."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.4 else "white"


TYPE_COLORS = dict(zip(ORGANIZATION_TYPES, C.CATEGORY_COLORS))


def partner_chart(frame: pd.DataFrame, lens: bool = False) -> alt.TopLevelMixin:
    """Stacked bars of partner organizations by type (fixed type order and Okabe–Ito colours), counts labelled."""
    data = frame.copy()
    data["label_color"] = data["type"].map(lambda t: _text_color(TYPE_COLORS[t]))
    data["middle"] = (data["start"] + data["end"]) / 2
    data["site_axis"] = data["site_name"].map(lambda name: wrap_label(name, 15))
    order = list(dict.fromkeys(data["site_axis"]))
    types = list(ORGANIZATION_TYPES)
    y = alt.Y("site_axis:N", sort=order, title=None, axis=alt.Axis(labelExpr=MULTILINE))
    tooltip = [
        alt.Tooltip("site_name:N", title="Site" if not lens else "Role"),
        alt.Tooltip("type:N", title="Type"),
        alt.Tooltip("count:Q", title="Organizations"),
    ]
    if not lens:
        tooltip.append(alt.Tooltip("organizations:N", title="Names"))
    top = float(data["end"].max()) if len(data) else 1.0
    x = alt.X("start:Q", title="Organizations", scale=alt.Scale(domain=[0, top * 1.12]), axis=alt.Axis(tickMinStep=1))
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            x2="end:Q",
            y=y,
            color=alt.Color(
                "type:N",
                scale=alt.Scale(domain=types, range=[TYPE_COLORS[t] for t in types]),
                legend=alt.Legend(title="Organization type", **LEGEND),
            ),
            tooltip=tooltip,
        )
    )
    counts = (
        alt.Chart(data)
        .mark_text(fontWeight="bold")
        .encode(x="middle:Q", y=y, text="count:Q", color=alt.Color("label_color:N", scale=None), tooltip=tooltip)
    )
    totals = (
        alt.Chart(data.drop_duplicates("site_axis"))
        .mark_text(align="left", dx=4, color=C.CHART_TEXT)
        .encode(x="total:Q", y=y, text=alt.Text("total:Q"))
    )
    title = "Partner organizations by type" + (" and site role" if lens else "")
    return _finish(alt.layer(bars, counts, totals), title, alt.Step(34), partner_alt_text(frame, lens))


def timeline_chart(
    frame: pd.DataFrame, sites: pd.DataFrame, kinds: list[str], period: tuple[int, int] | None, lens: bool = False
) -> alt.TopLevelMixin:
    """Dated events on a time axis: a band per site in view, a sub-row and colour per kind, shape by confidence.

    The program years are shaded when known.
    """
    data = frame.copy()
    data["site_axis"], order = _site_axis(data, lens, sites)
    data["date_text"] = data["date"].dt.strftime("%Y-%m-%d")
    y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
    x = alt.X(
        "date_text:T",
        title="Date (a year alone is placed at its start)",
        scale=alt.Scale(padding=12),
        axis=alt.Axis(format="%Y", tickCount=6),
    )
    points = (
        alt.Chart(data)
        .mark_point(size=90, filled=True, opacity=1)
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("kind:N", sort=kinds, scale=alt.Scale(domain=kinds)),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=list(C.CATEGORY_COLORS[: len(kinds)])),
                legend=alt.Legend(title="Event (one sub-row each, in this order)", **LEGEND),
            ),
            shape=_confidence_shape(["confirmed", "single-source", PRODUCT_CONFIDENCE]),
            tooltip=[
                alt.Tooltip("site_name:N", title="Site"),
                alt.Tooltip("when:N", title="Date"),
                alt.Tooltip("event:N", title="Event"),
                alt.Tooltip("confidence:N", title="Confidence"),
            ],
        )
    )
    layers: list[alt.Chart] = [points]
    if period:
        band = pd.DataFrame(
            {"start": [f"{period[0]}-01-01"], "end": [f"{period[1]}-12-31"], "label": [f"program years {period[0]}–{period[1]}"]}
        )
        layers.insert(
            0,
            alt.Chart(band)
            .mark_rect(opacity=0.15, color="gray")
            .encode(x="start:T", x2="end:T", tooltip=alt.Tooltip("label:N", title="Shaded")),
        )
    title = "Dated events per site" + (" (shaded: program years)" if period else "")
    return _finish(alt.layer(*layers), title, 70 * max(len(order), 1), timeline_alt_text(frame, period))


@dataclass(frozen=True)
class KeyYearsView:
    """The Key years tab: the chart, the metrics not plotted for want of a value, and (with the
    role lens) the implementation-versus-learning comparison."""

    chart: ChartView
    not_found_markdown: str
    comparison_markdown: str


@page_cache()
def key_years_view(catalog: Catalog, filters: F.Filters, lens: bool) -> KeyYearsView:
    """The Key years tab for the sites in view."""
    years = year_frame(catalog, filters)
    chart = chart_view(
        "Key years",
        year_takeaway(years, lens),
        year_chart(years, lens),
        shown_table(years),
        "key-years",
        year_alt_text(years, lens),
    )
    return KeyYearsView(chart, not_found_markdown(years), role_comparison_markdown(years) if lens else "")


@dataclass(frozen=True)
class CensusView:
    """The Census context tab for one release: its sources in a sentence and one chart per measure."""

    vintage: str
    sources_markdown: str
    charts: tuple[ChartView, ...]


@page_cache()
def census_view(catalog: Catalog, filters: F.Filters, vintage: str, lens: bool) -> CensusView:
    """One census release's measures for the sites in view (never mixed with another release)."""
    census = census_frame(catalog, filters, vintage)
    charts = []
    for metric in CENSUS_METRICS:
        part = census_measure(census, metric)
        charts.append(
            chart_view(
                str(part["metric_label"].iloc[0]) if len(part) else metric,
                census_takeaway(census, metric),
                census_chart(census, metric, vintage, lens),
                shown_table(part),
                f"census-{metric}",
                census_alt_text(part, vintage),
            )
        )
    return CensusView(vintage, census_sources_markdown(catalog, census), tuple(charts))


@page_cache()
def partners_view(catalog: Catalog, filters: F.Filters, lens: bool) -> ChartView:
    """The Partners tab: partner organizations by type per site (per role with ``lens``)."""
    partners = partner_frame(catalog, filters)
    shown = partner_by_role(partners, site_frame(catalog, filters)) if lens else partners
    return chart_view(
        "Partner composition",
        partner_takeaway(shown, lens),
        partner_chart(shown, lens),
        partner_table(shown, lens),
        "partner-composition",
        partner_alt_text(shown, lens),
    )


@page_cache()
def timeline_view(catalog: Catalog, filters: F.Filters, lens: bool) -> ChartView:
    """The Timeline tab: dated product launches and key years per site in view, program years shaded."""
    events = timeline_frame(catalog, filters)
    period = program_period(catalog)
    chart = timeline_chart(events, site_frame(catalog, filters), timeline_kinds(catalog), period, lens)
    return chart_view(
        "Timeline of dated facts",
        timeline_takeaway(events, period),
        chart,
        timeline_table(events),
        "timeline",
        timeline_alt_text(events, period),
    )

"""The Ecosystem metrics page's charts (Altair) and the chart views the page shows, one per tab, each
built once per view and cached.

Colours are Okabe–Ito; confidence is drawn as the mark's shape (a filled disc when confirmed, a
ring when single-source), never by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.data.catalog import Catalog
from dashboard.data.citations import citer, numbered_sources, sources_markdown
from dashboard.data.schema import ORGANIZATION_TYPES, ROLES
from dashboard.data.text import escape_markdown, wrap_label
from dashboard.data.values import NOT_FOUND
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.metrics.frames import (
    ALL_KEY_YEARS,
    CENSUS_METRICS,
    PRODUCT_CONFIDENCE,
    census_alt_text,
    census_frame,
    census_measure,
    census_sources_markdown,
    census_takeaway,
    chosen_years,
    not_found_markdown,
    order_sites,
    partner_alt_text,
    partner_by_role,
    partner_frame,
    partner_table,
    partner_takeaway,
    program_label,
    program_period,
    role_comparison_markdown,
    role_means,
    shown_table,
    single_metric,
    site_frame,
    timeline_alt_text,
    timeline_frame,
    timeline_kinds,
    timeline_table,
    timeline_takeaway,
    year_alt_text,
    year_frame,
    year_long_table,
    year_site_order,
    year_table,
    year_takeaway,
)
from dashboard.views.metrics.self_check import (
    QUESTIONS,
    YOUR_ANSWER,
    SelfCheck,
    Standing,
    self_check_table,
    standings,
    summary_sentence,
    your_rows,
)

# Confidence is drawn as the mark's shape: a filled disc when confirmed, a ring when single-source.
RING = "M-1,0A1,1,0,1,1,1,0A1,1,0,1,1,-1,0ZM-0.55,0A0.55,0.55,0,1,0,0.55,0A0.55,0.55,0,1,0,-0.55,0Z"


CONFIDENCE_SHAPES = {"confirmed": "circle", "single-source": RING, PRODUCT_CONFIDENCE: "square", YOUR_ANSWER: "diamond"}


CONFIDENCE_LABELS = {
    "confirmed": "confirmed (2+ sources)",
    "single-source": "single source",
    PRODUCT_CONFIDENCE: "product record",
    YOUR_ANSWER: "your answer (not from sources)",
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


# Key years: legends above the plot, read before the marks and within the first screen. Where the
# plot is narrower than NARROW pixels (phones) they stack and long labels wrap; wider, they sit side
# by side, the metric legend in two columns (read down the first, then the second).
NARROW = 500
TOP_LEGEND: dict[str, Any] = {
    "orient": "top",
    "direction": "vertical",
    "columns": alt.ExprRef(f"width < {NARROW} ? 1 : 2"),
    "labelLimit": 300,
    "titleLimit": 300,
    "labelExpr": f"width < {NARROW} && {WRAP_LABEL}",
}
TOP_LEGEND_LAYOUT = alt.ExprRef(f"{{top: {{anchor: 'start', direction: width < {NARROW} ? 'vertical' : 'horizontal'}}}}")


# The program years band: a light shade behind the marks.
BAND_STYLE: dict[str, Any] = {"opacity": 0.15, "color": "gray"}


FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


# Axis labels may hold line breaks; band axes draw a rule between bands (sites or metrics).
MULTILINE = "split(datum.label, '\\n')"


BAND_AXIS = alt.Axis(labelExpr=MULTILINE, labelLimit=150, grid=True, bandPosition=0, ticks=False, domain=False)


def _site_axis(
    frame: pd.DataFrame, lens: bool, all_sites: pd.DataFrame | None = None, order: list[str] | None = None
) -> tuple[pd.Series, list[str]]:
    """Axis labels for sites (with the role on a second line under the lens) and their order.

    The order covers ``all_sites`` (default: the sites of ``frame``) so sites without data keep a row;
    it is ``order`` (site names) when given, else ``order_sites``.
    """

    def label(name: str, role: str) -> str:
        return wrap_label(name, 15) + (f"\n{role}" if lens else "")

    everyone = frame if all_sites is None else all_sites
    roles = dict(zip(everyone["site_name"], everyone["role"]))
    labels = pd.Series([label(n, r) for n, r in zip(frame["site_name"], frame["role"])], index=frame.index, dtype=object)
    return labels, [label(name, roles[name]) for name in (order_sites(everyone, lens) if order is None else order)]


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


def _program_band(period: tuple[int, int], start: object, end: object, x: alt.X | str) -> alt.Chart:
    """The program years shaded from ``start`` to ``end`` across the plot, with a tooltip naming them
    (``x`` encodes the field ``start``)."""
    return (
        alt.Chart(pd.DataFrame({"start": [start], "end": [end], "label": [program_label(period)]}))
        .mark_rect(**BAND_STYLE)
        .encode(x=x, x2=alt.X2("end"), tooltip=alt.Tooltip("label:N", title="Shaded"))
    )


def _year_domain(frame: pd.DataFrame, period: tuple[int, int] | None) -> list[float] | None:
    """The year axis of the Key years chart: every known year of ``frame`` and the program years, a year's margin
    either side (the same whichever metric is shown, so switching metrics keeps the axis)."""
    years = [*frame.loc[frame["known"], "numeric"], *(period or ())]
    return [min(years) - 1, max(years) + 1] if years else None


def year_chart(
    frame: pd.DataFrame, lens: bool = False, period: tuple[int, int] | None = None, metric: str = ALL_KEY_YEARS
) -> alt.TopLevelMixin:
    """Dot chart of known years with the program years shaded, legends and the year axis above the marks.

    Every metric (``ALL_KEY_YEARS``): a band per site, a sub-row and colour per metric; with
    ``lens``, a band per metric with implementation and learning sites in their own sub-rows and a
    tick at each role's average year. One ``metric``: a row per site, earliest first, in one colour
    (by role with ``lens``), and "not found in sources" written in the rows of sites without a
    value. Marks are discs when confirmed and rings when single-source; unknown values are never plotted.
    """
    shown = chosen_years(frame, metric)
    single = single_metric(shown)
    known = shown[shown["known"]].copy()
    labels = list(dict.fromkeys(shown["metric_label"]))
    tooltip = [
        alt.Tooltip("site_name:N", title="Site"),
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("metric_label:N", title="Metric"),
        alt.Tooltip("display:N", title="Year"),
        alt.Tooltip("vintage:N", title="Vintage"),
        alt.Tooltip("confidence:N", title="Confidence"),
        alt.Tooltip("note:N", title="Note"),
    ]
    domain = _year_domain(frame, period)
    x_scale = alt.Scale(domain=domain, nice=False) if domain else alt.Scale(zero=False, nice=False, padding=12)
    x_axis = alt.Axis(format="d", tickMinStep=1, tickCount=6, orient="top")
    x = alt.X("numeric:Q", title=None, scale=x_scale, axis=x_axis)  # the ticks read as years; the title names the metric
    yours = [YOUR_ANSWER] if (known["confidence"] == YOUR_ANSWER).any() else []
    shape = _confidence_shape(["confirmed", "single-source", *yours])
    role_color = alt.Color("role:N", scale=_role_scale(), legend=alt.Legend(title="Site role", **TOP_LEGEND))
    offset: Any = alt.YOffset()
    extra: list[alt.Chart] = []
    order_note = ""
    if single is not None:
        order = year_site_order(shown, lens)
        known["site_axis"], axis_order = _site_axis(known, lens, shown, order)
        y = alt.Y("site_axis:N", sort=axis_order, title=None, scale=alt.Scale(domain=axis_order), axis=BAND_AXIS)
        color: Any = role_color if lens else alt.value(C.CATEGORY_COLORS[0])
        gaps = shown[~shown["known"]].copy()
        gaps["site_axis"], _ = _site_axis(gaps, lens, shown, order)
        extra.append(
            alt.Chart(gaps)
            .mark_text(align="left", dx=4, fontStyle="italic", color=C.CHART_TEXT)
            .encode(x=alt.value(0), y=y, text="display:N", tooltip=tooltip)
        )
        title, order_note = single, "Sites by role, earliest first" if lens else "Sites earliest first"
        height: int | alt.Step = alt.Step(48 if lens else 32)  # under the lens a label takes up to three lines
    elif lens:
        known["metric_axis"] = known["metric_label"].map(wrap_label)
        order = [wrap_label(label) for label in labels]
        y = alt.Y("metric_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
        offset = alt.YOffset("role:N", sort=list(ROLES), scale=alt.Scale(domain=list(ROLES)))
        color = role_color
        means = role_means(shown).dropna(subset=["average"])
        means["metric_axis"] = means["metric_label"].map(wrap_label)
        extra.append(
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
        title, height = "Key years by site role (tick: role average)", 52 * max(len(labels), 1)
    else:
        known["site_axis"], order = _site_axis(known, False, shown)
        y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
        offset = alt.YOffset("metric_label:N", sort=labels, scale=alt.Scale(domain=labels))
        color = alt.Color(
            "metric_label:N",
            scale=alt.Scale(domain=labels, range=list(C.CATEGORY_COLORS[: len(labels)])),
            legend=alt.Legend(title="Metric (one sub-row each, in this order)", **TOP_LEGEND),
        )
        title, height = "Key years per site", 54 * max(len(order), 1)
    points = (
        alt.Chart(known)
        .mark_point(size=110, filled=True, opacity=1)
        .encode(x=x, y=y, yOffset=offset, color=color, shape=shape, tooltip=tooltip)
    )
    layers = [points, *extra]
    if period:
        # A year is a point at its start: shading half a year either side keeps the first and last program years inside.
        band_x = alt.X("start:Q", title=None, scale=x_scale, axis=x_axis)
        layers.insert(0, _program_band(period, period[0] - 0.5, period[1] + 0.5, band_x))
    notes = [note for note in (order_note, f"Shaded: {program_label(period)}" if period else "") if note]
    heading = alt.Title(title, subtitle=notes, subtitleColor=C.CHART_TEXT) if notes else title
    chart = _finish(alt.layer(*layers), heading, height, year_alt_text(shown, lens, period))
    return chart.configure_legend(layout=TOP_LEGEND_LAYOUT)


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
        alt.Tooltip("margin:N", title="Margin of error"),
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
        layers.insert(0, _program_band(period, f"{period[0]}-01-01", f"{period[1]}-12-31", "start:T"))
    title = "Dated events per site" + (" (shaded: program years)" if period else "")
    return _finish(alt.layer(*layers), title, 70 * max(len(order), 1), timeline_alt_text(frame, period))


@dataclass(frozen=True)
class KeyYearsView:
    """The Key years tab: the chart (its data behind it in long form), the same years as a wide site ×
    metric table, the metrics not plotted for want of a value, and (with the role lens and every
    metric) the implementation-versus-learning comparison."""

    chart: ChartView
    table: pd.DataFrame
    table_name: str
    not_found_markdown: str
    comparison_markdown: str


@page_cache()
def key_years_view(catalog: Catalog, filters: F.Filters, lens: bool, metric: str = ALL_KEY_YEARS) -> KeyYearsView:
    """The Key years tab for the sites in view: every year metric, or one ``metric`` (an unknown id shows every one)."""
    years = year_frame(catalog, filters)
    shown = chosen_years(years, metric)
    period = program_period(catalog)
    name = "key-years" if single_metric(shown) is None else f"key-years-{shown['metric'].iloc[0]}"
    chart = chart_view(
        "Key years",
        escape_markdown(year_takeaway(shown, lens, period)),
        year_chart(years, lens, period, metric),
        year_long_table(shown, lens),
        name,
        year_alt_text(shown, lens, period),
    )
    comparison = role_comparison_markdown(shown) if lens and single_metric(shown) is None else ""
    return KeyYearsView(chart, year_table(shown, lens), f"{name}-by-site", not_found_markdown(shown), comparison)


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
                shown_table(part, margins=True),
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


@dataclass(frozen=True)
class SelfCheckView:
    """The self-check beside the sites: the Key years chart with the person's place as its first row,
    a summary sentence, each question's standing of the sites when the program began (cited), the
    numbered sources, and the same as a table for CSV."""

    chart: ChartView
    summary: str
    began: str
    sources: str
    table: pd.DataFrame


def _began_markdown(check: SelfCheck, table: dict[str, list[Standing]], start: int, cite: Callable[[Any], str]) -> str:
    """Per question: the person's answer (marked as theirs), then the sites in place when the program
    began, those that began later and those not found in sources, each year cited."""
    blocks = []
    for question, answer in zip(QUESTIONS, check.answers):
        rows = table.get(question.metric, [])
        groups = {
            f"In place when CTDC began ({start})": [s for s in rows if s.kind == "in place"],
            "Later": [s for s in rows if s.kind == "later"],
            NOT_FOUND.capitalize(): [s for s in rows if s.kind == "unknown"],
        }
        lines = [f"- {escape_markdown(check.label)}: **{escape_markdown(answer.text)}** *(your answer)*"]
        for title, members in groups.items():
            if not members:
                continue
            if title == NOT_FOUND.capitalize():
                lines.append(f"- {title}: " + ", ".join(escape_markdown(s.site_name) for s in members))
            else:
                shown = (f"{escape_markdown(s.site_name)} {escape_markdown(s.text)} {cite(s.sources)}".rstrip() for s in members)
                lines.append(f"- {title}: " + "; ".join(shown))
        blocks.append(f"**{escape_markdown(question.label)}**\n\n" + "\n".join(lines))
    return "\n\n".join(blocks)


@page_cache()
def self_check_view(catalog: Catalog, filters: F.Filters, check: SelfCheck) -> SelfCheckView:
    """The person's answers on the Key years chart beside the sites in view, and where each site stood
    on the same questions when the program began (its first year; the year the chart's shading starts)."""
    years = year_frame(catalog, filters)
    asked = years[years["metric"].isin([q.metric for q in QUESTIONS])]
    period = program_period(catalog)
    start = period[0] if period else int(pd.Timestamp.now().year)
    labels = dict(zip(asked["metric"], asked["metric_label"]))
    frame = pd.concat([your_rows(check, labels), asked], ignore_index=True)
    yours = "diamonds" if any(a.year is not None for a in check.answers) else "none plotted yet"
    alt_text = (
        f"{year_alt_text(asked, False, period)} The first row, {check.label}, holds your answers ({yours}), not sourced values."
    )
    table = standings(asked, start)
    summary = summary_sentence(check, table, start)
    sources = numbered_sources(catalog, {s for rows in table.values() for r in rows if r.kind != "unknown" for s in r.sources})
    chart = chart_view(
        "Your place beside the sites",
        escape_markdown(summary),
        year_chart(frame, False, period),
        shown_table(frame),
        "self-check-key-years",
        alt_text,
        note="Marks left of the shaded band were in place before CTDC began. Your answers are drawn as diamonds.",
    )
    return SelfCheckView(
        chart,
        escape_markdown(summary),
        _began_markdown(check, table, start, citer(sources)),
        sources_markdown(sources),
        self_check_table(check, table, start),
    )

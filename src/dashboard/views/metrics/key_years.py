"""The Ecosystem metrics page's Key years tab: when each site's key institutions began (NNIP partner,
civic tech group, open data policy and portal, data executive, What Works Cities), for every metric or
one, drawn as an Altair dot chart with the program years shaded; its takeaway, alt text and tables, and
under the role lens the implementation-versus-learning comparison. The self-check
(``views.self_check``) draws a visitor's answers on the same chart."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.charts.scales import BAND_AXIS, WRAP_LABEL, confidence_shape, finish, program_band, role_scale, site_axis
from dashboard.data.catalog import Catalog
from dashboard.data.schema import ROLES
from dashboard.data.text import escape_markdown, wrap_label
from dashboard.data.values import NOT_FOUND
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import metric_corrections
from dashboard.views.metrics.site_metrics import (
    YEAR_METRICS,
    lower_first,
    metric_frame,
    not_found_markdown,
    order_sites,
    program_label,
    program_period,
    role_means,
    shown_table,
    text_table,
    year_metric_labels,
)

# The Key years tab's choice: every year metric at once (the default), or one of them by id.
ALL_KEY_YEARS = "all"
ALL_KEY_YEARS_LABEL = "All key years"
TITLE = "Key years"  # the chart's heading


def year_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """The year metrics (NNIP join, brigade founding, open data policy, portal, data executive, WWC) per site."""
    return metric_frame(catalog, filters, YEAR_METRICS)


def year_metric_options(catalog: Catalog) -> dict[str, str]:
    """The Key years tab's choices, id -> label: ``ALL_KEY_YEARS`` first, then each year metric."""
    return {ALL_KEY_YEARS: ALL_KEY_YEARS_LABEL, **year_metric_labels(catalog)}


def chosen_years(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of ``metric`` in a year frame; every row for ``ALL_KEY_YEARS`` or a metric the frame lacks."""
    part = frame[frame["metric"] == metric]
    return part if len(part) else frame


def single_metric(frame: pd.DataFrame) -> str | None:
    """The metric label when ``frame`` holds exactly one metric, else None."""
    labels = frame["metric_label"].unique()
    return str(labels[0]) if len(labels) == 1 else None


def year_site_order(frame: pd.DataFrame, lens: bool = False) -> list[str]:
    """Site names in the order the Key years chart and tables show them.

    Catalog order (implementation sites first under ``lens``); for a single metric, earliest year
    first, ties in catalog order and sites without a value last.
    """
    names = order_sites(frame, lens)
    if single_metric(frame) is None:
        return names
    years = dict(zip(frame["site_name"], frame["numeric"]))
    roles = dict(zip(frame["site_name"], frame["role"]))
    rank = {role: i for i, role in enumerate(ROLES)}

    def key(name: str) -> tuple[int, bool, float]:
        year = years[name]
        return (rank[roles[name]] if lens else 0, math.isnan(year), 0.0 if math.isnan(year) else year)

    return sorted(names, key=key)  # stable: ties keep catalog order


def year_table(frame: pd.DataFrame, lens: bool = False) -> pd.DataFrame:
    """The wide Key years table: a row per site (chart order), a column per metric, ``NOT_FOUND`` where unknown."""
    return text_table(frame, lens, year_site_order(frame, lens) if len(frame) else None)


def year_long_table(frame: pd.DataFrame, lens: bool = False) -> pd.DataFrame:
    """The long Key years table (``shown_table``): a row per site and metric; for one metric, sites in chart order."""
    if single_metric(frame) is not None:
        rank = {name: i for i, name in enumerate(year_site_order(frame, lens))}
        frame = frame.sort_values("site_name", key=lambda names: names.map(rank), kind="stable")
    return shown_table(frame)


def role_comparison(frame: pd.DataFrame) -> list[str]:
    """One sentence per metric giving the known years of implementation and learning sites, each year with
    its sites (the years themselves: a mean of two or three years would hide them)."""
    sentences = []
    for label, group in frame.groupby("metric_label", sort=False):
        parts = []
        for role in ROLES:
            rows = group[group["role"] == role]
            known = rows[rows["known"]]
            if rows.empty:
                continue
            if known.empty:
                parts.append(f"no {role} site has a value (0 of {len(rows)})")
                continue
            years = _in_words([f"{year:.0f} ({_names_at(known, year)})" for year in sorted(set(known["numeric"]))])
            parts.append(f"{role} sites {years}, {len(known)} of {len(rows)} with a value")
        sentences.append(f"{label}: " + "; ".join(parts) + ".")
    return sentences


def role_comparison_markdown(frame: pd.DataFrame) -> str:
    """The implementation-versus-learning comparison sentences as one Markdown block."""
    sentences = "\n".join(f"- {escape_markdown(s)}" for s in role_comparison(frame))
    return "**Implementation and learning sites compared** (known values only)\n\n" + sentences


def year_takeaway(frame: pd.DataFrame, lens: bool = False, period: tuple[int, int] | None = None) -> str:
    """Plain sentences from the data: how many values are known, the earliest and latest (for one
    metric, the sites), and how many fall within the program years; with ``lens``, the role comparison."""
    label = single_metric(frame)
    known = frame[frame["known"]]
    if lens:
        sentences = role_comparison(frame)
        text = sentences[0] if sentences else "No sites in view."
    elif label is None:
        if known.empty:
            return f"None of the {len(frame)} site-year values is in the sources."
        first = known.loc[known["numeric"].idxmin()]
        last = known.loc[known["numeric"].idxmax()]
        text = (
            f"{len(known)} of {len(frame)} site-year values are in the sources; the earliest is "
            f"{first.site_name}'s {lower_first(first.metric_label)} ({first.display}) and the latest "
            f"{last.site_name}'s {lower_first(last.metric_label)} ({last.display})."
        )
    elif known.empty:
        return f"{label}: no site in view has a value in the sources."
    elif len(known) == 1:
        only = known.iloc[0]
        text = f"{label}: only {only.site_name} of the {len(frame)} sites in view has a value in the sources ({only.display})."
    else:
        first, last = known["numeric"].min(), known["numeric"].max()
        text = (
            f"{label}: {len(known)} of {len(frame)} sites have a value in the sources, the earliest "
            f"{_names_at(known, first)} ({first:.0f}) and the latest {_names_at(known, last)} ({last:.0f})."
        )
    program = program_sentence(known, period)
    return f"{text} {program}" if program else text


def _in_words(items: list[str]) -> str:
    """Items joined as a sentence lists them ("a", "a and b", "a, b and c")."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names_at(known: pd.DataFrame, year: float) -> str:
    """The names of the sites whose value is ``year``, joined in words ("Boston and Cleveland")."""
    return _in_words([str(name) for name in known.loc[known["numeric"] == year, "site_name"]])


def program_sentence(frame: pd.DataFrame, period: tuple[int, int] | None) -> str:
    """How many known values of ``frame`` fall within the program years, shaded on the chart
    ("" without a program period or a known value)."""
    years = frame.loc[frame["known"], "numeric"]
    if period is None or years.empty:
        return ""
    inside = int(years.between(*period).sum())
    where = f"the {program_label(period)} (shaded)"
    if len(years) == 1:
        return f"It falls {'within' if inside else 'outside'} {where}."
    count = "None" if inside == 0 else str(inside)
    return f"{count} of the {len(years)} {'fall' if inside > 1 else 'falls'} within {where}."


def year_alt_text(frame: pd.DataFrame, lens: bool = False, period: tuple[int, int] | None = None) -> str:
    """Alt text for the Key years chart: its layout, the program years band and (for one metric) each site's year."""
    label = single_metric(frame)
    band = f" A shaded band marks the {program_label(period)}." if period else ""
    confidence = "Filled marks are confirmed by two or more sources, open marks rest on one."
    if label is None:
        known = int(frame["known"].sum())
        view = (
            "one row per metric, implementation and learning sites side by side with each role's average"
            if lens
            else "one row per site with a mark per metric, each metric in its own sub-row and colour"
        )
        return (
            f"Dot chart of key years, {view}.{band} {known} of {len(frame)} values are plotted. {confidence} "
            f"The rest are {NOT_FOUND} and listed below."
        )
    view = "implementation sites first, each role in its own colour, earliest first within each" if lens else "earliest first"
    shown = dict(zip(frame["site_name"], frame["display"]))
    values = "; ".join(f"{name}: {shown[name]}" for name in year_site_order(frame, lens))
    return f"Dot chart of {lower_first(label)}, one row per site, {view}.{band} {values}. {confidence}"


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


def _year_domain(frame: pd.DataFrame, period: tuple[int, int] | None) -> list[float] | None:
    """The year axis of the Key years chart: the known years of ``frame`` (the metrics shown) and the program
    years, a year's margin either side, so years close together stay apart when one metric is shown."""
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
    domain = _year_domain(shown, period)
    x_scale = alt.Scale(domain=domain, nice=False) if domain else alt.Scale(zero=False, nice=False, padding=12)
    x_axis = alt.Axis(format="d", tickMinStep=1, tickCount=6, orient="top")
    x = alt.X("numeric:Q", title=None, scale=x_scale, axis=x_axis)  # the ticks read as years; the title names the metric
    yours = [C.YOUR_ANSWER] if (known["confidence"] == C.YOUR_ANSWER).any() else []
    shape = confidence_shape(["confirmed", "single-source", *yours])
    role_color = alt.Color("role:N", scale=role_scale(), legend=alt.Legend(title="Site role", **TOP_LEGEND))
    offset: Any = alt.YOffset()
    extra: list[alt.Chart] = []
    order_note = ""
    if single is not None:
        order = year_site_order(shown, lens)
        known["site_axis"], axis_order = site_axis(known, lens, order, shown)
        y = alt.Y("site_axis:N", sort=axis_order, title=None, scale=alt.Scale(domain=axis_order), axis=BAND_AXIS)
        color: Any = role_color if lens else alt.value(C.CATEGORY_COLORS[0])
        gaps = shown[~shown["known"]].copy()
        gaps["site_axis"], _ = site_axis(gaps, lens, order, shown)
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
        known["site_axis"], order = site_axis(known, False, order_sites(shown, False), shown)
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
        layers.insert(0, program_band(program_label(period), period[0] - 0.5, period[1] + 0.5, band_x))
    notes = [note for note in (order_note, f"Shaded: {program_label(period)}" if period else "") if note]
    heading = alt.Title(title, subtitle=notes, subtitleColor=C.CHART_TEXT) if notes else title
    chart = finish(alt.layer(*layers), heading, height, year_alt_text(shown, lens, period))
    return cast("alt.TopLevelMixin", chart.configure_legend(layout=TOP_LEGEND_LAYOUT))


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
def key_years_view(
    catalog: Catalog, filters: F.Filters, lens: bool, metric: str = ALL_KEY_YEARS, repository: str | None = None
) -> KeyYearsView:
    """The Key years tab for the sites in view: every year metric, or one ``metric`` (an unknown id shows every
    one); with a ``repository``, each year in the table behind the chart links to suggest a correction."""
    years = year_frame(catalog, filters)
    shown = chosen_years(years, metric)
    period = program_period(catalog)
    name = "key-years" if single_metric(shown) is None else f"key-years-{shown['metric'].iloc[0]}"
    chart = chart_view(
        TITLE,
        escape_markdown(year_takeaway(shown, lens, period)),
        year_chart(years, lens, period, metric),
        year_long_table(metric_corrections(catalog, shown, repository), lens),
        name,
        year_alt_text(shown, lens, period),
    )
    comparison = role_comparison_markdown(shown) if lens and single_metric(shown) is None else ""
    return KeyYearsView(chart, year_table(shown, lens), f"{name}-by-site", not_found_markdown(shown), comparison)

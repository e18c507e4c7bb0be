"""The Ecosystem metrics page's Census context tab: one census release's measures (population, median
household income, poverty and unemployment rates) for the sites in view, never mixed with another
release, each drawn as Altair bars with its takeaway and alt text, and where the figures come from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.charts.scales import LEGEND, MULTILINE, finish, role_scale, site_axis
from dashboard.data.catalog import Catalog
from dashboard.data.schema import NOT_YET_CHECKED
from dashboard.data.text import markdown_link
from dashboard.data.values import NOT_FOUND
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import metric_corrections
from dashboard.views.metrics.site_metrics import lower_first, metric_frame, order_sites, shown_table

CENSUS_METRICS = ("population", "median_household_income_usd", "poverty_rate_pct", "unemployment_rate_pct")


@page_cache()
def census_vintages(catalog: Catalog, filters: F.Filters) -> tuple[str, ...]:
    """The census vintages that have at least one value for a site in view, newest first."""
    frame = metric_frame(catalog, filters, CENSUS_METRICS)
    return tuple(sorted(set(frame.loc[frame["known"], "vintage"]), reverse=True))


def census_frame(catalog: Catalog, filters: F.Filters, vintage: str) -> pd.DataFrame:
    """Census measures for the sites in view from one vintage only (values of other vintages are ignored)."""
    return metric_frame(catalog, filters, CENSUS_METRICS, vintage=vintage)


def census_measure(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of one census measure."""
    return frame[frame["metric"] == metric]


def _linked_titles(titles: pd.DataFrame, ids: list[str]) -> str:
    """The sources ``ids`` (those in ``titles``, the source table by id) as linked titles joined by semicolons."""
    return "; ".join(markdown_link(titles.loc[s, "title"], titles.loc[s, "url"]) for s in ids if s in titles.index)


def census_sources_markdown(catalog: Catalog, frame: pd.DataFrame) -> str:
    """Where the census figures come from, as Markdown: the sources their values were taken from (the
    compilation first), then, separately, the Census Bureau's query for each place that would confirm
    them, and how many figures it has confirmed ("not yet checked against the Census Bureau" until
    ``make refresh-census`` has run)."""
    known = frame[frame["known"]]
    titles = catalog.sources.set_index("id")
    rows = catalog.metrics.merge(known[["site", "metric", "vintage", "site_name"]], on=["site", "metric", "vintage"])
    taken = list(dict.fromkeys(rows["value_source"].dropna()))
    queried = set(rows["census_query"])
    others = [s for s in dict.fromkeys(s for ids in rows["sources"] for s in ids) if s not in taken and s not in queried]
    queries = dict.fromkeys(zip(rows["site_name"], rows["census_query"]))
    parts = [f"values taken from {_linked_titles(titles, taken)}"]
    if others:
        parts[0] += f", with {_linked_titles(titles, others)} showing the same figures"
    sites = ", ".join(
        markdown_link(site, titles.loc[q, "url"], titles.loc[q, "title"]) for site, q in queries if q in titles.index
    )
    parts.append(f"the Census Bureau's own query for each place, which would confirm them: {sites}")
    unchecked = int((rows["census_check"] == NOT_YET_CHECKED).sum())
    checked = rows.loc[rows["census_check"] != NOT_YET_CHECKED, "census_checked"]
    status = f"{unchecked} of {len(rows)} figures not yet checked against the Census Bureau"
    if len(checked):
        status += f"; {len(checked)} checked by `make refresh-census` (last on {checked.max()})"
    return "; ".join([*parts, status])


def census_takeaway(frame: pd.DataFrame, metric: str) -> str:
    """Highest and lowest site on one census measure, and how many sites lack a value."""
    data = frame[frame["metric"] == metric]
    known = data[data["known"]]
    label = lower_first(data["metric_label"].iloc[0]) if len(data) else metric
    if known.empty:
        return f"No site in view has a {label} value in this release."
    high = known.loc[known["numeric"].idxmax()]
    low = known.loc[known["numeric"].idxmin()]
    missing = len(data) - len(known)
    text = f"{high.site_name} has the highest {label} in view ({high.display})"
    text += f" and {low.site_name} the lowest ({low.display})." if len(known) > 1 else "."
    if missing:
        text += f" {missing} site(s): {NOT_FOUND}."
    return text


def census_alt_text(data: pd.DataFrame, vintage: str) -> str:
    """Alt text for one census bar chart: each site's value in words."""
    label = data["metric_label"].iloc[0] if len(data) else "Census measure"
    parts = "; ".join(f"{r.site_name}: {r.display}" for r in data.itertuples())
    return f"Bar chart of {label.lower()} by site, {vintage}. {parts}."


def census_chart(frame: pd.DataFrame, metric: str, vintage: str, lens: bool = False) -> alt.TopLevelMixin:
    """Horizontal bars of one census measure, labelled with the value; unknown sites get a text gap, not a bar.

    Bars are solid when confirmed and pale when single-source (the subtitle says so); with
    ``lens`` they are coloured by role.
    """
    data = frame[frame["metric"] == metric].copy()
    data["site_axis"], order = site_axis(data, lens, order_sites(data, lens))
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
        alt.Color("role:N", scale=role_scale(), legend=alt.Legend(title="Site role", **LEGEND))
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
    return finish(alt.layer(bars, values, gaps), title, alt.Step(40 if lens else 30), census_alt_text(data, vintage))


@dataclass(frozen=True)
class CensusView:
    """The Census context tab for one release: its sources in a sentence and one chart per measure."""

    vintage: str
    sources_markdown: str
    charts: tuple[ChartView, ...]


@page_cache()
def census_view(catalog: Catalog, filters: F.Filters, vintage: str, lens: bool, repository: str | None = None) -> CensusView:
    """One census release's measures for the sites in view (never mixed with another release); with a
    ``repository``, each figure in the tables behind the charts links to suggest a correction."""
    census = census_frame(catalog, filters, vintage)
    charts = []
    for metric in CENSUS_METRICS:
        part = census_measure(census, metric)
        charts.append(
            chart_view(
                str(part["metric_label"].iloc[0]) if len(part) else metric,
                census_takeaway(census, metric),
                census_chart(census, metric, vintage, lens),
                shown_table(metric_corrections(catalog, part, repository), margins=True),
                f"census-{metric}",
                census_alt_text(part, vintage),
            )
        )
    return CensusView(vintage, census_sources_markdown(catalog, census), tuple(charts))

"""The Ecosystem metrics page's Timeline tab: the dated facts of the sites in view (product launches
and key years, at the precision the sources give) on an Altair time axis, a band per site, shape by
confidence and the program years shaded, with its takeaway, alt text and table."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.charts.scales import BAND_AXIS, LEGEND, confidence_shape, finish, program_band, site_axis
from dashboard.data.catalog import Catalog
from dashboard.data.values import NOT_FOUND, parse_partial_date
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import event_record, metric_record, with_corrections
from dashboard.views.metrics.site_metrics import (
    YEAR_METRICS,
    metric_frame,
    order_sites,
    program_label,
    program_period,
    site_frame,
    year_metric_labels,
)

# A year metric and the text metric that names the thing dated by it (per their definitions).
YEAR_DETAILS = {
    "cfa_brigade_founded_year": "cfa_brigade_name",
    "open_data_policy_year": "open_data_policy",
    "open_data_portal_launch_year": "open_data_portal",
    "first_data_exec_year": "first_data_exec_role",
    "wwc_certification_year": "wwc_certification",
}


PRODUCT_EVENT = "Product or activity launched"


def timeline_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Dated facts per site in view: product launches and key years, at the precision the sources give, each
    with the id of the ``record`` that dates it."""
    rows = []
    names = dict(zip(catalog.products["id"], catalog.products["name"]))
    sites = site_frame(catalog, filters).set_index("site")
    for product in F.filter_products(catalog, filters).itertuples():
        when = parse_partial_date(product.launched)
        if when is None:
            continue
        rows.append(
            {
                "site": product.site,
                "date": when,
                "when": product.launched,
                "kind": PRODUCT_EVENT,
                "event": f"{PRODUCT_EVENT}: {names[product.id]}",
                "confidence": C.PRODUCT_CONFIDENCE,
                "sources": list(product.sources),
                "record": product.id,
            }
        )
    frame = metric_frame(catalog, filters, YEAR_METRICS + tuple(YEAR_DETAILS.values()))
    details = frame.set_index(["site", "metric"])["display"]
    for row in frame[frame["known"] & frame["metric"].isin(YEAR_METRICS)].itertuples():
        when = parse_partial_date(row.vintage)
        if when is None or when.year != int(row.numeric):
            when, shown = pd.Timestamp(int(row.numeric), 1, 1), row.display
        else:
            shown = row.vintage
        detail = details.get((row.site, YEAR_DETAILS.get(row.metric)), NOT_FOUND)
        event = row.metric_label + (f": {detail}" if detail != NOT_FOUND else "")
        found = metric_record(catalog, row.site, row.metric, row.vintage)
        rows.append(
            {
                "site": row.site,
                "date": when,
                "when": shown,
                "kind": row.metric_label,
                "event": event,
                "confidence": row.confidence,
                "sources": row.sources,
                "record": found[1]["id"] if found else "",
            }
        )
    out = pd.DataFrame(rows, columns=["site", "date", "when", "kind", "event", "confidence", "sources", "record"])
    out["site_name"] = out["site"].map(sites["site_name"])
    out["role"] = out["site"].map(sites["role"])
    out = out.sort_values(["date", "site"], kind="stable").reset_index(drop=True)
    return out[["site", "site_name", "role", "date", "when", "kind", "event", "confidence", "sources", "record"]]


def timeline_kinds(catalog: Catalog) -> list[str]:
    """Event kinds in legend order: the key-year metric labels, then product launches."""
    return [*year_metric_labels(catalog).values(), PRODUCT_EVENT]


def timeline_takeaway(frame: pd.DataFrame, period: tuple[int, int] | None) -> str:
    """How many dated events, their span, and how many fall in the program years."""
    if frame.empty:
        return "No dated events for the sites in view."
    years = frame["date"].dt.year
    text = f"{len(frame)} dated events from {years.min()} to {years.max()}"
    if period:
        inside = int(years.between(*period).sum())
        text += f"; {inside} fall within the {program_label(period)}"
    return text + "."


def timeline_alt_text(frame: pd.DataFrame, period: tuple[int, int] | None) -> str:
    """Alt text for the timeline: what is plotted and the span."""
    return (
        "Timeline with one row per site and a mark per dated event (product launches and key years); "
        + timeline_takeaway(frame, period)
        + " The table below lists every event."
    )


def timeline_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The timeline's reader-facing columns."""
    return frame[["site_name", "role", "when", "event", "confidence", "sources"]].rename(
        columns={"site_name": "site", "when": "date"}
    )


def timeline_chart(
    frame: pd.DataFrame, sites: pd.DataFrame, kinds: list[str], period: tuple[int, int] | None, lens: bool = False
) -> alt.TopLevelMixin:
    """Dated events on a time axis: a band per site in view, a sub-row and colour per kind, shape by confidence.

    The program years are shaded when known.
    """
    data = frame.copy()
    data["site_axis"], order = site_axis(data, lens, order_sites(sites, lens), sites)
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
            shape=confidence_shape(["confirmed", "single-source", C.PRODUCT_CONFIDENCE]),
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
        layers.insert(0, program_band(program_label(period), f"{period[0]}-01-01", f"{period[1]}-12-31", "start:T"))
    title = "Dated events per site" + (" (shaded: program years)" if period else "")
    return finish(alt.layer(*layers), title, 70 * max(len(order), 1), timeline_alt_text(frame, period))


@page_cache()
def timeline_view(catalog: Catalog, filters: F.Filters, lens: bool, repository: str | None = None) -> ChartView:
    """The Timeline tab: dated product launches and key years per site in view, program years shaded; with a
    ``repository``, each event in the table links to suggest a correction to its record."""
    events = timeline_frame(catalog, filters)
    period = program_period(catalog)
    chart = timeline_chart(events.drop(columns=["record"]), site_frame(catalog, filters), timeline_kinds(catalog), period, lens)
    records = [event_record(catalog, record_id) for record_id in events["record"]]
    return chart_view(
        "Timeline of dated facts",
        timeline_takeaway(events, period),
        chart,
        with_corrections(timeline_table(events), repository, records),
        "timeline",
        timeline_alt_text(events, period),
    )

"""The Ecosystem metrics page's Partners tab: the partner organizations of each site in view by type
(summed per role under the lens), drawn as Altair stacked bars in a fixed type order and Okabe–Ito
colours, with its takeaway, alt text and table."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.charts.scales import LEGEND, MULTILINE, finish
from dashboard.data.catalog import Catalog
from dashboard.data.schema import ORGANIZATION_TYPES, ROLES
from dashboard.data.text import wrap_label
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.metrics.site_metrics import site_frame


def partner_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Organizations per site in view and type (only types present), with names and stack positions."""
    sites = site_frame(catalog, filters)
    orgs = F.filter_organizations(catalog, filters).explode("sites")
    orgs = orgs[orgs["sites"].isin(set(sites["site"]))]
    by_site: dict[str, dict[str, list[str]]] = {}  # site -> type -> names, read in one pass
    for site_id, kind, name in zip(orgs["sites"].tolist(), orgs["type"].tolist(), orgs["name"].tolist()):
        by_site.setdefault(site_id, {}).setdefault(kind, []).append(name)
    rows = []
    for site in sites.itertuples():
        start = 0
        mine = by_site.get(site.site, {})
        total = sum(len(names) for names in mine.values())
        for kind in ORGANIZATION_TYPES:
            names = sorted(mine.get(kind, []))
            if not names:
                continue
            rows.append(
                {
                    "site": site.site,
                    "site_name": site.site_name,
                    "role": site.role,
                    "role_label": site.role_label,
                    "type": kind,
                    "count": len(names),
                    "start": start,
                    "end": start + len(names),
                    "total": total,
                    "organizations": "; ".join(names),
                }
            )
            start += len(names)
    columns = ["site", "site_name", "role", "role_label", "type", "count", "start", "end", "total", "organizations"]
    return pd.DataFrame(rows, columns=columns)


def partner_table(frame: pd.DataFrame, lens: bool = False) -> pd.DataFrame:
    """The table behind the partner chart: per role with the lens, else per site."""
    if lens:
        return frame[["role", "type", "count", "sites"]]
    return frame[["site_name", "role", "type", "count", "organizations"]].rename(columns={"site_name": "site"})


def partner_by_role(frame: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """The partner counts summed per role (for the lens), with the number of sites of each role in view."""
    rows = []
    for role in ROLES:
        n_sites = int((sites["role"] == role).sum())
        part = frame[frame["role"] == role]
        if not n_sites:
            continue
        start = 0
        for kind in ORGANIZATION_TYPES:
            count = int(part.loc[part["type"] == kind, "count"].sum())
            if count:
                rows.append(
                    {
                        "role": role,
                        "site_name": f"{role} ({n_sites} sites)",
                        "type": kind,
                        "count": count,
                        "start": start,
                        "end": start + count,
                        "total": int(part["count"].sum()),
                        "sites": n_sites,
                    }
                )
                start += count
    return pd.DataFrame(rows, columns=["role", "site_name", "type", "count", "start", "end", "total", "sites"])


def partner_takeaway(frame: pd.DataFrame, lens: bool = False) -> str:
    """Who lists the most partners and which type is most common (per site on average under the lens)."""
    if frame.empty:
        return "No partner organizations are recorded for the sites in view."
    common = frame.groupby("type")["count"].sum().sort_values(ascending=False)
    tail = f" {common.index[0].capitalize()} is the most common type ({int(common.iloc[0])})."
    if lens:
        parts = [
            f"{r.role} sites list {r.total / r.sites:.1f} per site ({r.total} across {r.sites})"
            for r in frame.drop_duplicates("role").itertuples()
        ]
        return "On average " + " vs ".join(parts) + "." + tail
    totals = frame.drop_duplicates("site").sort_values("total", ascending=False, kind="stable")
    top = totals.iloc[0]
    return f"{top.site_name} lists the most partner organizations ({top.total}) of {len(totals)} site(s) in view." + tail


def partner_alt_text(frame: pd.DataFrame, lens: bool = False) -> str:
    """Alt text for the partner composition chart: each bar's total and types."""
    bars: dict[str, list[tuple[int, str]]] = {}  # each bar's counts and types, in the frame's order
    for name, count, kind in zip(frame["site_name"].tolist(), frame["count"].tolist(), frame["type"].tolist()):
        bars.setdefault(name, []).append((int(count), kind))
    parts = [
        f"{name}: {sum(count for count, _ in kinds)} ({', '.join(f'{count} {kind}' for count, kind in kinds)})"
        for name, kinds in bars.items()
    ]
    return "Stacked bar chart of partner organizations by type. " + "; ".join(parts) + "."


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
    return finish(alt.layer(bars, counts, totals), title, alt.Step(34), partner_alt_text(frame, lens))


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

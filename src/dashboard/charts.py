"""Pure builders for the ecosystem metrics page: tidy DataFrames, Altair charts and computed takeaways.

Nothing here reads widgets or session state. Unknown values stay unknown: they carry the text
``constants.NOT_FOUND`` and a NaN number, are never plotted at zero, and are listed instead.
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from . import constants as C
from . import filters as F
from .data import Catalog
from .metrics import cited_ids, format_value, sources_for
from .text import escape_markdown, markdown_link, wrap_label
from .schema import ORGANIZATION_TYPES, ROLES

YEAR_METRICS = (
    "nnip_join_year",
    "cfa_brigade_founded_year",
    "open_data_policy_year",
    "open_data_portal_launch_year",
    "first_data_exec_year",
    "wwc_certification_year",
)
TEXT_METRICS = (
    "nnip_partner_org",
    "cfa_brigade_name",
    "cfa_listing_status",
    "open_data_policy",
    "open_data_portal",
    "wwc_certification",
    "first_data_exec_role",
)
CENSUS_METRICS = ("population", "median_household_income_usd", "poverty_rate_pct", "unemployment_rate_pct")

# A year metric and the text metric that names the thing dated by it (per their definitions).
YEAR_DETAILS = {
    "cfa_brigade_founded_year": "cfa_brigade_name",
    "open_data_policy_year": "open_data_policy",
    "open_data_portal_launch_year": "open_data_portal",
    "first_data_exec_year": "first_data_exec_role",
    "wwc_certification_year": "wwc_certification",
}

PRODUCT_EVENT = "Product or activity launched"
PRODUCT_CONFIDENCE = "product record"
# Confidence is drawn as the mark's shape: a filled disc when confirmed, a ring when single-source.
RING = "M-1,0A1,1,0,1,1,1,0A1,1,0,1,1,-1,0ZM-0.55,0A0.55,0.55,0,1,0,0.55,0A0.55,0.55,0,1,0,-0.55,0Z"
CONFIDENCE_SHAPES = {"confirmed": "circle", "single-source": RING, PRODUCT_CONFIDENCE: "square"}
CONFIDENCE_LABELS = {
    "confirmed": "confirmed (2+ sources)",
    "single-source": "single source",
    PRODUCT_CONFIDENCE: "product record",
}
# Legend labels longer than 26 characters break onto a second line (narrow screens).
WRAP_LABEL = ("length(datum.label) > 26 && lastindexof(slice(datum.label, 0, 26), ' ') > 0 ? [slice(datum.label, 0, lastindexof(slice(datum.label, 0, 26), ' ')), "
              "slice(datum.label, lastindexof(slice(datum.label, 0, 26), ' ') + 1)] : datum.label")
LEGEND = {"orient": "bottom", "direction": "vertical", "labelLimit": 300, "titleLimit": 300, "labelExpr": WRAP_LABEL}
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# Axis labels may hold line breaks; band axes draw a rule between bands (sites or metrics).
MULTILINE = "split(datum.label, '\\n')"
BAND_AXIS = alt.Axis(labelExpr=MULTILINE, labelLimit=150, grid=True, bandPosition=0, ticks=False, domain=False)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


# ---------------------------------------------------------------- tables


def _numeric(value: object, value_type: str) -> float:
    if value_type in ("number", "year") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan


def site_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Sites in view with their display name and role: columns site, site_name, role, role_label."""
    sites = F.filter_sites(catalog, filters)
    out = pd.DataFrame({"site": sites["id"].astype(str), "site_name": sites["name"].astype(str), "role": sites["role"].astype(str)})
    out["role_label"] = out["role"].map(C.ROLE_LABELS)
    return out.reset_index(drop=True)


def metric_frame(catalog: Catalog, filters: F.Filters, metric_ids: tuple[str, ...] | list[str], vintage: str | None = None) -> pd.DataFrame:
    """One row per site in view × metric (× vintage when several), joined with definitions and sites.

    Sites without a row for a metric get one anyway, with ``display`` = ``NOT_FOUND``, a NaN
    ``numeric`` and confidence ``unconfirmed``. With ``vintage``, only values of that vintage count.
    """
    definitions = catalog.metric_definitions.set_index("id")
    ids = [m for m in metric_ids if m in definitions.index]
    grid = pd.DataFrame({"metric": ids}).merge(site_frame(catalog, filters), how="cross")
    rows = catalog.metrics[catalog.metrics["metric"].isin(ids)]
    if vintage is not None:
        rows = rows[rows["vintage"] == vintage]
    rows = rows[["site", "metric", "value", "vintage", "confidence", "note", "sources"]]
    out = grid.merge(rows, on=["site", "metric"], how="left")
    out["metric_label"] = out["metric"].map(definitions["label"]).astype(str)
    out["group"] = out["metric"].map(definitions["group"]).astype(str)
    out["value_type"] = out["metric"].map(definitions["value_type"]).astype(str)
    out["unit"] = out["metric"].map(definitions["unit"])
    value = out["value"].astype(object).where(out["value"].notna(), None)
    out["value"] = value
    out["numeric"] = [_numeric(v, t) for v, t in zip(value, out["value_type"])]
    out["display"] = [format_value(v, t, u) for v, t, u in zip(value, out["value_type"], out["unit"])]
    out["known"] = out["display"] != C.NOT_FOUND
    out["vintage"] = out["vintage"].astype(object).where(out["known"] & out["vintage"].notna(), "")
    out["confidence"] = out["confidence"].astype(object).where(out["known"] & out["confidence"].notna(), "unconfirmed")
    out["note"] = out["note"].astype(object).where(out["note"].notna(), "")
    out["sources"] = [s if isinstance(s, list) else [] for s in out["sources"]]
    columns = ["site", "site_name", "role", "role_label", "metric", "metric_label", "group", "value_type", "unit",
               "value", "numeric", "display", "known", "vintage", "confidence", "note", "sources"]
    return out[columns].reset_index(drop=True)


def shown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The reader-facing columns of a metric frame (what the data tables and CSVs show)."""
    out = frame[["site_name", "role", "metric_label", "display", "vintage", "confidence", "note", "sources"]]
    return out.rename(columns={"site_name": "site", "metric_label": "metric", "display": "value"})


def not_found(frame: pd.DataFrame) -> pd.DataFrame:
    """Per site, the metrics of ``frame`` with no value in the sources (sites with none left out)."""
    missing = frame[~frame["known"]]
    grouped = missing.groupby("site_name", sort=False)["metric_label"].agg(lambda labels: ", ".join(labels))
    return grouped.reset_index().rename(columns={"site_name": "site", "metric_label": C.NOT_FOUND})


def not_found_markdown(frame: pd.DataFrame) -> str:
    """The metrics not plotted because no source gives them, per site, as Markdown ("" when none)."""
    missing = not_found(frame)
    if missing.empty:
        return ""
    lines = (
        f"- {escape_markdown(row['site'])}: {escape_markdown(row[C.NOT_FOUND])}" for row in missing.to_dict("records")
    )
    return f"**Not plotted: {C.NOT_FOUND}**\n\n" + "\n".join(lines)


def role_comparison_markdown(frame: pd.DataFrame) -> str:
    """The implementation-versus-learning comparison sentences as one Markdown block."""
    sentences = "\n".join(f"- {escape_markdown(s)}" for s in role_comparison(frame))
    return "**Implementation and learning sites compared** (averages of known values only)\n\n" + sentences


def text_table(frame: pd.DataFrame, lens: bool = False) -> pd.DataFrame:
    """A site × metric table of displayed values (``NOT_FOUND`` where unknown); with ``lens``, grouped by role."""
    if frame.empty:
        return pd.DataFrame(columns=["site"])
    ordered = _order_sites(frame, lens)
    first = frame.drop_duplicates(["site_name", "metric_label"])
    wide = first.pivot(index="site_name", columns="metric_label", values="display")
    labels = list(dict.fromkeys(frame["metric_label"]))
    wide = wide.reindex(index=ordered, columns=labels).fillna(C.NOT_FOUND).reset_index()
    wide = wide.rename(columns={"site_name": "site"})
    if lens:
        roles = dict(zip(frame["site_name"], frame["role"]))
        wide.insert(1, "role", wide["site"].map(roles))
    wide.columns.name = None
    return wide


def _order_sites(frame: pd.DataFrame, lens: bool) -> list[str]:
    """Site names in catalog order; with ``lens``, implementation sites first."""
    sites = frame.drop_duplicates("site")[["site_name", "role"]]
    if lens:
        sites = sites.assign(rank=sites["role"].map({r: i for i, r in enumerate(ROLES)})).sort_values("rank", kind="stable")
    return list(sites["site_name"])


def _site_axis(frame: pd.DataFrame, lens: bool, all_sites: pd.DataFrame | None = None) -> tuple[pd.Series, list[str]]:
    """Axis labels for sites (with the role on a second line under the lens) and their order.

    The order covers ``all_sites`` (default: the sites of ``frame``) so sites without data keep a row.
    """
    def label(name: str, role: str) -> str:
        return wrap_label(name, 15) + (f"\n{role}" if lens else "")

    everyone = frame if all_sites is None else all_sites
    roles = dict(zip(everyone["site_name"], everyone["role"]))
    labels = pd.Series([label(n, r) for n, r in zip(frame["site_name"], frame["role"])], index=frame.index, dtype=object)
    return labels, [label(name, roles[name]) for name in _order_sites(everyone, lens)]


def _confidence_shape(domain: list[str]) -> alt.Shape:
    """Shape by confidence (disc, ring, square) with a legend that explains each level."""
    labels = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in CONFIDENCE_LABELS.items()) + " : datum.label"
    return alt.Shape(
        "confidence:N",
        scale=alt.Scale(domain=domain, range=[CONFIDENCE_SHAPES[d] for d in domain]),
        legend=alt.Legend(title="Confidence", labelExpr=labels, symbolFillColor="gray", symbolStrokeWidth=0,
                          symbolSize=120, orient="top", direction="vertical", labelLimit=200),
    )


def _finish(chart: alt.Chart | alt.LayerChart, title: str | alt.Title, height: int | alt.Step, description: str) -> alt.Chart:
    """Title, alt description and sizing: full container width, a height of its own, legends below."""
    return chart.properties(title=title, width="container", height=height, description=description, autosize=FIT_WIDTH)


# ---------------------------------------------------------------- key years


def year_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """The year metrics (NNIP join, brigade founding, open data policy, portal, data executive, WWC) per site."""
    return metric_frame(catalog, filters, YEAR_METRICS)


def year_chart(frame: pd.DataFrame, lens: bool = False) -> alt.LayerChart:
    """Dot chart of known years: a band per site, a sub-row and colour per metric, disc (confirmed) or ring (single source).

    With ``lens``, a band per metric with implementation and learning sites in their own sub-rows
    and a tick at each role's average year. Unknown values are not plotted.
    """
    known = frame[frame["known"]].copy()
    labels = list(dict.fromkeys(frame["metric_label"]))
    tooltip = [alt.Tooltip("site_name:N", title="Site"), alt.Tooltip("role:N", title="Role"),
               alt.Tooltip("metric_label:N", title="Metric"), alt.Tooltip("display:N", title="Year"),
               alt.Tooltip("vintage:N", title="Vintage"), alt.Tooltip("confidence:N", title="Confidence"),
               alt.Tooltip("note:N", title="Note")]
    x = alt.X("numeric:Q", title="Year", scale=alt.Scale(zero=False, nice=False, padding=12), axis=alt.Axis(format="d", tickMinStep=1, tickCount=6))
    shape = _confidence_shape(["confirmed", "single-source"])
    if lens:
        known["metric_axis"] = known["metric_label"].map(wrap_label)
        order = [wrap_label(label) for label in labels]
        y = alt.Y("metric_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
        offset = alt.YOffset("role:N", sort=list(ROLES), scale=alt.Scale(domain=list(ROLES)))
        color = alt.Color("role:N", scale=_role_scale(), legend=alt.Legend(title="Site role", **LEGEND))
        means = role_means(frame).dropna(subset=["average"])
        means["metric_axis"] = means["metric_label"].map(wrap_label)
        ticks = alt.Chart(means).mark_tick(thickness=2, size=16).encode(
            x="average:Q", y=y, yOffset=offset, color=color,
            tooltip=[alt.Tooltip("metric_label:N", title="Metric"), alt.Tooltip("role:N", title="Role"),
                     alt.Tooltip("average:Q", title="Average year", format=".0f"),
                     alt.Tooltip("with_value:Q", title="Sites with a value"), alt.Tooltip("sites:Q", title="Sites in view")],
        )
        title, height, extra = "Key years by site role (tick: role average)", 56 * max(len(labels), 1), [ticks]
    else:
        known["site_axis"], order = _site_axis(known, False, frame)
        y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
        offset = alt.YOffset("metric_label:N", sort=labels, scale=alt.Scale(domain=labels))
        color = alt.Color("metric_label:N", scale=alt.Scale(domain=labels, range=list(C.CATEGORY_COLORS[: len(labels)])),
                          legend=alt.Legend(title="Metric (one sub-row each, in this order)", **LEGEND))
        title, height, extra = "Key years per site", 64 * max(len(order), 1), []
    points = alt.Chart(known).mark_point(size=110, filled=True, opacity=1).encode(
        x=x, y=y, yOffset=offset, color=color, shape=shape, tooltip=tooltip)
    return _finish(alt.layer(points, *extra), title, height, year_alt_text(frame, lens))


def _role_scale() -> alt.Scale:
    return alt.Scale(domain=list(ROLES), range=[C.ROLE_COLORS[r] for r in ROLES])


def role_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Per metric and role: sites in view, sites with a value, and the average of the known values."""
    rows = []
    for (metric, label), group in frame.groupby(["metric", "metric_label"], sort=False):
        for role in ROLES:
            part = group[group["role"] == role]
            values = part.loc[part["known"], "numeric"]
            if part.empty:
                continue
            rows.append({"metric": metric, "metric_label": label, "role": role, "sites": len(part),
                         "with_value": len(values), "average": float(values.mean()) if len(values) else math.nan})
    return pd.DataFrame(rows, columns=["metric", "metric_label", "role", "sites", "with_value", "average"])


def role_comparison(frame: pd.DataFrame) -> list[str]:
    """One sentence per metric comparing the average year of implementation and learning sites (known values only)."""
    means = role_means(frame)
    sentences = []
    for label, group in means.groupby("metric_label", sort=False):
        parts = []
        for row in group.itertuples():
            if row.with_value:
                parts.append(f"{row.role} sites averaged {row.average:.0f} ({row.with_value} of {row.sites} with a value)")
            else:
                parts.append(f"no {row.role} site has a value (0 of {row.sites})")
        sentences.append(f"{label}: " + " vs ".join(parts) + ".")
    return sentences


def year_takeaway(frame: pd.DataFrame, lens: bool = False) -> str:
    """One sentence from the data: how many values are known, and the earliest and latest."""
    if lens:
        sentences = role_comparison(frame)
        return sentences[0] if sentences else "No sites in view."
    known = frame[frame["known"]]
    if known.empty:
        return f"None of the {len(frame)} site-year values is in the sources."
    first = known.loc[known["numeric"].idxmin()]
    last = known.loc[known["numeric"].idxmax()]
    return (f"{len(known)} of {len(frame)} site-year values are in the sources; the earliest is "
            f"{first.site_name}'s {_lower_first(first.metric_label)} ({first.display}) and the latest "
            f"{last.site_name}'s {_lower_first(last.metric_label)} ({last.display}).")


def _lower_first(label: str) -> str:
    """A label lower-cased at its first letter only, so acronyms keep their capitals."""
    return label[:1].lower() + label[1:]


def year_alt_text(frame: pd.DataFrame, lens: bool = False) -> str:
    """Alt text for the key-years chart."""
    known = int(frame["known"].sum())
    view = ("one row per metric, implementation and learning sites side by side with each role's average"
            if lens else "one row per site with a mark per metric")
    return (f"Dot chart of key years, {view}. {known} of {len(frame)} values are plotted; filled marks are "
            f"confirmed by two or more sources, open marks rest on one. The rest are {C.NOT_FOUND} and listed below.")


# ---------------------------------------------------------------- census


def census_vintages(catalog: Catalog, filters: F.Filters) -> list[str]:
    """The census vintages that have at least one value for a site in view, newest first."""
    frame = metric_frame(catalog, filters, CENSUS_METRICS)
    return sorted(set(frame.loc[frame["known"], "vintage"]), reverse=True)


def census_frame(catalog: Catalog, filters: F.Filters, vintage: str) -> pd.DataFrame:
    """Census measures for the sites in view from one vintage only (values of other vintages are ignored)."""
    return metric_frame(catalog, filters, CENSUS_METRICS, vintage=vintage)


def census_measure(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of one census measure."""
    return frame[frame["metric"] == metric]


def census_sources_markdown(catalog: Catalog, frame: pd.DataFrame) -> str:
    """Links to the sources of the known census values, separated by semicolons."""
    cited = sources_for(catalog, cited_ids(frame[frame["known"]]))
    return "; ".join(markdown_link(row["title"], row["url"]) for row in cited.to_dict("records"))


def census_chart(frame: pd.DataFrame, metric: str, vintage: str, lens: bool = False) -> alt.LayerChart:
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
    x = alt.X("numeric:Q", title=f"{label} ({unit})" if unit else label, scale=alt.Scale(domain=domain),
              axis=alt.Axis(format="~s", tickCount=3))
    tooltip = [alt.Tooltip("site_name:N", title="Site"), alt.Tooltip("display:N", title=label),
               alt.Tooltip("vintage:N", title="Vintage"), alt.Tooltip("confidence:N", title="Confidence")]
    if lens:
        color = alt.Color("role:N", scale=_role_scale(), legend=alt.Legend(title="Site role", **LEGEND))
    else:
        color = alt.value(C.CATEGORY_COLORS[0])
    opacity = alt.Opacity("confidence:N", scale=alt.Scale(domain=["confirmed", "single-source"], range=[1.0, 0.55]), legend=None)
    known = data[data["known"]]
    bars = alt.Chart(known).mark_bar(cornerRadiusEnd=2).encode(x=x, y=y, color=color, opacity=opacity, tooltip=tooltip)
    values = alt.Chart(known).mark_text(align="left", dx=4, color=C.CHART_TEXT).encode(x=x, y=y, text="display:N", tooltip=tooltip)
    gaps = alt.Chart(data[~data["known"]]).mark_text(align="left", dx=4, fontStyle="italic", color=C.CHART_TEXT).encode(
        x=alt.datum(0), y=y, text="display:N", tooltip=tooltip)
    title = alt.Title(vintage, subtitle=["solid bar: confirmed (2+ sources)", "pale bar: single source"],
                      subtitleColor=C.CHART_TEXT)
    return _finish(alt.layer(bars, values, gaps), title, alt.Step(40 if lens else 30), census_alt_text(data, vintage))


def census_takeaway(frame: pd.DataFrame, metric: str) -> str:
    """Highest and lowest site on one census measure, and how many sites lack a value."""
    data = frame[frame["metric"] == metric]
    known = data[data["known"]]
    label = _lower_first(data["metric_label"].iloc[0]) if len(data) else metric
    if known.empty:
        return f"No site in view has a {label} value in this release."
    high = known.loc[known["numeric"].idxmax()]
    low = known.loc[known["numeric"].idxmin()]
    missing = len(data) - len(known)
    text = f"{high.site_name} has the highest {label} in view ({high.display})"
    text += f" and {low.site_name} the lowest ({low.display})." if len(known) > 1 else "."
    if missing:
        text += f" {missing} site(s): {C.NOT_FOUND}."
    return text


def census_alt_text(data: pd.DataFrame, vintage: str) -> str:
    """Alt text for one census bar chart: each site's value in words."""
    label = data["metric_label"].iloc[0] if len(data) else "Census measure"
    parts = "; ".join(f"{r.site_name}: {r.display}" for r in data.itertuples())
    return f"Bar chart of {label.lower()} by site, {vintage}. {parts}."


# ---------------------------------------------------------------- partners


def _text_color(hex_color: str) -> str:
    """Black or white, whichever reads better on ``hex_color``."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.4 else "white"


TYPE_COLORS = dict(zip(ORGANIZATION_TYPES, C.CATEGORY_COLORS))


def partner_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Organizations per site in view and type (only types present), with names and stack positions."""
    sites = site_frame(catalog, filters)
    orgs = F.filter_organizations(catalog, filters).explode("sites")
    orgs = orgs[orgs["sites"].isin(set(sites["site"]))]
    rows = []
    for site in sites.itertuples():
        start = 0
        mine = orgs[orgs["sites"] == site.site]
        for kind in ORGANIZATION_TYPES:
            names = sorted(mine.loc[mine["type"] == kind, "name"])
            if not names:
                continue
            rows.append({"site": site.site, "site_name": site.site_name, "role": site.role, "role_label": site.role_label,
                         "type": kind, "count": len(names), "start": start, "end": start + len(names),
                         "total": len(mine), "organizations": "; ".join(names)})
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
                rows.append({"role": role, "site_name": f"{role} ({n_sites} sites)", "type": kind, "count": count,
                             "start": start, "end": start + count, "total": int(part["count"].sum()), "sites": n_sites})
                start += count
    return pd.DataFrame(rows, columns=["role", "site_name", "type", "count", "start", "end", "total", "sites"])


def partner_chart(frame: pd.DataFrame, lens: bool = False) -> alt.Chart:
    """Stacked bars of partner organizations by type (fixed type order and Okabe–Ito colours), counts labelled."""
    data = frame.copy()
    data["label_color"] = data["type"].map(lambda t: _text_color(TYPE_COLORS[t]))
    data["middle"] = (data["start"] + data["end"]) / 2
    data["site_axis"] = data["site_name"].map(lambda name: wrap_label(name, 15))
    order = list(dict.fromkeys(data["site_axis"]))
    types = list(ORGANIZATION_TYPES)
    y = alt.Y("site_axis:N", sort=order, title=None, axis=alt.Axis(labelExpr=MULTILINE))
    tooltip = [alt.Tooltip("site_name:N", title="Site" if not lens else "Role"), alt.Tooltip("type:N", title="Type"),
               alt.Tooltip("count:Q", title="Organizations")]
    if not lens:
        tooltip.append(alt.Tooltip("organizations:N", title="Names"))
    top = float(data["end"].max()) if len(data) else 1.0
    x = alt.X("start:Q", title="Organizations", scale=alt.Scale(domain=[0, top * 1.12]), axis=alt.Axis(tickMinStep=1))
    bars = alt.Chart(data).mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=x, x2="end:Q", y=y,
        color=alt.Color("type:N", scale=alt.Scale(domain=types, range=[TYPE_COLORS[t] for t in types]),
                        legend=alt.Legend(title="Organization type", **LEGEND)),
        tooltip=tooltip,
    )
    counts = alt.Chart(data).mark_text(fontWeight="bold").encode(
        x="middle:Q", y=y, text="count:Q", color=alt.Color("label_color:N", scale=None), tooltip=tooltip)
    totals = alt.Chart(data.drop_duplicates("site_axis")).mark_text(align="left", dx=4, color=C.CHART_TEXT).encode(
        x="total:Q", y=y, text=alt.Text("total:Q"))
    title = "Partner organizations by type" + (" and site role" if lens else "")
    return _finish(alt.layer(bars, counts, totals), title, alt.Step(34), partner_alt_text(frame, lens))


def partner_takeaway(frame: pd.DataFrame, lens: bool = False) -> str:
    """Who lists the most partners and which type is most common (per site on average under the lens)."""
    if frame.empty:
        return "No partner organizations are recorded for the sites in view."
    common = frame.groupby("type")["count"].sum().sort_values(ascending=False)
    tail = f" {common.index[0].capitalize()} is the most common type ({int(common.iloc[0])})."
    if lens:
        parts = [f"{r.role} sites list {r.total / r.sites:.1f} per site ({r.total} across {r.sites})"
                 for r in frame.drop_duplicates("role").itertuples()]
        return "On average " + " vs ".join(parts) + "." + tail
    totals = frame.drop_duplicates("site").sort_values("total", ascending=False, kind="stable")
    top = totals.iloc[0]
    return f"{top.site_name} lists the most partner organizations ({top.total}) of {len(totals)} site(s) in view." + tail


def partner_alt_text(frame: pd.DataFrame, lens: bool = False) -> str:
    """Alt text for the partner composition chart: each bar's total and types."""
    parts = []
    for name, group in frame.groupby("site_name", sort=False):
        kinds = ", ".join(f"{r.count} {r.type}" for r in group.itertuples())
        parts.append(f"{name}: {int(group['count'].sum())} ({kinds})")
    return "Stacked bar chart of partner organizations by type. " + "; ".join(parts) + "."


# ---------------------------------------------------------------- timeline


def parse_date(text: object) -> pd.Timestamp | None:
    """An ISO date at any precision (YYYY, YYYY-MM, YYYY-MM-DD) as the start of that period, else None."""
    match = _ISO_DATE.match(str(text).strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return pd.Timestamp(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def program_period(catalog: Catalog) -> tuple[int, int] | None:
    """The program's first and last year, read from ``program.years`` (e.g. "2014–2018")."""
    years = re.findall(r"\d{4}", str(catalog.program.get("years", "")))
    return (int(years[0]), int(years[-1])) if len(years) >= 2 else None


def timeline_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Dated facts per site in view: product launches and key years, at the precision the sources give."""
    rows = []
    names = dict(zip(catalog.products["id"], catalog.products["name"]))
    sites = site_frame(catalog, filters).set_index("site")
    for product in F.filter_products(catalog, filters).itertuples():
        when = parse_date(product.launched)
        if when is None:
            continue
        rows.append({"site": product.site, "date": when, "when": product.launched, "kind": PRODUCT_EVENT,
                     "event": f"{PRODUCT_EVENT}: {names[product.id]}", "confidence": PRODUCT_CONFIDENCE,
                     "sources": list(product.sources)})
    frame = metric_frame(catalog, filters, YEAR_METRICS + tuple(YEAR_DETAILS.values()))
    details = frame.set_index(["site", "metric"])["display"]
    for row in frame[frame["known"] & frame["metric"].isin(YEAR_METRICS)].itertuples():
        when = parse_date(row.vintage)
        if when is None or when.year != int(row.numeric):
            when, shown = pd.Timestamp(int(row.numeric), 1, 1), row.display
        else:
            shown = row.vintage
        detail = details.get((row.site, YEAR_DETAILS.get(row.metric)), C.NOT_FOUND)
        event = row.metric_label + (f": {detail}" if detail != C.NOT_FOUND else "")
        rows.append({"site": row.site, "date": when, "when": shown, "kind": row.metric_label, "event": event,
                     "confidence": row.confidence, "sources": row.sources})
    out = pd.DataFrame(rows, columns=["site", "date", "when", "kind", "event", "confidence", "sources"])
    out["site_name"] = out["site"].map(sites["site_name"])
    out["role"] = out["site"].map(sites["role"])
    out = out.sort_values(["date", "site"], kind="stable").reset_index(drop=True)
    return out[["site", "site_name", "role", "date", "when", "kind", "event", "confidence", "sources"]]


def timeline_kinds(catalog: Catalog) -> list[str]:
    """Event kinds in legend order: the key-year metric labels, then product launches."""
    labels = catalog.metric_definitions.set_index("id")["label"]
    return [str(labels[m]) for m in YEAR_METRICS if m in labels.index] + [PRODUCT_EVENT]


def timeline_chart(frame: pd.DataFrame, sites: pd.DataFrame, kinds: list[str], period: tuple[int, int] | None,
                   lens: bool = False) -> alt.LayerChart:
    """Dated events on a time axis: a band per site in view, a sub-row and colour per kind, shape by confidence.

    The program years are shaded when known.
    """
    data = frame.copy()
    data["site_axis"], order = _site_axis(data, lens, sites)
    data["date_text"] = data["date"].dt.strftime("%Y-%m-%d")
    y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=BAND_AXIS)
    x = alt.X("date_text:T", title="Date (a year alone is placed at its start)", scale=alt.Scale(padding=12), axis=alt.Axis(format="%Y", tickCount=6))
    points = alt.Chart(data).mark_point(size=90, filled=True, opacity=1).encode(
        x=x, y=y, yOffset=alt.YOffset("kind:N", sort=kinds, scale=alt.Scale(domain=kinds)),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=list(C.CATEGORY_COLORS[: len(kinds)])),
                        legend=alt.Legend(title="Event (one sub-row each, in this order)", **LEGEND)),
        shape=_confidence_shape(["confirmed", "single-source", PRODUCT_CONFIDENCE]),
        tooltip=[alt.Tooltip("site_name:N", title="Site"), alt.Tooltip("when:N", title="Date"),
                 alt.Tooltip("event:N", title="Event"), alt.Tooltip("confidence:N", title="Confidence")],
    )
    layers: list[alt.Chart] = [points]
    if period:
        band = pd.DataFrame({"start": [f"{period[0]}-01-01"], "end": [f"{period[1]}-12-31"],
                             "label": [f"program years {period[0]}–{period[1]}"]})
        layers.insert(0, alt.Chart(band).mark_rect(opacity=0.15, color="gray").encode(
            x="start:T", x2="end:T", tooltip=alt.Tooltip("label:N", title="Shaded")))
    title = "Dated events per site" + (" (shaded: program years)" if period else "")
    return _finish(alt.layer(*layers), title, 70 * max(len(order), 1), timeline_alt_text(frame, period))


def timeline_takeaway(frame: pd.DataFrame, period: tuple[int, int] | None) -> str:
    """How many dated events, their span, and how many fall in the program years."""
    if frame.empty:
        return "No dated events for the sites in view."
    years = frame["date"].dt.year
    text = f"{len(frame)} dated events from {years.min()} to {years.max()}"
    if period:
        inside = int(years.between(*period).sum())
        text += f"; {inside} fall within the program years {period[0]}–{period[1]}"
    return text + "."


def timeline_alt_text(frame: pd.DataFrame, period: tuple[int, int] | None) -> str:
    """Alt text for the timeline: what is plotted and the span."""
    return ("Timeline with one row per site and a mark per dated event (product launches and key years); "
            + timeline_takeaway(frame, period) + " The table below lists every event.")


def timeline_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The timeline's reader-facing columns."""
    return frame[["site_name", "role", "when", "event", "confidence", "sources"]].rename(columns={"site_name": "site", "when": "date"})

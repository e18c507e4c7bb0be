"""The Ecosystem metrics page's data and sentences: one tidy frame per tab (key years, names, census,
partners, dated events), the takeaway and alt text computed from each, and the role comparison.

Unknown values stay unknown: they carry the text "not found in sources" and a NaN number, are never
plotted at zero, and are listed instead. The charts are in ``metric_charts``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.schema import NOT_YET_CHECKED, ORGANIZATION_TYPES, ROLES
from dashboard.data.text import escape_markdown, markdown_link
from dashboard.data.values import NOT_FOUND, format_value, is_missing, parse_partial_date
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache

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


# The Key years tab's choice: every year metric at once (the default), or one of them by id.
ALL_KEY_YEARS = "all"
ALL_KEY_YEARS_LABEL = "All key years"


PRODUCT_EVENT = "Product or activity launched"
PRODUCT_CONFIDENCE = "product record"


def _numeric(value: object, value_type: str) -> float:
    if value_type in ("number", "year") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan


def site_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Sites in view with their display name and role: columns site, site_name, role, role_label."""
    sites = F.filter_sites(catalog, filters)
    out = pd.DataFrame(
        {"site": sites["id"].astype(str), "site_name": sites["name"].astype(str), "role": sites["role"].astype(str)}
    )
    out["role_label"] = out["role"].map(C.ROLE_LABELS)
    return out.reset_index(drop=True)


def metric_frame(
    catalog: Catalog, filters: F.Filters, metric_ids: tuple[str, ...] | list[str], vintage: str | None = None
) -> pd.DataFrame:
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
    rows = rows[["site", "metric", "value", "margin_of_error", "vintage", "confidence", "note", "sources"]]
    out = grid.merge(rows, on=["site", "metric"], how="left")
    out["metric_label"] = out["metric"].map(definitions["label"]).astype(str)
    out["group"] = out["metric"].map(definitions["group"]).astype(str)
    out["value_type"] = out["metric"].map(definitions["value_type"]).astype(str)
    out["unit"] = out["metric"].map(definitions["unit"])
    value = out["value"].astype(object).where(out["value"].notna(), None)
    out["value"] = value
    out["numeric"] = [_numeric(v, t) for v, t in zip(value, out["value_type"])]
    out["display"] = [format_value(v, t, u) for v, t, u in zip(value, out["value_type"], out["unit"])]
    out["known"] = out["display"] != NOT_FOUND
    out["margin"] = [
        "± " + format_value(m, t, u) if known and not is_missing(m) else NOT_FOUND
        for m, t, u, known in zip(out["margin_of_error"], out["value_type"], out["unit"], out["known"])
    ]
    out["vintage"] = out["vintage"].astype(object).where(out["known"] & out["vintage"].notna(), "")
    out["confidence"] = out["confidence"].astype(object).where(out["known"] & out["confidence"].notna(), "unconfirmed")
    out["note"] = out["note"].astype(object).where(out["note"].notna(), "")
    out["sources"] = [s if isinstance(s, list) else [] for s in out["sources"]]
    columns = [
        "site",
        "site_name",
        "role",
        "role_label",
        "metric",
        "metric_label",
        "group",
        "value_type",
        "unit",
        "value",
        "numeric",
        "display",
        "margin",
        "known",
        "vintage",
        "confidence",
        "note",
        "sources",
    ]
    return out[columns].reset_index(drop=True)


def shown_table(frame: pd.DataFrame, *, margins: bool = False) -> pd.DataFrame:
    """The reader-facing columns of a metric frame (what the data tables and CSVs show); with ``margins``,
    each value's margin of error ("not found in sources" where no source gives one)."""
    columns = [
        "site_name",
        "role",
        "metric_label",
        "display",
        *(["margin"] if margins else []),
        "vintage",
        "confidence",
        "note",
        "sources",
    ]
    return frame[columns].rename(
        columns={"site_name": "site", "metric_label": "metric", "display": "value", "margin": "margin of error"}
    )


def not_found(frame: pd.DataFrame) -> pd.DataFrame:
    """Per site, the metrics of ``frame`` with no value in the sources (sites with none left out)."""
    missing = frame[~frame["known"]]
    grouped = missing.groupby("site_name", sort=False)["metric_label"].agg(lambda labels: ", ".join(labels))
    return grouped.reset_index().rename(columns={"site_name": "site", "metric_label": NOT_FOUND})


def not_found_markdown(frame: pd.DataFrame) -> str:
    """The metrics not plotted because no source gives them, per site, as Markdown ("" when none)."""
    missing = not_found(frame)
    if missing.empty:
        return ""
    lines = (f"- {escape_markdown(row['site'])}: {escape_markdown(row[NOT_FOUND])}" for row in missing.to_dict("records"))
    return f"**Not plotted: {NOT_FOUND}**\n\n" + "\n".join(lines)


def role_comparison_markdown(frame: pd.DataFrame) -> str:
    """The implementation-versus-learning comparison sentences as one Markdown block."""
    sentences = "\n".join(f"- {escape_markdown(s)}" for s in role_comparison(frame))
    return "**Implementation and learning sites compared** (averages of known values only)\n\n" + sentences


def text_table(frame: pd.DataFrame, lens: bool = False, order: list[str] | None = None) -> pd.DataFrame:
    """A site × metric table of displayed values (``NOT_FOUND`` where unknown); with ``lens``, grouped by role.

    Rows follow ``order`` (site names) when given, else ``order_sites``.
    """
    if frame.empty:
        return pd.DataFrame(columns=["site"])
    ordered = order_sites(frame, lens) if order is None else order
    first = frame.drop_duplicates(["site_name", "metric_label"])
    wide = first.pivot(index="site_name", columns="metric_label", values="display")
    labels = list(dict.fromkeys(frame["metric_label"]))
    wide = wide.reindex(index=ordered, columns=labels).fillna(NOT_FOUND).reset_index()
    wide = wide.rename(columns={"site_name": "site"})
    if lens:
        roles = dict(zip(frame["site_name"], frame["role"]))
        wide.insert(1, "role", wide["site"].map(roles))
    wide.columns.name = None
    return wide


def order_sites(frame: pd.DataFrame, lens: bool) -> list[str]:
    """Site names in catalog order; with ``lens``, implementation sites first."""
    sites = frame.drop_duplicates("site")[["site_name", "role"]]
    if lens:
        sites = sites.assign(rank=sites["role"].map({r: i for i, r in enumerate(ROLES)})).sort_values("rank", kind="stable")
    return list(sites["site_name"])


def year_frame(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """The year metrics (NNIP join, brigade founding, open data policy, portal, data executive, WWC) per site."""
    return metric_frame(catalog, filters, YEAR_METRICS)


def year_metric_labels(catalog: Catalog) -> dict[str, str]:
    """The year metrics defined in the catalog, id -> label, in ``YEAR_METRICS`` order."""
    labels = catalog.metric_definitions.set_index("id")["label"]
    return {metric: str(labels[metric]) for metric in YEAR_METRICS if metric in labels.index}


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


def program_label(period: tuple[int, int]) -> str:
    """The program years in words, e.g. "program years 2014–2018" (band labels and alt text)."""
    return f"program years {period[0]}–{period[1]}"


def role_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Per metric and role: sites in view, sites with a value, and the average of the known values."""
    rows = []
    for (metric, label), group in frame.groupby(["metric", "metric_label"], sort=False):
        for role in ROLES:
            part = group[group["role"] == role]
            values = part.loc[part["known"], "numeric"]
            if part.empty:
                continue
            rows.append(
                {
                    "metric": metric,
                    "metric_label": label,
                    "role": role,
                    "sites": len(part),
                    "with_value": len(values),
                    "average": float(values.mean()) if len(values) else math.nan,
                }
            )
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
            f"{first.site_name}'s {_lower_first(first.metric_label)} ({first.display}) and the latest "
            f"{last.site_name}'s {_lower_first(last.metric_label)} ({last.display})."
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


def _names_at(known: pd.DataFrame, year: float) -> str:
    """The names of the sites whose value is ``year``, joined in words ("Boston and Cleveland")."""
    names = list(known.loc[known["numeric"] == year, "site_name"])
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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


def _lower_first(label: str) -> str:
    """A label lower-cased at its first letter only, so acronyms keep their capitals."""
    return label[:1].lower() + label[1:]


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
    return f"Dot chart of {_lower_first(label)}, one row per site, {view}.{band} {values}. {confidence}"


@page_cache()
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
    others = [
        s
        for s in dict.fromkeys(s for ids in rows["sources"] for s in ids)
        if s not in taken and s not in set(rows["census_query"])
    ]
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
    label = _lower_first(data["metric_label"].iloc[0]) if len(data) else metric
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
                    "total": len(mine),
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
    parts = []
    for name, group in frame.groupby("site_name", sort=False):
        kinds = ", ".join(f"{r.count} {r.type}" for r in group.itertuples())
        parts.append(f"{name}: {int(group['count'].sum())} ({kinds})")
    return "Stacked bar chart of partner organizations by type. " + "; ".join(parts) + "."


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
                "confidence": PRODUCT_CONFIDENCE,
                "sources": list(product.sources),
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
        rows.append(
            {
                "site": row.site,
                "date": when,
                "when": shown,
                "kind": row.metric_label,
                "event": event,
                "confidence": row.confidence,
                "sources": row.sources,
            }
        )
    out = pd.DataFrame(rows, columns=["site", "date", "when", "kind", "event", "confidence", "sources"])
    out["site_name"] = out["site"].map(sites["site_name"])
    out["role"] = out["site"].map(sites["role"])
    out = out.sort_values(["date", "site"], kind="stable").reset_index(drop=True)
    return out[["site", "site_name", "role", "date", "when", "kind", "event", "confidence", "sources"]]


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


@dataclass(frozen=True)
class NamesView:
    """The Names tab: how many values are known, the site × metric table, and each value's details."""

    known: int
    total: int
    table: pd.DataFrame
    detail: pd.DataFrame


@page_cache()
def names_view(catalog: Catalog, filters: F.Filters, lens: bool) -> NamesView:
    """Partners, policies and posts by name for the sites in view (grouped by role with ``lens``)."""
    names = metric_frame(catalog, filters, TEXT_METRICS)
    return NamesView(int(names["known"].sum()), len(names), text_table(names, lens), shown_table(names))

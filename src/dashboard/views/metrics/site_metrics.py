"""What the Ecosystem metrics page's tabs (and the self-check) share: the sites in view, their metric
values as one tidy row per site × metric (``metric_frame``), the order of sites (implementation sites
first under the role lens), the per-role averages of the lens, the reader's tables, the values no
source gives, and the program years.

Unknown values stay unknown: they carry the text "not found in sources" and a NaN number, are never
plotted at zero, and are listed instead.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.cite import CORRECTION_COLUMN
from dashboard.data.schema import ROLES
from dashboard.data.text import escape_markdown
from dashboard.data.values import NOT_FOUND, format_value, is_missing
from dashboard.state import filters as F

YEAR_METRICS = (
    "nnip_join_year",
    "cfa_brigade_founded_year",
    "open_data_policy_year",
    "open_data_portal_launch_year",
    "first_data_exec_year",
    "wwc_certification_year",
)


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
    each value's margin of error ("not found in sources" where no source gives one); a ``correction``
    column (``views.corrections.metric_corrections``) is kept, last."""
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
        *([CORRECTION_COLUMN] if CORRECTION_COLUMN in frame.columns else []),
    ]
    return frame[columns].rename(
        columns={"site_name": "site", "metric_label": "metric", "display": "value", "margin": "margin of error"}
    )


def order_sites(frame: pd.DataFrame, lens: bool) -> list[str]:
    """Site names in catalog order; with ``lens``, implementation sites first."""
    sites = frame.drop_duplicates("site")[["site_name", "role"]]
    if lens:
        sites = sites.assign(rank=sites["role"].map({r: i for i, r in enumerate(ROLES)})).sort_values("rank", kind="stable")
    return list(sites["site_name"])


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


def year_metric_labels(catalog: Catalog) -> dict[str, str]:
    """The year metrics defined in the catalog, id -> label, in ``YEAR_METRICS`` order."""
    labels = catalog.metric_definitions.set_index("id")["label"]
    return {metric: str(labels[metric]) for metric in YEAR_METRICS if metric in labels.index}


def program_period(catalog: Catalog) -> tuple[int, int] | None:
    """The program's first and last year, read from ``program.years`` (e.g. "2014–2018")."""
    years = re.findall(r"\d{4}", str(catalog.program.get("years", "")))
    return (int(years[0]), int(years[-1])) if len(years) >= 2 else None


def program_label(period: tuple[int, int]) -> str:
    """The program years in words, e.g. "program years 2014–2018" (band labels and alt text)."""
    return f"program years {period[0]}–{period[1]}"


def lower_first(label: str) -> str:
    """A label lower-cased at its first letter only, so acronyms keep their capitals."""
    return label[:1].lower() + label[1:]

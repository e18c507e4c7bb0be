"""Pure summaries of the catalog: headline figures, cross-site tables and timelines."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import constants as C
from .data import Catalog


@dataclass(frozen=True)
class Kpi:
    """One headline figure with its label and a note on how it is counted."""

    label: str
    value: str
    help: str


def is_missing(value: object) -> bool:
    """True for ``None`` and NaN: a value not found in sources."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: object, value_type: str = "number", unit: object = None) -> str:
    """A metric value as shown to readers: "not found in sources" when unknown, years without
    separators, numbers grouped, dollars and percentages marked; other units appended."""
    if is_missing(value):
        return C.NOT_FOUND
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if value_type == "year":
        return str(int(value))
    if unit == "USD":
        return format_usd(value)
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return text + "%"
    return text + (f" {unit}" if isinstance(unit, str) and unit and unit != "people" else "")


def format_usd(amount: float) -> str:
    """Dollars with thousands separators, no cents."""
    return f"${amount:,.0f}"


def overview_counts(catalog: Catalog, sites: pd.DataFrame | None = None) -> dict[str, int]:
    """Record counts for the given sites (default: all): products, partner organizations, lessons
    (with the cross-site ones), resources about them, and the dataset's sources."""
    sites = catalog.sites if sites is None else sites
    ids = set(sites["id"])
    return {
        "products": int(catalog.products["site"].isin(ids).sum()),
        "organizations": int(catalog.organizations["sites"].map(lambda s: bool(ids.intersection(s))).sum()),
        "lessons": int(catalog.lessons["site"].isin(ids | {C.CROSS_SITE}).sum()),
        "resources": int(catalog.resources["sites"].map(lambda s: not s or bool(ids.intersection(s))).sum()),
        "sources": len(catalog.sources),
    }


def overview_kpis(catalog: Catalog, sites: pd.DataFrame | None = None) -> list[Kpi]:
    """Headline figures for the given sites (default: all): sites by role, money, products, partners."""
    sites = catalog.sites if sites is None else sites
    by_role = sites["role"].value_counts()
    counts = overview_counts(catalog, sites)
    return [
        Kpi("Implementation sites", str(int(by_role.get("implementation", 0))), "Sites that received a product-building grant."),
        Kpi("Learning sites", str(int(by_role.get("learning", 0))), "Sites that received a smaller grant to strengthen local ties."),
        Kpi("Total granted", format_usd(sites["grant_usd"].sum()), "Sum of the sites' grants as stated by the program."),
        Kpi("Products", str(counts["products"]), "Products and activities: what the sites built or ran, from the product records."),
        Kpi("Partners", str(counts["organizations"]), "Local partner organizations named by a source as taking part."),
    ]


def sources_for(catalog: Catalog, ids: set[str] | list[str]) -> pd.DataFrame:
    """The source records with the given ids, in the source list's order."""
    return catalog.sources[catalog.sources["id"].isin(set(ids))]


def cited_ids(*frames: pd.DataFrame) -> set[str]:
    """Every source id cited by the rows of the given tables."""
    out: set[str] = set()
    for frame in frames:
        if "sources" in frame:
            for ids in frame["sources"]:
                out.update(ids)
    return out

"""Pure filters: the global view (sites, themes, role) and what each table keeps under it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.data.schema import CROSS_SITE, ROLES, Role

ALL_ROLES: Literal["all"] = "all"
RoleFilter = Literal["all"] | Role
ROLE_OPTIONS: tuple[str, ...] = (ALL_ROLES, *ROLES)


@dataclass(frozen=True)
class Filters:
    """The global view: chosen site ids and themes (empty means all) and a role."""

    sites: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    role: RoleFilter = ALL_ROLES

    @property
    def active(self) -> bool:
        """True when anything narrows the view."""
        return bool(self.sites or self.themes or self.role != ALL_ROLES)


def selected_site_ids(catalog: Catalog, filters: Filters) -> list[str]:
    """Site ids in view, in the catalog's order: the chosen sites (or all) that match the role."""
    chosen = set(filters.sites)
    return [
        site
        for site, role in catalog.site_roles().items()
        if (not chosen or site in chosen) and filters.role in (ALL_ROLES, role)
    ]


def filter_sites(catalog: Catalog, filters: Filters) -> pd.DataFrame:
    """Sites in view."""
    return catalog.sites[catalog.sites["id"].isin(selected_site_ids(catalog, filters))]


def has_theme(themes: object, wanted: tuple[str, ...]) -> bool:
    """True when a record's theme list contains one of ``wanted``."""
    return isinstance(themes, list) and any(theme in wanted for theme in themes)


def filter_products(catalog: Catalog, filters: Filters) -> pd.DataFrame:
    """Products of the sites in view that carry one of the chosen themes (if any)."""
    products = catalog.products[catalog.products["site"].isin(selected_site_ids(catalog, filters))]
    if filters.themes:
        products = products[products["themes"].map(lambda t: has_theme(t, filters.themes))]
    return products


def filter_lessons(catalog: Catalog, filters: Filters, include_cross_site: bool = True) -> pd.DataFrame:
    """Lessons of the sites in view (plus cross-site ones), narrowed by theme when chosen."""
    keep = set(selected_site_ids(catalog, filters))
    if include_cross_site:
        keep.add(CROSS_SITE)
    lessons = catalog.lessons[catalog.lessons["site"].isin(keep)]
    if filters.themes:
        lessons = lessons[lessons["themes"].map(lambda t: has_theme(t, filters.themes))]
    return lessons


def filter_organizations(catalog: Catalog, filters: Filters) -> pd.DataFrame:
    """Local organizations that belong to at least one site in view."""
    keep = set(selected_site_ids(catalog, filters))
    orgs = catalog.organizations
    return orgs[orgs["sites"].map(lambda sites: bool(keep.intersection(sites)))]


def filter_resources(catalog: Catalog, filters: Filters) -> pd.DataFrame:
    """Resources about a site in view, plus those not tied to any one site."""
    keep = set(selected_site_ids(catalog, filters))
    resources = catalog.resources
    return resources[resources["sites"].map(lambda sites: not sites or bool(keep.intersection(sites)))]


def describe(filters: Filters, names: dict[str, str]) -> str:
    """A plain sentence saying what the view shows."""
    parts = []
    if filters.sites:
        parts.append("sites: " + ", ".join(names.get(s, s) for s in filters.sites))
    if filters.role != ALL_ROLES:
        parts.append(f"{filters.role} sites only")
    if filters.themes:
        parts.append("themes: " + ", ".join(filters.themes))
    return "Filtered to " + "; ".join(parts) + "." if parts else "Showing all sites and themes."

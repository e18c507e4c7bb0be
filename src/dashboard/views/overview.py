"""The Overview page's content: what the program was, headline figures for the sites in view and
where to start, with (given the repository's address) a link to suggest a correction to the program's
record and to each site's."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.data.cite import correction_markdown
from dashboard.data.schema import CROSS_SITE
from dashboard.data.text import escape_markdown, intro_markdown
from dashboard.data.values import format_usd
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import site_corrections_markdown

MAX_START_SITES = 8  # "See what ... built" links; a program of many sites is browsed from the map


@dataclass(frozen=True)
class Kpi:
    """One headline figure with its label and a note on how it is counted."""

    label: str
    value: str
    help: str


@dataclass(frozen=True)
class OverviewView:
    """The Overview page: title, introduction, headline figures, the sites to start from (id, link
    label), the counts the other links quote and the sites' correction links ("" without a repository)."""

    title: str
    intro_markdown: str
    kpis: tuple[Kpi, ...]
    start_sites: tuple[tuple[str, str], ...]
    counts: dict[str, int]
    corrections: str


def overview_counts(catalog: Catalog, sites: pd.DataFrame | None = None) -> dict[str, int]:
    """Record counts for the given sites (default: all): products, partner organizations, lessons
    (with the cross-site ones), resources about them, and the dataset's sources."""
    sites = catalog.sites if sites is None else sites
    ids = set(sites["id"])
    return {
        "products": int(catalog.products["site"].isin(ids).sum()),
        "organizations": int(catalog.organizations["sites"].map(lambda s: bool(ids.intersection(s))).sum()),
        "lessons": int(catalog.lessons["site"].isin(ids | {CROSS_SITE}).sum()),
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
        Kpi(
            "Learning sites",
            str(int(by_role.get("learning", 0))),
            "Sites that received a smaller grant to strengthen local ties.",
        ),
        Kpi("Total granted", format_usd(sites["grant_usd"].sum()), "Sum of the sites' grants as stated by the program."),
        Kpi(
            "Products", str(counts["products"]), "Products and activities: what the sites built or ran, from the product records."
        ),
        Kpi("Partners", str(counts["organizations"]), "Local partner organizations named by a source as taking part."),
    ]


def start_sites(sites: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The sites to start from, with their link labels (escaped Markdown): the implementation sites in view
    ("See what Boston built"), or every site in view when none built a product ("Read about Cleveland")."""
    built = sites[sites["role"] == "implementation"]
    chosen = (built if len(built) else sites).head(MAX_START_SITES)
    return tuple(
        (
            row.id,
            f"See what {escape_markdown(row.name)} built"
            if row.role == "implementation"
            else f"Read about {escape_markdown(row.name)}",
        )
        for row in chosen.itertuples()
    )


@page_cache()
def overview_view(catalog: Catalog, filters: F.Filters, repository: str | None = None) -> OverviewView:
    """Everything the Overview page shows for the sites in view; with a ``repository``, a link to suggest a
    correction after the program's summary and one for each site in view."""
    program = catalog.program
    sites = F.filter_sites(catalog, filters)
    intro = intro_markdown(
        f"**{escape_markdown(program['name'])} ({escape_markdown(program['years'])})**\n\n"
        + escape_markdown(program["summary"])
        + correction_markdown(repository, "program.yaml", program),
        F.describe(filters, catalog.site_names()),
    )
    return OverviewView(
        title=f"{escape_markdown(program['short_name'])} Atlas",
        intro_markdown=intro,
        kpis=tuple(overview_kpis(catalog, sites)),
        start_sites=start_sites(sites),
        counts=overview_counts(catalog, sites),
        corrections=site_corrections_markdown(catalog, sites["id"], repository),
    )

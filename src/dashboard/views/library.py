"""The Library page's content: the program's publications grouped by kind, every cited source, and the
tables behind them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.data.dictionary import data_dictionary
from dashboard.data.text import escape_markdown, markdown_link
from dashboard.data.values import date_text
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache

RESOURCE_COLUMNS = ["id", "title", "kind", "publisher", "date", "sites", "url", "summary", "note", "sources"]
SOURCE_COLUMNS = ["id", "title", "publisher", "date", "kind", "url", "note"]


def resource_entry(resource: dict, site_names: dict[str, str]) -> str:
    """One resource as Markdown: linked title, publisher, date, sites, then its summary and note."""
    sites = ", ".join(site_names.get(s, s) for s in resource["sites"]) or "All sites"
    note = f" :small[*{escape_markdown(resource['note'])}*]" if resource.get("note") else ""
    return (
        f"**{markdown_link(resource['title'], resource['url'])}** — {escape_markdown(resource['publisher'])}, "
        f"{escape_markdown(date_text(resource['date']))} · {escape_markdown(sites)}  \n"
        f"{escape_markdown(resource['summary'])}{note}"
    )


def resource_sections(resources: pd.DataFrame, site_names: dict[str, str]) -> list[tuple[str, str]]:
    """``(heading, markdown)`` per resource kind, in the order the kinds first appear."""
    sections: dict[str, list[str]] = {}
    for resource in resources.to_dict("records"):
        sections.setdefault(str(resource["kind"]).capitalize(), []).append(resource_entry(resource, site_names))
    return [(kind, "\n\n".join(entries)) for kind, entries in sections.items()]


def resources_markdown(resources: pd.DataFrame, site_names: dict[str, str]) -> str:
    """Every resource under a heading for its kind, as one Markdown block."""
    return "\n\n".join(f"## {escape_markdown(kind)}\n\n{entries}" for kind, entries in resource_sections(resources, site_names))


def source_table(catalog: Catalog) -> pd.DataFrame:
    """Every cited source, with the columns shown in the table and its CSV."""
    return catalog.sources[SOURCE_COLUMNS]


@dataclass(frozen=True)
class ResourcesView:
    """The Resources tab: what the filters keep, the resources as Markdown and as a table."""

    caption: str
    markdown: str
    table: pd.DataFrame


@page_cache()
def resources_view(catalog: Catalog, filters: F.Filters) -> ResourcesView:
    """The program's publications about the sites in view (and the program-wide ones)."""
    resources = F.filter_resources(catalog, filters)
    names = catalog.site_names()
    caption = F.describe(filters, names) + f" {len(resources)} of {len(catalog.resources)} resources."
    return ResourcesView(caption, resources_markdown(resources, names), resources[RESOURCE_COLUMNS])


@page_cache(max_entries=1)
def dictionary_table() -> pd.DataFrame:
    """The data dictionary as the Library shows it (built once; each caller gets its own copy)."""
    return data_dictionary()

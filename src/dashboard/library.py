"""Library builders: the program's resources as Markdown grouped by kind, and the tables behind the tabs."""

from __future__ import annotations

import pandas as pd

from .data import Catalog
from .text import escape_markdown, markdown_link

RESOURCE_COLUMNS = ["id", "title", "kind", "publisher", "date", "sites", "url", "summary", "sources"]
SOURCE_COLUMNS = ["id", "title", "publisher", "date", "kind", "url", "note"]
NO_DATE = "date not found in sources"


def resource_entry(resource: dict, site_names: dict[str, str]) -> str:
    """One resource as Markdown: linked title, publisher, date, sites, then its summary."""
    sites = ", ".join(site_names.get(s, s) for s in resource["sites"]) or "All sites"
    return (
        f"**{markdown_link(resource['title'], resource['url'])}** — {escape_markdown(resource['publisher'])}, "
        f"{escape_markdown(resource['date'] or NO_DATE)} · {escape_markdown(sites)}  \n"
        f"{escape_markdown(resource['summary'])}"
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


def resource_table(resources: pd.DataFrame) -> pd.DataFrame:
    """The resources' columns shown in the table and its CSV."""
    return resources[RESOURCE_COLUMNS]


def source_table(catalog: Catalog) -> pd.DataFrame:
    """Every cited source, with the columns shown in the table and its CSV."""
    return catalog.sources[SOURCE_COLUMNS]

"""The Library page's content: the program's publications grouped by kind, every cited source, the
tables behind them, and the dataset's fixed addresses with one-line examples of reading them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.dictionary import data_dictionary
from dashboard.data.export import EXPORT_TABLES, export_table
from dashboard.data.text import escape_markdown, is_http_url, markdown_link
from dashboard.data.values import date_text
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache

RESOURCE_COLUMNS = ["id", "title", "kind", "publisher", "date", "sites", "url", "summary", "sources"]
SOURCE_COLUMNS = ["id", "title", "publisher", "date", "kind", "url", "note"]


def resource_entry(resource: dict, site_names: dict[str, str]) -> str:
    """One resource as Markdown: linked title, publisher, date, sites, then its summary."""
    sites = ", ".join(site_names.get(s, s) for s in resource["sites"]) or "All sites"
    return (
        f"**{markdown_link(resource['title'], resource['url'])}** — {escape_markdown(resource['publisher'])}, "
        f"{escape_markdown(date_text(resource['date']))} · {escape_markdown(sites)}  \n"
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


EXAMPLE_TABLE = "sites"
PACKAGE_FILES = (
    (C.DATAPACKAGE_FILE, "the Data Package descriptor of the CSV files (types, meanings, keys, licence, sources)"),
    (C.EXPORT_ZIP, "every CSV and the descriptor in one zip"),
    (C.EXPORT_JSON, "the whole dataset as one JSON document"),
)


def data_url(root: str, file_name: str) -> str:
    """The fixed address of one exported file under the app's ``root`` address (``https://host/``); a
    relative address when ``root`` is not a plain http(s) address."""
    safe_root = root if is_http_url(root) and root.endswith("/") and not any(c in root for c in "`\"'<>") else ""
    return f"{safe_root}{C.DATA_EXPORT_URL}/{file_name}"


@dataclass(frozen=True)
class DataUrlsView:
    """The dataset's fixed addresses: one-line examples of reading them (what reads it, as Markdown, and
    the code), and every file's address as Markdown (a table of the tables, then the package files)."""

    examples: tuple[tuple[str, str], ...]
    markdown: str


def data_urls_view(catalog: Catalog, root: str) -> DataUrlsView:
    """Examples for pandas, R, a spreadsheet's web import and Frictionless, and every table's CSV and JSON
    address with the package files, under the app's ``root`` address (see ``data_url``)."""
    csv, json_url = data_url(root, f"{EXAMPLE_TABLE}.csv"), data_url(root, f"{EXAMPLE_TABLE}.json")
    examples = (
        ("**pandas** (CSV or JSON)", f'sites = pd.read_csv("{csv}")\nsites = pd.read_json("{json_url}")'),
        ("**R**", f'sites <- read.csv("{csv}")'),
        ("**A spreadsheet**: Google Sheets (in Excel: Data › From Web, then paste the address)", f'=IMPORTDATA("{csv}")'),
        (
            "**Frictionless**: checks every table against its schema and keys",
            f"frictionless validate {data_url(root, C.DATAPACKAGE_FILE)}",
        ),
    )

    def link(file_name: str) -> str:
        return markdown_link(file_name, data_url(root, file_name))

    rows = [
        f"| {escape_markdown(name)} | {len(export_table(catalog, name))} | {link(name + '.csv')} | {link(name + '.json')} |"
        for name in EXPORT_TABLES
    ]
    table = "\n".join(["| table | rows | CSV | JSON |", "|---|---:|---|---|", *rows])
    files = "\n".join(f"- {link(name)}: {escape_markdown(what)}" for name, what in PACKAGE_FILES)
    prefix = f"Every address is `{data_url(root, '')}` followed by the file's name:"
    return DataUrlsView(examples, f"{prefix}\n\n{table}\n\n{files}")

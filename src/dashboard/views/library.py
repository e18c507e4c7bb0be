"""The Library page's content: how to cite the atlas, the program's publications grouped by kind, every
cited source, the tables behind them with links to suggest a correction, and the dataset's fixed
addresses with one-line examples of reading them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import constants as C
from dashboard.constants import REPOSITORY_URL_ENV
from dashboard.data import linkcheck
from dashboard.data.catalog import Catalog
from dashboard.data.cite import CORRECTION_LABEL, correction_markdown, correction_url, how_to_cite, repository_url
from dashboard.data.dictionary import download_dictionary
from dashboard.data.export import EXPORT_TABLES, export_table
from dashboard.data.text import escape_markdown, is_http_url, markdown_link
from dashboard.data.values import date_text, records
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache

RESOURCE_COLUMNS = ["id", "title", "kind", "publisher", "date", "sites", "url", "summary", "note", "sources"]
SOURCE_COLUMNS = ["id", "title", "publisher", "date", "kind", "url", "note"]


def resource_entry(resource: dict[str, Any], site_names: dict[str, str], repository: str | None = None) -> str:
    """One resource as Markdown: linked title, publisher, date, sites, then its summary and note (and, with
    a ``repository``, a link to suggest a correction)."""
    sites = ", ".join(site_names.get(s, s) for s in resource["sites"]) or "All sites"
    note = f" :small[*{escape_markdown(resource['note'])}*]" if resource.get("note") else ""
    return (
        f"**{markdown_link(resource['title'], resource['url'])}** — {escape_markdown(resource['publisher'])}, "
        f"{escape_markdown(date_text(resource['date']))} · {escape_markdown(sites)}  \n"
        f"{escape_markdown(resource['summary'])}{note}{correction_markdown(repository, 'resources.yaml', resource)}"
    )


def resource_sections(
    resources: pd.DataFrame, site_names: dict[str, str], repository: str | None = None
) -> list[tuple[str, str]]:
    """``(heading, markdown)`` per resource kind, in the order the kinds first appear."""
    sections: dict[str, list[str]] = {}
    for resource in resources.to_dict("records"):
        sections.setdefault(str(resource["kind"]).capitalize(), []).append(resource_entry(resource, site_names, repository))
    return [(kind, "\n\n".join(entries)) for kind, entries in sections.items()]


def resources_markdown(resources: pd.DataFrame, site_names: dict[str, str], repository: str | None = None) -> str:
    """Every resource under a heading for its kind, as one Markdown block."""
    sections = resource_sections(resources, site_names, repository)
    return "\n\n".join(f"## {escape_markdown(kind)}\n\n{entries}" for kind, entries in sections)


@dataclass(frozen=True)
class SourcesView:
    """The Sources tab: the last link check in a sentence, and every source with its archive search and last check."""

    caption: str
    table: pd.DataFrame


def sources_view(catalog: Catalog, repository: str | None = None) -> SourcesView:
    """Every cited source, with its Wayback Machine search (``archive``) beside its link and its
    ``last check`` from ``data/link_checks.yaml`` ("not checked yet" when the file has none); with a
    ``repository``, a ``correction`` column linking to its prefilled new-issue form."""
    report = linkcheck.read_checks(Path(catalog.data_dir) / linkcheck.LINK_CHECKS_FILE)
    rows = records(catalog.sources[SOURCE_COLUMNS])
    table = catalog.sources[SOURCE_COLUMNS].assign(
        archive=[linkcheck.archive_url(row["url"], row["date"]) for row in rows],
        last_check=[linkcheck.last_check_text(report.results.get(row["id"])) for row in rows],
    )
    table = table[[*SOURCE_COLUMNS[: SOURCE_COLUMNS.index("url") + 1], "archive", "last_check", "note"]]
    if repository:
        table = table.assign(correction=[correction_url(repository, "sources.yaml", row) for row in rows])
    return SourcesView(linkcheck.summary(report, len(rows)), table.rename(columns={"last_check": "last check"}))


@dataclass(frozen=True)
class ResourcesView:
    """The Resources tab: what the filters keep, the resources as Markdown and as a table."""

    caption: str
    markdown: str
    table: pd.DataFrame


@page_cache()
def resources_view(catalog: Catalog, filters: F.Filters, repository: str | None = None) -> ResourcesView:
    """The program's publications about the sites in view (and the program-wide ones); with a ``repository``,
    each with a link to suggest a correction."""
    resources = F.filter_resources(catalog, filters)
    names = catalog.site_names()
    caption = F.describe(filters, names) + f" {len(resources)} of {len(catalog.resources)} resources."
    markdown = resources_markdown(resources, names, repository)
    return ResourcesView(caption, markdown, resources[RESOURCE_COLUMNS])


@page_cache(max_entries=1)
def dictionary_table() -> pd.DataFrame:
    """The data dictionary as the Library shows it, by the download's CSV file names (built once; each
    caller gets its own copy)."""
    return download_dictionary()


@dataclass(frozen=True)
class CiteView:
    """The "How to cite" block: a sentence, the ready citations, and the correction route."""

    intro: str
    apa: str
    bibtex: str
    corrections: str


def cite_view(catalog: Catalog) -> CiteView:
    """How to cite the atlas (from ``CITATION.cff`` and the data's date) and how to suggest a correction."""
    repository = repository_url()
    citation = how_to_cite(str(catalog.program["data_as_of"]), repository)
    intro = (
        "Cite the dataset and dashboard as below (APA, then BibTeX); the repository's `CITATION.cff` holds "
        "the same in the Citation File Format. Please also cite the original sources of the facts you use: "
        "every record names them."
    )
    if repository:
        corrections = (
            "Found a mistake? Each site, product, partner and lesson on the site profiles, each resource and each "
            f"source has a “{CORRECTION_LABEL}” link that opens a prefilled issue in "
            f"{markdown_link('the repository', repository)}."
        )
    else:
        corrections = (
            "Found a mistake? Corrections are made in the project's repository: this server has no repository "
            f"address configured (`{REPOSITORY_URL_ENV}`), so no correction links are shown."
        )
    return CiteView(intro, citation.apa, citation.bibtex, corrections)


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

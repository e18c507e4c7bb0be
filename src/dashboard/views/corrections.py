"""The "Suggest a correction" links of the records the pages show, built with the one link builder
(``data.cite.correction_url``): which file and record lie behind a row (a search result, an
organization, a tie, a metric value, a dated event), a ``correction`` column of links for a table, the sites on the
map as a list of links, and the ties of the sites in view as a table.

Plain builders (the Map's list cached through ``ui.caching``); without a repository address no link is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.cite import CORRECTION_COLUMN, correction_markdown, correction_url
from dashboard.data.text import escape_markdown
from dashboard.data.values import is_missing
from dashboard.network import periods as P
from dashboard.ui.caching import page_cache

Record = tuple[str, Mapping[str, Any]]  # a data file and one of its records

# The file and catalog table holding each kind of record a search finds.
KIND_TABLES = {
    "product": ("products.yaml", "products"),
    "lesson": ("lessons.yaml", "lessons"),
    "resource": ("resources.yaml", "resources"),
    "organization": ("organizations.yaml", "organizations"),
    "national partner": ("national_partners.yaml", "national_partners"),
    "site": ("sites.yaml", "sites"),
    "metric": ("metric_definitions.yaml", "metric_definitions"),
}
TIE_COLUMNS = ["site", "source", "kind", "target", "when", "note", "sources"]


def kind_record(catalog: Catalog, kind: str, record_id: str) -> Record | None:
    """The file and record behind a search result of ``kind`` (see ``KIND_TABLES``), or None."""
    if kind not in KIND_TABLES:
        return None
    file, table = KIND_TABLES[kind]
    record = catalog.record(table, record_id)
    return (file, record) if record is not None else None


def organization_record(catalog: Catalog, organization_id: str) -> Record | None:
    """The file and record of a site's organization or of a national partner, or None."""
    return kind_record(catalog, "organization", organization_id) or kind_record(catalog, "national partner", organization_id)


def _metric(record: dict[str, Any]) -> Record:
    """A metric value's file (``census.yaml`` for a census figure, else ``metrics.yaml``) and record."""
    census = "census_query" in record and not is_missing(record["census_query"])
    return ("census.yaml" if census else "metrics.yaml", record)


def metric_record(catalog: Catalog, site: str, metric: str, vintage: str = "") -> Record | None:
    """The file and record of a site's value of ``metric`` (see ``_metric``); where several vintages are
    recorded, the one of ``vintage``."""
    rows = catalog.metric_values(site, metric)
    if len(rows) > 1:
        rows = [row for row in rows if not is_missing(row["vintage"]) and row["vintage"] == vintage]
    return _metric(rows[0]) if len(rows) == 1 else None


def event_record(catalog: Catalog, record_id: str) -> Record | None:
    """The file and record of a dated event: a product (its launch) or a metric value (a key year)."""
    found = kind_record(catalog, "product", record_id)
    record = None if found else catalog.record("metrics", record_id)
    return found or (_metric(record) if record is not None else None)


def record_links(repository: str, records: Iterable[Record | None]) -> list[str]:
    """The correction link of each record ("" where a row has none)."""
    return ["" if item is None else correction_url(repository, *item) for item in records]


def with_corrections(table: pd.DataFrame, repository: str | None, records: Sequence[Record | None]) -> pd.DataFrame:
    """``table`` with a ``correction`` column linking each row's record (``records``, row by row) to the
    prefilled new-issue form; ``table`` unchanged without a ``repository``."""
    if not repository:
        return table
    if len(records) != len(table):
        raise ValueError(f"{len(records)} records for a table of {len(table)} rows")
    return table.assign(**{CORRECTION_COLUMN: record_links(repository, records)})


def metric_corrections(catalog: Catalog, frame: pd.DataFrame, repository: str | None) -> pd.DataFrame:
    """A metric frame (``site``, ``metric`` and ``vintage`` columns) with each value's correction link."""
    records = [metric_record(catalog, s, m, v) for s, m, v in zip(frame["site"], frame["metric"], frame["vintage"])]
    return with_corrections(frame, repository, records)


def organization_corrections(catalog: Catalog, table: pd.DataFrame, repository: str | None) -> pd.DataFrame:
    """A table of organizations with an ``id`` column: the same without it, with each one's correction link."""
    records = [organization_record(catalog, organization_id) for organization_id in table["id"]]
    return with_corrections(table.drop(columns=["id"]), repository, records)


@page_cache()
def site_corrections_markdown(catalog: Catalog, site_ids: tuple[str, ...], repository: str | None) -> str:
    """Each site of ``site_ids`` with a link to suggest a correction to its record, as a Markdown list
    under a bold line; "" without a repository or sites (built once per choice of sites: a Map rerun
    would otherwise index every site record again)."""
    if not repository:
        return ""
    sites = catalog.sites.set_index("id", drop=False)
    lines = [
        f"- {escape_markdown(sites.loc[s, 'name'])}{correction_markdown(repository, 'sites.yaml', sites.loc[s].to_dict())}"
        for s in site_ids
        if s in sites.index
    ]
    if not lines:
        return ""
    return "**Suggest a correction to a site's record**\n\n" + "\n".join(lines)


def site_tie_records(catalog: Catalog, site_id: str, ties_counted: str) -> list[Record]:
    """The file and record of each tie counted (``ties_counted``) at one site, in the order the site's
    network (``network.model.site_ecosystem``) lists them."""
    relationships = catalog.relationships
    ties = P.select_ties(relationships[relationships["site"] == site_id], ties_counted)
    return [("relationships.yaml", tie) for tie in ties.to_dict("records")]


def ties_table(catalog: Catalog, site_ids: Sequence[str], ties_counted: str, repository: str | None) -> pd.DataFrame:
    """The ties counted (``ties_counted``, see ``network.periods``) at the sites ``site_ids``: a row per tie
    with its site, the organizations' names, its kind, when it held, its note and source ids, and (with
    a ``repository``) its correction link."""
    names = {
        **dict(zip(catalog.national_partners["id"], catalog.national_partners["name"])),
        **dict(zip(catalog.organizations["id"], catalog.organizations["name"])),
    }
    site_names = catalog.site_names()
    rows, records = [], []
    for site in site_ids:
        for record in site_tie_records(catalog, site, ties_counted):
            tie = record[1]
            rows.append(
                {
                    "site": site_names.get(site, site),
                    "source": names.get(tie["source"], tie["source"]),
                    "kind": tie["kind"],
                    "target": names.get(tie["target"], tie["target"]),
                    "when": C.TIE_PERIOD_LABELS.get(tie["period"], tie["period"]),
                    "note": "" if is_missing(tie["note"]) else tie["note"],
                    "sources": list(tie["sources"]),
                }
            )
            records.append(record)
    return with_corrections(pd.DataFrame(rows, columns=TIE_COLUMNS), repository, records)

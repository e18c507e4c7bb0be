"""Claim-level citations: a page's sources numbered once, "Sources: [1] [2]" after each claim, and the
numbered list at the foot of the page. Every link is http(s) only; every title is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.data.linkcheck import ARCHIVE_LABEL, ARCHIVE_TITLE, archive_url
from dashboard.data.text import CITATION_TITLE, escape_markdown, markdown_link
from dashboard.data.values import date_text

Cite = Callable[[Iterable[str]], str]


def cited_ids(rows: Iterable[dict[str, Any]]) -> set[str]:
    """Every source id cited by ``rows`` (records with a ``sources`` list)."""
    return {source for row in rows for source in (row.get("sources") or [])}


def numbered_sources(catalog: Catalog, ids: Iterable[str]) -> pd.DataFrame:
    """The sources with the given ids, in the source list's order, numbered from 1 (column ``number``)."""
    rows = catalog.sources[catalog.sources["id"].isin(set(ids))].reset_index(drop=True)
    return rows.assign(number=range(1, len(rows) + 1))


def citer(sources: pd.DataFrame) -> Cite:
    """For one page's numbered sources, a function giving the small "Sources: [1] [2]" Markdown of
    some source ids, each number linking to its source's URL (the lookup is built once)."""
    lookup = {row["id"]: row for row in sources.to_dict("records")}

    def cite(ids: Iterable[str]) -> str:
        rows = sorted((lookup[i] for i in set(ids) if i in lookup), key=lambda row: row["number"])
        links = [
            markdown_link(f"[{row['number']}]", row["url"], f"{CITATION_TITLE}{row['number']}: {row['title']}") for row in rows
        ]
        return f":small[Sources: {' '.join(links)}]" if links else ""

    return cite


def source_line(row: dict[str, Any]) -> str:
    """One entry of a page's source list: number, linked title, publisher, date and id, then a search of the
    Internet Archive for the link near the source's date (against link rot; not a verified capture)."""
    archive = markdown_link(ARCHIVE_LABEL, archive_url(row["url"], row.get("date")), ARCHIVE_TITLE)
    return (
        f"\\[{row['number']}\\] {markdown_link(row['title'], row['url'])} — "
        f"{escape_markdown(row['publisher'])}, {escape_markdown(date_text(row.get('date')))} · {escape_markdown(row['id'])}"
        f" · :small[{archive}]"
    )


def sources_markdown(sources: pd.DataFrame) -> str:
    """A page's numbered source list, one bullet each."""
    return "\n".join(f"- {source_line(row)}" for row in sources.to_dict("records"))

"""Citing the atlas and correcting it: the ready citations (APA and BibTeX) generated from
``CITATION.cff``, and the "Suggest a correction" link to the repository's new-issue form, prefilled
with the file, the record's id, its current values and its sources.

The repository's address is configuration, not data: it is read from ``$CTDC_REPOSITORY_URL``
(``constants.REPOSITORY_URL_ENV``) and, when unset or not an http(s) address, no correction link is
offered.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dashboard import constants as C
from dashboard.data.text import is_http_url, markdown_link
from dashboard.data.values import is_missing

# The current values a correction request quotes, per data file: what a reader sees of the record.
CORRECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "sites.yaml": ("name", "role", "grant_usd", "landmark", "summary"),
    "products.yaml": ("name", "status", "status_as_of", "launched", "urls", "code", "license", "note"),
    "organizations.yaml": ("name", "type", "sites", "role", "url"),
    "lessons.yaml": ("text", "section", "section_basis", "note"),
    "resources.yaml": ("title", "kind", "publisher", "date", "url", "note"),
    "sources.yaml": ("title", "publisher", "date", "url", "kind", "note"),
    "national_partners.yaml": ("name", "role", "url"),
    "relationships.yaml": ("source", "target", "kind", "site", "period", "period_basis", "note"),
    "metrics.yaml": ("site", "metric", "value", "unit", "vintage", "confidence", "note"),
    "census.yaml": ("site", "metric", "value", "unit", "vintage", "margin_of_error", "confidence", "census_check"),
    "metric_definitions.yaml": ("label", "group", "value_type", "unit", "description"),
}
# The longest a current value may be in a prefilled issue, so the whole link stays well within what
# browsers and the issue form accept.
MAX_VALUE_CHARS = 160


@cache
def citation_file(path: Path = C.CITATION_FILE) -> dict[str, Any]:
    """The project's ``CITATION.cff`` as a mapping (read once)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path.name} must be a mapping of citation fields")
    return document


def repository_url() -> str | None:
    """The repository's web address from ``$CTDC_REPOSITORY_URL`` (no trailing slash), or None when unset or not http(s)."""
    url = os.environ.get(C.REPOSITORY_URL_ENV, "").strip().rstrip("/")
    return url if is_http_url(url) else None


@dataclass(frozen=True)
class Citation:
    """The ready citations of the atlas: APA (7th edition style) and BibTeX."""

    apa: str
    bibtex: str


def authors(document: Mapping[str, Any]) -> list[str]:
    """Each author as written: an entity's name, or a person's family and given names."""
    names = []
    for author in document["authors"]:
        if "name" in author:
            names.append(str(author["name"]))
        else:
            names.append(f"{author.get('family-names', '')}, {author.get('given-names', '')}".strip(", "))
    return names


def how_to_cite(data_as_of: str, repository: str | None = None, document: Mapping[str, Any] | None = None) -> Citation:
    """The atlas's citations from ``CITATION.cff``, dated by the dataset's ``data_as_of`` (its year and day),
    with the repository's address when one is configured."""
    cff = document or citation_file()
    names = authors(cff)
    year, title, version = data_as_of[:4], str(cff["title"]), str(cff["version"])
    link = f" {repository}" if repository else ""
    apa = f"{', '.join(names)}. ({year}). {title} (Version {version}; data as of {data_as_of}) [Data set and software].{link}"
    fields = {
        "author": " and ".join(f"{{{name}}}" for name in names),
        "title": f"{{{title.replace('–', '--')}}}",
        "year": year,
        "version": version,
        "note": f"Dataset and dashboard, data as of {data_as_of}",
        **({"url": repository} if repository else {}),
    }
    width = max(len(name) for name in fields)
    lines = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields.items())
    key = f"{str(cff['title']).split(':')[0].lower().replace(' ', '_')}_{year}"
    return Citation(apa, f"@misc{{{key},\n{lines}\n}}")


def _value_text(value: Any) -> str:
    """One current value as plain text for the issue body: lists joined, long text cut, missing as null."""
    if isinstance(value, (list, tuple)):
        text = ", ".join(str(item) for item in value)
    elif is_missing(value):
        text = "null"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def correction_url(repository: str, file: str, record: Mapping[str, Any], fields: Iterable[str] | None = None) -> str:
    """The repository's new-issue form prefilled for one record: title naming the file and record id,
    a body with the record's current ``fields`` (by default ``CORRECTION_FIELDS`` of the file) and its
    sources, and what to tell us."""
    fields = CORRECTION_FIELDS.get(file, ()) if fields is None else fields
    record_id = record.get("id", "")
    lines = [
        f"File: data/{file}",
        f"Record id: {record_id}",
        "",
        "Current values:",
        *(f"- {field}: {_value_text(record.get(field))}" for field in fields if field in record),
        f"- sources: {_value_text(record.get('sources') or [])}",
        "",
        "What should change, and which public source (with its URL) says so?",
        "",
    ]
    query = urllib.parse.urlencode(
        {"title": f"Correction: {file} {record_id}", "body": "\n".join(lines)}, quote_via=urllib.parse.quote
    )
    return f"{repository}/issues/new?{query}"


CORRECTION_LABEL = "Suggest a correction"
CORRECTION_COLUMN = "correction"  # a table's column of correction links


def correction_markdown(repository: str | None, file: str, record: Mapping[str, Any]) -> str:
    """A small "Suggest a correction" link for one record of ``file`` (see ``correction_url``), after a
    space; "" when no repository is configured."""
    if not repository:
        return ""
    return f" :small[{markdown_link(CORRECTION_LABEL, correction_url(repository, file, record))}]"

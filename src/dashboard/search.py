"""Full-text search over products, lessons and resources: every word must match, ranked by hits."""

from __future__ import annotations

import re

import pandas as pd

from . import filters as F
from . import text
from .catalog import Catalog
from .themes import site_labels

MAX_QUERY = 200
SNIPPET_CHARS = 240
RESULT_COLUMNS = ["kind", "id", "site", "title", "snippet", "highlighted", "matched", "hits"]
NO_SITE = "Program-wide"


def _documents(catalog: Catalog, filters: F.Filters) -> list[dict[str, str]]:
    """Searchable records in view: kind, id, site label, title and body text."""
    labels = site_labels(catalog)
    docs = []
    for row in F.filter_products(catalog, filters).itertuples():
        docs.append({"kind": "product", "id": row.id, "site": labels.get(row.site, row.site),
                     "title": row.name, "body": row.description})
    for row in F.filter_lessons(catalog, filters).itertuples():
        docs.append({"kind": "lesson", "id": row.id, "site": labels.get(row.site, row.site),
                     "title": f"Lesson: {row.section}", "body": row.text})
    for row in F.filter_resources(catalog, filters).itertuples():
        site = ", ".join(labels.get(s, s) for s in row.sites) or NO_SITE
        docs.append({"kind": "resource", "id": row.id, "site": site, "title": row.title, "body": row.summary})
    return docs


def snippet(body: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of ``body`` of about ``width`` characters around the first matched term, cut at spaces."""
    body = " ".join(str(body).split())
    if len(body) <= width:
        return body
    lower = body.lower()
    found = [p for p in (lower.find(t) for t in terms) if p >= 0]
    first = min(found) if found else 0
    start = max(0, first - width // 3)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")


def search(catalog: Catalog, query: str, filters: F.Filters) -> pd.DataFrame:
    """Records in view whose title or text contain every word of ``query`` (case-insensitive).

    The query is cut to 200 characters and at most 8 words; results are ranked by the number
    of times the words occur. ``highlighted`` is escaped Markdown with the words in bold.
    """
    terms = list(dict.fromkeys(text.search_terms(str(query or "")[:MAX_QUERY])))
    if not terms:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    patterns = {term: re.compile(re.escape(term), re.IGNORECASE) for term in terms}
    rows = []
    for doc in _documents(catalog, filters):
        haystack = f"{doc['title']}\n{doc['body']}"
        counts = {term: len(pattern.findall(haystack)) for term, pattern in patterns.items()}
        if not all(counts.values()):
            continue
        excerpt = snippet(doc["body"], terms)
        rows.append({
            "kind": doc["kind"], "id": doc["id"], "site": doc["site"], "title": doc["title"],
            "snippet": excerpt, "highlighted": text.highlight(excerpt, terms),
            "matched": ", ".join(terms), "hits": sum(counts.values()),
        })
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return results.sort_values("hits", ascending=False, kind="stable").reset_index(drop=True)


def results_markdown(results: pd.DataFrame, limit: int | None = None) -> str:
    """The first ``limit`` search results (all by default) as one escaped Markdown block: title, kind
    and site, then the highlighted excerpt."""
    if limit is not None:
        results = results.head(limit)
    return "\n\n".join(
        f"**{text.escape_markdown(row['title'])}**  \n*{text.escape_markdown(row['kind'])} · {text.escape_markdown(row['site'])}*  \n"
        f"{row['highlighted']}"
        for row in results.to_dict("records")
    )


def result_table(results: pd.DataFrame) -> pd.DataFrame:
    """The search results as a table: everything but the Markdown highlight."""
    return results.drop(columns="highlighted")

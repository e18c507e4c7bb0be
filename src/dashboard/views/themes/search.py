"""The Themes page's Search tab: a query over the search index (``search_index``) and its results,
ranked, linked to where each record lives (in the same tab, at its heading), cited, and as a table.

Every word must match, whole (after the index's stemming), and the last word also as a prefix, so
"part" finds "partner" only as the last word; a one-letter query lists the titles starting with it.
What a user types never reaches FTS5's query syntax: it is split here into words of letters and
digits, and each word is quoted (``word_expressions``); the query requires them all.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from dashboard.data import text
from dashboard.data.catalog import Catalog
from dashboard.data.citations import citer, numbered_sources, sources_markdown
from dashboard.data.cite import correction_markdown
from dashboard.data.schema import CROSS_SITE
from dashboard.state import filters as F
from dashboard.state.links import Params, filter_params, record_href
from dashboard.ui.caching import page_cache
from dashboard.views import metrics
from dashboard.views.corrections import kind_record
from dashboard.views.metrics import key_years
from dashboard.views.metrics.census import CENSUS_METRICS
from dashboard.views.metrics.names import TEXT_METRICS
from dashboard.views.metrics.names import TITLE as NAMES_TITLE
from dashboard.views.metrics.site_metrics import YEAR_METRICS
from dashboard.views.themes import TABS as THEMES_TABS
from dashboard.views.themes.search_index import (
    MARK_CLOSE,
    MARK_OPEN,
    MARKERS,
    Document,
    Kind,
    SearchIndex,
    fold,
    search_index,
    words_of,
)

# Longest query searched, in characters (after spaces are collapsed); the rest is cut with a note.
MAX_QUERY = 200
# Results returned when no limit is given (the total count is always given).
DEFAULT_LIMIT = 50
Mode = Literal["none", "initial", "words"]
PROGRAM_WIDE = "Program-wide"
RESULT_COLUMNS = ["rank", "kind", "id", "title", "sites", "section", "themes", "excerpt", "url", "sources"]

EMPTY_MESSAGE = (
    "Type a word to search products, lessons, resources, organizations, national partners, sites and ecosystem metrics."
)
NO_WORDS_MESSAGE = "The search has no letters or digits to look for. Type a word."
TOO_SHORT_MESSAGE = "Type at least two letters to search."
INITIAL_MESSAGE = (
    "One letter is too short to search the text: here, A to Z, are the records whose title starts with {letter}. "
    "Type two or more letters to search every word."
)
NO_INITIAL_MESSAGE = "No title starts with {letter}. Type two or more letters to search every word."
NO_MATCH_MESSAGE = "No record contains every word. Try fewer words, or check the spelling."
HIDDEN_MESSAGE = "No record in view contains every word; {hidden} outside the current filters {verb}."

# The heading a result's link lands on in a site's profile, by kind: a product's own name, the site's
# name (the page's title), its lessons, its partners.
SITE_PLACES = {"product": "{title}", "site": "{site}", "lesson": "Lessons from {site}", "organization": "Who took part"}

# Removed from queries: control characters, zero-width and bidirectional marks, lone surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


@dataclass(frozen=True)
class SearchResult:
    """One matching record.

    ``sites`` are site ids (``"cross-site"`` for a cross-site lesson, empty for a program-wide
    record) and ``site_names`` their display names; ``snippet_markdown`` is a passage of the body
    text as escaped Markdown with the matched words in bold, ``excerpt`` the same passage as plain
    text; ``sources`` are source ids for citations; ``url`` is the record's own http(s) address;
    ``group`` the heading a resource is listed under in the Library (its kind).
    """

    kind: Kind
    id: str
    title: str
    sites: tuple[str, ...]
    site_names: tuple[str, ...]
    snippet_markdown: str
    excerpt: str
    sources: tuple[str, ...]
    url: str | None
    section: str | None
    themes: tuple[str, ...]
    group: str | None = None


@dataclass(frozen=True)
class SearchResults:
    """The answer to one query.

    ``results``: at most ``limit`` records, best first. ``total``: every match in view;
    ``hidden``: matches left out by the site and theme filters. ``query``: the text as searched,
    cut to ``MAX_QUERY`` characters when ``truncated`` (``dropped_chars`` says how many were cut).
    ``words``: the words searched for, the last also as a prefix; ``ignored_words``: one-letter
    words left out. ``mode``: ``"none"`` when nothing was searched, ``"initial"`` for a one-letter
    query, ``"words"`` otherwise. ``message`` explains an empty or one-letter answer; ``notes`` (plain
    text) say what was cut or left out of the query, for a visible note.
    """

    query: str
    words: tuple[str, ...] = ()
    mode: Mode = "none"
    results: tuple[SearchResult, ...] = ()
    total: int = 0
    hidden: int = 0
    truncated: bool = False
    dropped_chars: int = 0
    ignored_words: tuple[str, ...] = ()
    message: str | None = None
    notes: tuple[str, ...] = ()


def prepare_query(query: str | None) -> tuple[str, int, list[str]]:
    """The query as searched, how many characters were cut from it, and its words.

    Control characters, invisible marks and lone surrogates become spaces, and runs of spaces one
    space (so the query can be shown back safely); a longer query is cut to
    ``MAX_QUERY`` characters, back to the end of its last whole word when it has several.
    """
    cleaned = " ".join(_CONTROL.sub(" ", str(query or "")).split())
    used = cleaned[:MAX_QUERY]
    if len(cleaned) > MAX_QUERY and cleaned[MAX_QUERY] != " " and " " in used:
        used = used[: used.rindex(" ")]
    used = used.rstrip()
    return used, len(cleaned) - len(used), words_of(used)


def word_expressions(words: list[str], completions: Iterable[str] = ()) -> list[str]:
    """One FTS5 expression per word, each quoted whole, the last also as a prefix or as one of
    ``completions``. Words must come from ``words_of`` (letters and digits only)."""
    quoted = [f'"{w}"' for w in words]
    last = " OR ".join([f"{quoted[-1]}*", *(f'"{c}"' for c in completions)])
    return [*quoted[:-1], f"({last})"]


def initial_expression(letter: str) -> str:
    """An FTS5 expression for records whose title's first word starts with ``letter``."""
    return f'{{title}} : ^ "{letter}"*'


def _in_view(document: Document, site_ids: frozenset[str] | None, themes: frozenset[str]) -> bool:
    """Program-wide records always; others when one of their sites is in ``site_ids`` (None: all
    sites); products and lessons also need one of ``themes``, when themes are chosen."""
    if site_ids is not None and document.scope and document.scope.isdisjoint(site_ids):
        return False
    return not (themes and document.kind in ("product", "lesson") and themes.isdisjoint(document.themes))


def _marked_markdown(marked: str) -> str:
    """Escaped Markdown of a snippet, the words between the private markers in bold."""
    out: list[str] = []
    bold = False
    for piece in MARKERS.split(marked):
        if piece in (MARK_OPEN, MARK_CLOSE):
            bold = piece == MARK_OPEN
        elif piece:
            escaped = text.escape_markdown(piece)
            out.append(f"**{escaped}**" if bold and piece.strip() else escaped)
    return "".join(out)


def result_of(document: Document, marked: str = "") -> SearchResult:
    """The result showing ``document``, with ``marked`` (a snippet with the matched words marked) as its passage."""
    return SearchResult(
        kind=document.kind,
        id=document.id,
        title=document.title,
        sites=document.sites,
        site_names=document.site_names,
        snippet_markdown=_marked_markdown(marked),
        excerpt=MARKERS.sub("", marked),
        sources=document.sources,
        url=document.url,
        section=document.section,
        themes=document.themes,
        group=document.group,
    )


def _page(
    index: SearchIndex,
    base: SearchResults,
    expression: str,
    rowids: list[int],
    site_ids: Collection[str] | None,
    limit: int,
    themes: Collection[str],
) -> SearchResults:
    """``base`` with the matches in view among ranked ``rowids``, snippets for the first ``limit``."""
    sites, chosen = (None if site_ids is None else frozenset(site_ids)), frozenset(themes)
    in_view = [n for n in rowids if _in_view(index.document(n), sites, chosen)] if sites is not None or chosen else rowids
    shown = in_view[: max(0, limit)]
    snippets = index.snippets(expression, shown) if shown else {}
    results = tuple(result_of(index.document(n), snippets.get(n, "")) for n in shown)
    return replace(base, results=results, total=len(in_view), hidden=len(rowids) - len(in_view))


def search(
    index: SearchIndex,
    query: str | None,
    site_ids: Collection[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    themes: Collection[str] = (),
) -> SearchResults:
    """Records matching ``query``, best first, among the records in view.

    Every word must occur (stemmed: "courts" finds "court"); the last word also matches as a
    prefix. One-letter words are left out when the query has longer ones; a query of one letter
    lists the records whose title starts with it, A to Z. ``site_ids`` None means every site.
    Program-wide records (cross-site lessons, national partners, metrics, and resources and
    organizations tied to no site) are always in view; a site is in view when the filters keep it, a
    record of several sites when any one of them is. ``themes``, when given, narrows products and
    lessons (the other kinds carry no themes and are not narrowed).
    """
    used, dropped, words = prepare_query(query)
    cut = f"Your search was cut to its first {len(used)} characters ({dropped} {text.plural('character', dropped)} left out)."
    base = SearchResults(query=used, truncated=bool(dropped), dropped_chars=dropped, notes=(cut,) if dropped else ())
    long_words = tuple(dict.fromkeys(w for w in words if len(w) > 1))
    if long_words:
        ignored = tuple(dict.fromkeys(w for w in words if len(w) == 1))
        if ignored:
            base = replace(
                base, ignored_words=ignored, notes=(*base.notes, f"One-letter words were left out: {', '.join(ignored)}.")
            )
        each = word_expressions(list(long_words), index.completions(long_words[-1]))
        expression = " AND ".join(each)
        ranked = index.ranked(expression, each)
        answer = _page(index, replace(base, words=long_words, mode="words"), expression, ranked, site_ids, limit, themes)
        if answer.total:
            return answer
        verb = "does" if answer.hidden == 1 else "do"
        hidden = f"{answer.hidden} {text.plural('record', answer.hidden)}"
        return replace(answer, message=HIDDEN_MESSAGE.format(hidden=hidden, verb=verb) if answer.hidden else NO_MATCH_MESSAGE)
    if len(words) == 1:
        letter = words[0]
        expression = initial_expression(letter)
        rowids = sorted(index.ranked(expression), key=lambda n: (fold(index.document(n).title), n))
        answer = _page(index, replace(base, words=(letter,), mode="initial"), expression, rowids, site_ids, limit, themes)
        message = INITIAL_MESSAGE if answer.total else NO_INITIAL_MESSAGE
        return replace(answer, message=message.format(letter=letter.upper()))
    return replace(base, message=TOO_SHORT_MESSAGE if words else NO_WORDS_MESSAGE if used else EMPTY_MESSAGE)


def sites_label(result: SearchResult) -> str:
    """The names of a result's sites, or "Program-wide"."""
    return ", ".join(result.site_names) or PROGRAM_WIDE


def _metric_href(metric: str, label: str, params: Params, home: str) -> str:
    """Where a metric is drawn: its chart on the Ecosystem metrics page (a key year opens alone on the
    Key years tab; a census measure on the Census context tab; a name or instrument in the Names table),
    else the ecosystem metrics of ``home``'s profile, which list every metric."""
    tabs = metrics.TABS
    if metric in YEAR_METRICS:
        return record_href("metrics", {"metrics_tab": tabs[0], "year_metric": label, **params}, key_years.TITLE)
    if metric in TEXT_METRICS:
        return record_href("metrics", {"metrics_tab": tabs[1], **params}, NAMES_TITLE)
    if metric in CENSUS_METRICS:
        return record_href("metrics", {"metrics_tab": tabs[2], **params}, label)
    return record_href("site", {"site": home, **params}, f"Ecosystem metrics for {home}")


def result_href(result: SearchResult, params: Params, names: dict[str, str], home: str | None = None) -> str | None:
    """Where a result lives, at its place on the page (a heading's anchor): a site's profile; a product's
    heading there, a site's lessons or partners; a cross-site lesson's synthesis section; a resource's kind
    in the Library; a metric's chart (``_metric_href``; ``home``: the site shown for a metric without one,
    the first site by default); else a national partner's own http(s) address."""
    site = names.get(result.sites[0]) if result.sites else None
    if result.kind == "lesson" and result.sites == (CROSS_SITE,):
        section = result.section or ""
        return record_href("themes", {"themes_tab": THEMES_TABS[2], "section": section, **params}, section)
    if site is not None and result.kind in SITE_PLACES:
        heading = SITE_PLACES[result.kind].format(site=site, title=result.title)
        return record_href("site", {"site": site, **params}, heading)
    if result.kind == "resource":
        return record_href("library", {"library_tab": "Resources", **params}, result.group or "")
    if result.kind == "metric":
        return _metric_href(result.id, result.title, params, home or next(iter(names.values())))
    return result.url


def _title_link(title: str, href: str) -> str:
    """A result's title as a link that opens in the same tab (Streamlit opens a Markdown link in a new one):
    an HTML anchor whose address is attribute-escaped and whose text is Markdown-escaped."""
    return f'<a href="{html.escape(href)}" target="_self">{text.escape_markdown(title)}</a>'


def result_markdown(result: SearchResult, href: str | None = None, citation: str = "") -> str:
    """One result as escaped Markdown (with one HTML element: the title's link to ``href``, when given, which
    stays in the tab): its title in bold, kind and sites, the snippet, and its citation."""
    title = f"**{_title_link(result.title, href) if href else text.escape_markdown(result.title)}**"
    meta = text.escape_markdown(f"{result.kind.capitalize()} · {sites_label(result)}")
    return "  \n".join(part for part in (title, f"*{meta}*", result.snippet_markdown, citation) if part)


def results_table(results: SearchResults) -> pd.DataFrame:
    """The results returned, as plain text (no Markdown), for a table and its CSV download."""
    rows = [
        (
            rank,
            r.kind,
            r.id,
            r.title,
            sites_label(r),
            r.section or "",
            ", ".join(r.themes),
            r.excerpt,
            r.url or "",
            ", ".join(r.sources),
        )
        for rank, r in enumerate(results.results, start=1)
    ]
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


@dataclass(frozen=True)
class SearchView:
    """The Search tab for one query: the query as searched (cut when too long), the count line or the
    reason there is none, notes on what was cut, the results (linked, cited, with the sources they
    cite listed) and their table."""

    query: str
    summary: str
    notes: tuple[str, ...]
    markdown: str
    table: pd.DataFrame
    found: bool


def result_correction(catalog: Catalog, result: SearchResult, repository: str | None) -> str:
    """The "Suggest a correction" link of a result's record (after a space), or "" without a repository."""
    found = kind_record(catalog, result.kind, result.id) if repository else None
    return correction_markdown(repository, *found) if found else ""


@page_cache(max_entries=256)
def search_view(
    catalog: Catalog, filters: F.Filters, query: str, limit: int = DEFAULT_LIMIT, repository: str | None = None
) -> SearchView:
    """Search the records of the sites and themes in view; each result links to where it lives and cites its
    sources (and, with a ``repository``, links to suggest a correction)."""
    results = search(search_index(catalog), query, frozenset(F.selected_site_ids(catalog, filters)), limit, filters.themes)
    params = filter_params(filters, catalog.site_names())
    sources = numbered_sources(catalog, {s for r in results.results for s in r.sources})
    cite = citer(sources)
    names = catalog.site_names()
    home = next((names[s] for s in F.selected_site_ids(catalog, filters)), None)
    blocks = [
        result_markdown(r, result_href(r, params, names, home), cite(r.sources) + result_correction(catalog, r, repository))
        for r in results.results
    ]
    if results.mode == "words" and results.total:
        more = f" (showing the first {len(results.results)})" if results.total > len(results.results) else ""
        summary = f"**{results.total}** {text.plural('result', results.total)}{more}, best matches first."
    else:
        summary = text.escape_markdown(results.message or "")
        if results.mode == "initial" and results.total:
            summary = f"**{results.total}** {text.plural('title', results.total)} starting with {text.escape_markdown(results.words[0].upper())}. {summary}"
    if blocks and len(sources):
        blocks.append(f"**Sources cited in these results**\n\n{sources_markdown(sources)}")
    return SearchView(results.query, summary, results.notes, "\n\n".join(blocks), results_table(results), bool(results.results))

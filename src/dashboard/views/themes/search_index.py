"""The Themes page's search index: every product, lesson, resource, organization, national partner,
site and ecosystem metric (its label and definition) of a catalog in an in-memory SQLite FTS5 table,
built once per catalog and shared by every session (``search_index``). The query and its results are
in ``search``.

Words are indexed after Porter stemming with diacritics removed, so a word is found whole ("court"
finds "courts"; "art" never finds "partner" or "start"); a name written in one piece is also indexed
in its parts ("YourSTLCourts" as "Your STL Courts"). Titles and names are weighted above body text in
the ranking (bm25 column weights). Each record keeps what a result shows and the sites that put it in
view.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from dashboard.data import text
from dashboard.data.catalog import Catalog
from dashboard.data.schema import CROSS_SITE
from dashboard.data.values import records
from dashboard.ui.caching import page_cache
from dashboard.views.themes.lessons import site_labels

# Length of a snippet, in words (FTS5 allows at most 64).
SNIPPET_WORDS = 32
# The indexed columns and their bm25 weights: a word in a title or name counts ten times one in
# body text; the context column (kind, sites, themes, type, publisher) counts half.
COLUMNS = ("title", "body", "context")
WEIGHTS = (10.0, 1.0, 0.5)
# The most whole words a last-word prefix is widened with (see ``_Completions``).
MAX_EXPANSIONS = 64
TOKENIZER = "porter unicode61 remove_diacritics 2"

Kind = Literal["product", "lesson", "resource", "organization", "national partner", "site", "metric"]
KINDS: tuple[Kind, ...] = ("product", "lesson", "resource", "organization", "national partner", "site", "metric")

# Private-use characters that mark matched words in FTS5 snippets (``SearchIndex.snippets``);
# removed from indexed text.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARKERS = re.compile(f"([{MARK_OPEN}{MARK_CLOSE}])")
_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # the same words for ASCII text, three times faster
# Where a name written in one piece changes word: "YourSTLCourts" -> "Your STL Courts".
_CAMEL_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Document:
    """One searchable record: its indexed text, what a result shows, and the sites it belongs to.

    ``scope`` is the set of sites that put the record in view; empty for program-wide records.
    """

    kind: Kind
    id: str
    title: str
    body: str
    context: str
    sites: tuple[str, ...]
    site_names: tuple[str, ...]
    scope: frozenset[str]
    sources: tuple[str, ...]
    url: str | None = None
    section: str | None = None
    themes: tuple[str, ...] = ()
    group: str | None = None

    @property
    def indexed_title(self) -> str:
        """The title as indexed: lessons have none of their own (theirs names the section); a name with
        words run together is followed by its parts."""
        if self.kind == "lesson":
            return ""
        parts = _CAMEL_BREAK.sub(" ", self.title)
        return self.title if parts == self.title else f"{self.title} {parts}"


def fold(value: str) -> str:
    """``value`` lower-cased and without diacritics, as the index's tokenizer reads it."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words_of(value: str) -> list[str]:
    """The words of ``value``, folded: runs of letters and digits (anything else separates them)."""
    folded = fold(value)
    return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)


def _clean(value: object) -> str:
    """Text for the index: missing values empty, the private marker characters removed."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return MARKERS.sub("", str(value))


def _first_url(urls: object) -> str | None:
    """The first http(s) address of a list (or of a single value), else None."""
    candidates = urls if isinstance(urls, list) else [urls]
    return next((str(u) for u in candidates if text.is_http_url(u)), None)


def _documents(catalog: Catalog) -> Iterator[Document]:
    """Every searchable record of the catalog, in a stable order."""
    labels = site_labels(catalog)

    def names(sites: Iterable[str]) -> tuple[str, ...]:
        return tuple(labels.get(s, s) for s in sites)

    for row in records(catalog.products):
        sites, themes = (row["site"],), tuple(row["themes"])
        yield Document(
            "product",
            row["id"],
            row["name"],
            f"{row['description']}\n{_clean(row['status_note'])}",
            " ".join(["product", *names(sites), *themes, row["status"]]),
            sites,
            names(sites),
            frozenset(sites),
            tuple(row["sources"]),
            _first_url(row["urls"]),
            themes=themes,
        )
    for row in records(catalog.lessons):
        sites, themes = (row["site"],), tuple(row["themes"] or ())
        yield Document(
            "lesson",
            row["id"],
            f"Lesson: {row['section']}",
            row["text"],
            " ".join(["lesson", *names(sites), row["section"], *themes]),
            sites,
            names(sites),
            frozenset() if row["site"] == CROSS_SITE else frozenset(sites),
            tuple(row["sources"]),
            section=row["section"],
            themes=themes,
        )
    for row in records(catalog.resources):
        sites = tuple(row["sites"] or ())
        yield Document(
            "resource",
            row["id"],
            row["title"],
            row["summary"],
            " ".join(["resource", row["kind"], row["publisher"], _clean(row["date"]), *names(sites)]),
            sites,
            names(sites),
            frozenset(sites),
            tuple(row["sources"]),
            _first_url(row["url"]),
            group=str(row["kind"]).capitalize(),  # the Library's heading for the kind
        )
    for row in records(catalog.organizations):
        sites = tuple(row["sites"] or ())
        yield Document(
            "organization",
            row["id"],
            row["name"],
            _clean(row["role"]),
            " ".join(["organization", row["type"], *names(sites)]),
            sites,
            names(sites),
            frozenset(sites),
            tuple(row["sources"]),
            _first_url(row["url"]),
        )
    for row in records(catalog.national_partners):
        yield Document(
            "national partner",
            row["id"],
            row["name"],
            row["role"],
            "national partner",
            (),
            (),
            frozenset(),
            tuple(row["sources"]),
            _first_url(row["url"]),
        )
    for row in records(catalog.sites):
        sites = (row["id"],)
        yield Document(
            "site",
            row["id"],
            row["name"],
            row["summary"],
            " ".join(["site", row["role"], row["state"], row["landmark"]]),
            sites,
            names(sites),
            frozenset(sites),
            tuple(row["sources"]),
        )
    for row in records(catalog.metric_definitions):
        yield Document(
            "metric",
            row["id"],
            row["label"],
            row["description"],
            " ".join(["ecosystem metric", row["group"], _clean(row["unit"])]),
            (),
            (),
            frozenset(),
            tuple(row["sources"]),
        )


def _common_length(a: str, b: str) -> int:
    """The length of the longest common beginning of two strings."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


class _Completions:
    """Whole words of the data that a stemmed prefix would miss.

    FTS5 stems a prefix query too, and a stem can be shorter than the word it came from:
    "community" is indexed as "commun", so the prefix "communi" alone finds nothing. For each
    word the stemmer shortens or changes, this keeps how much of the word its stem still spells;
    a typed prefix longer than that is widened with the word itself (quoted whole, so FTS5 stems
    it as it stemmed the data).
    """

    def __init__(self, words: list[str], stems: list[str]):
        kept = [(w, s, _common_length(w, s)) for w, s in zip(words, stems) if s]
        changed = sorted(entry for entry in kept if entry[2] < len(entry[0]))
        self._words = [w for w, _, _ in changed]
        self._stems = [s for _, s, _ in changed]
        self._spelled = [n for _, _, n in changed]

    def __call__(self, prefix: str) -> list[str]:
        """Words starting with ``prefix`` whose stem does not: one per stem, at most ``MAX_EXPANSIONS``."""
        out: dict[str, str] = {}
        for i in range(bisect.bisect_left(self._words, prefix), len(self._words)):
            if not self._words[i].startswith(prefix) or len(out) >= MAX_EXPANSIONS:
                break
            if len(prefix) > self._spelled[i]:
                out.setdefault(self._stems[i], self._words[i])
        return list(out.values())


def _stems(connection: sqlite3.Connection, words: list[str]) -> list[str]:
    """The index tokenizer's stem of each word ("" where the word does not make exactly one token)."""
    connection.execute(f"CREATE VIRTUAL TABLE temp.stemmer USING fts5(word, tokenize='{TOKENIZER}')")
    connection.execute("CREATE VIRTUAL TABLE temp.stemmed USING fts5vocab(temp, stemmer, instance)")
    connection.executemany("INSERT INTO temp.stemmer (rowid, word) VALUES (?, ?)", enumerate(words, start=1))
    found: dict[int, list[str]] = {}
    for term, rowid in connection.execute("SELECT term, doc FROM temp.stemmed"):
        found.setdefault(rowid, []).append(term)
    connection.execute("DROP TABLE temp.stemmed")
    connection.execute("DROP TABLE temp.stemmer")
    return [terms[0] if len(terms := found.get(n, [])) == 1 else "" for n in range(1, len(words) + 1)]


class SearchIndex:
    """An in-memory FTS5 index of one catalog's records, safe to share between threads.

    The connection is opened with ``check_same_thread=False`` and every use of it holds a lock,
    so a server can cache one index per catalog and search it from every session.
    """

    def __init__(self, connection: sqlite3.Connection, documents: list[Document], completions: _Completions):
        self._connection = connection
        self._documents = documents
        self._title_lengths = [len(words_of(d.title)) or 1 for d in documents]  # in words, for ``ranked``
        self._completions = completions
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._documents)

    def ranked(self, expression: str, words: Sequence[str] = ()) -> list[int]:
        """Row ids matching an FTS5 expression, best first: by how many of ``words`` (one FTS5 expression
        per word of the query) the title holds, then by how much of the title they make up, then by
        weighted bm25, then catalog order.

        FTS5's bm25 adds a column's weight inside the term-frequency saturation, so even a tenfold title
        weight counts a title match at most about twice a body match (a long description outweighed a
        product's name); ranking by the title's matches first makes the record a query names come first.
        """
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = "SELECT rowid FROM docs WHERE docs MATCH ?"
        in_title: dict[int, int] = {}
        with self._lock:
            scores = self._connection.execute(f"SELECT rowid, bm25(docs, {weights}) FROM docs WHERE docs MATCH ?", (expression,))
            rows = scores.fetchall()
            for word in words:
                for (rowid,) in self._connection.execute(sql, (f"{{title}} : ({word})",)):
                    in_title[rowid] = in_title.get(rowid, 0) + 1

        def key(row: tuple[int, float]) -> tuple[int, float, float, int]:
            matched = in_title.get(row[0], 0)
            return (-matched, -min(1.0, matched / self._title_lengths[row[0] - 1]), row[1], row[0])

        return [rowid for rowid, _ in sorted(rows, key=key)]

    def snippets(self, expression: str, rowids: list[int]) -> dict[int, str]:
        """Row id -> a passage of the body text with the matched words between private markers.

        ``+rowid`` keeps the row ids away from FTS5's own index: otherwise the expression is
        evaluated again for each row id, which costs ten times more on a broad query.
        """
        sql = (
            f"SELECT rowid, snippet(docs, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_WORDS}) FROM docs "
            "WHERE docs MATCH ? AND +rowid IN (SELECT value FROM json_each(?))"
        )
        with self._lock:
            return dict(self._connection.execute(sql, (expression, str(rowids))).fetchall())

    def completions(self, prefix: str) -> list[str]:
        """Whole words of the data starting with ``prefix`` that its stemmed form would miss."""
        return self._completions(prefix)

    def document(self, rowid: int) -> Document:
        """The record indexed under ``rowid``."""
        return self._documents[rowid - 1]


def build_index(catalog: Catalog) -> SearchIndex:
    """Index every product, lesson, resource, organization, national partner, site and metric of ``catalog``."""
    documents = list(_documents(catalog))
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    columns = ", ".join(COLUMNS)
    connection.execute(f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='{TOKENIZER}')")
    texts = [(_clean(d.indexed_title), _clean(d.body), _clean(d.context)) for d in documents]
    connection.executemany(
        f"INSERT INTO docs (rowid, {columns}) VALUES (?, ?, ?, ?)", ((n, *t) for n, t in enumerate(texts, start=1))
    )
    connection.execute("INSERT INTO docs (docs) VALUES ('optimize')")
    vocabulary = sorted({word for parts in texts for part in parts for word in words_of(part)})
    return SearchIndex(connection, documents, _Completions(vocabulary, _stems(connection, vocabulary)))


@page_cache(max_entries=4)
def search_index(catalog: Catalog) -> SearchIndex:
    """The catalog's search index, built once and shared by every session."""
    return build_index(catalog)

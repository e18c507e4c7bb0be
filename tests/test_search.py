"""Unit tests of full-text search: whole words and prefixes, ranking, filters, snippets, limits and
hostile input, on the shipped catalog and on a small catalog written for the purpose."""

from __future__ import annotations

import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.state.filters import Filters
from dashboard.state.links import heading_anchor
from dashboard.views import library
from dashboard.views.metrics import census, key_years
from dashboard.views.metrics import names as metric_names
from dashboard.views.site_profile.markdown import site_page
from dashboard.views.themes import lessons as theme_lessons
from dashboard.views.themes import search as S
from dashboard.views.themes import sections as theme_sections
from dashboard.views.themes.search_index import KINDS, build_index, fold, words_of

ALL = Filters()
HOSTILE = "**bold** <script>alert(1)</script> [link](javascript:alert(1)) `code` # heading _u_ | a | ~~s~~ $x$"


def _rows(catalog, table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows for one of the catalog's tables, with its columns (missing fields empty)."""
    columns = list(getattr(catalog, table).columns)
    defaults = {"sources": ["src-1"], "themes": [], "sites": [], "urls": [], "code": []}
    return pd.DataFrame([{c: row.get(c, defaults.get(c)) for c in columns} for row in rows], columns=columns)


@pytest.fixture(scope="module")
def index(catalog):
    """The shipped catalog's index."""
    return build_index(catalog)


@pytest.fixture(scope="module")
def tiny(catalog):
    """An index of a few records written to test matching, ranking, filters and escaping."""
    product = {"status": "active", "status_note": "Running.", "status_as_of": "2018", "launched": None, "license": None}
    small = catalog.replaced(
        products=_rows(
            catalog,
            "products",
            [
                {
                    **product,
                    "id": "p-art",
                    "site": "boston",
                    "name": "Art Walk",
                    "description": "Public art in the park.",
                    "themes": ["civic engagement"],
                    "urls": ["https://example.org/art"],
                },
                {
                    **product,
                    "id": "p-partner",
                    "site": "st-louis",
                    "name": "Partner Portal",
                    "description": "A start page for partners of the partnership.",
                    "themes": ["justice"],
                },
                {
                    **product,
                    "id": "p-title",
                    "site": "cleveland",
                    "name": "Beacon Lights",
                    "description": "Street lamps.",
                    "themes": ["public safety"],
                },
                {
                    **product,
                    "id": "p-body",
                    "site": "cleveland",
                    "name": "Lamp Posts",
                    "description": "Street lamps, and one beacon.",
                    "themes": ["public safety"],
                },
                {
                    **product,
                    "id": "p-hostile",
                    "site": "boston",
                    "name": "Escapes",
                    "description": f"Lantern {HOSTILE}",
                    "themes": ["open data"],
                    "urls": ["javascript:alert(1)"],
                },
            ],
        ),
        lessons=_rows(
            catalog,
            "lessons",
            [
                {
                    "id": "l-cross",
                    "site": "cross-site",
                    "text": "Keep the lantern lit across sites.",
                    "section": "Sustaining the gain",
                    "section_basis": "editorial",
                    "themes": ["open data"],
                },
                {
                    "id": "l-boston",
                    "site": "boston",
                    "text": "A lantern for Boston.",
                    "section": "Ingredients",
                    "section_basis": "editorial",
                    "themes": ["youth"],
                },
            ],
        ),
        resources=_rows(
            catalog,
            "resources",
            [
                {
                    "id": "r-wide",
                    "title": "Lantern Guide",
                    "kind": "guide",
                    "publisher": "Someone",
                    "date": "2018",
                    "url": "https://example.org/guide",
                    "summary": "How to light a lantern.",
                    "sites": [],
                },
                {
                    "id": "r-stl",
                    "title": "Lantern Case",
                    "kind": "case study",
                    "publisher": "Someone",
                    "date": None,
                    "url": "https://example.org/case",
                    "summary": "A lantern in St. Louis.",
                    "sites": ["st-louis"],
                },
            ],
        ),
        organizations=_rows(
            catalog,
            "organizations",
            [
                {
                    "id": "o-rise",
                    "name": "Rise Community Development",
                    "type": "data intermediary",
                    "sites": ["st-louis"],
                    "role": "Led a lantern project.",
                    "url": "https://example.org/rise",
                },
                {
                    "id": "o-two",
                    "name": "Two Cities Lantern Group",
                    "type": "other",
                    "sites": ["boston", "cleveland"],
                    "role": None,
                },
            ],
        ),
        national_partners=_rows(
            catalog,
            "national_partners",
            [
                {"id": "n-one", "name": "National Lantern Network", "role": "Ran the lantern program.", "url": None},
            ],
        ),
    )
    return build_index(small)


def ids(results: S.SearchResults) -> list[str]:
    return [r.id for r in results.results]


def test_words_match_whole_never_inside_other_words(tiny):
    assert ids(S.search(tiny, "art")) == ["p-art"]  # not "Partner", "start" or "partnership"
    assert ids(S.search(tiny, "walk art")) == ["p-art"]


def test_the_last_word_is_also_a_prefix_and_only_the_last(tiny):
    assert ids(S.search(tiny, "portal part")) == ["p-partner"]
    assert ids(S.search(tiny, "part portal")) == []
    assert "p-partner" in ids(S.search(tiny, "sta"))


def test_stemming_matches_plural_and_singular(tiny, index):
    assert ids(S.search(tiny, "partner portal")) == ["p-partner"]  # "partners" in the text
    assert ids(S.search(tiny, "lamp street")) == ids(S.search(tiny, "lamps street"))
    assert {r.id for r in S.search(index, "court").results} == {r.id for r in S.search(index, "courts").results}
    assert S.search(index, "court courts").total == S.search(index, "court").total > 0


def test_every_word_must_match(index):
    youth, court = S.search(index, "youth", limit=500), S.search(index, "court", limit=500)
    both = S.search(index, "youth court", limit=500)
    assert set(ids(both)) <= set(ids(youth)) & set(ids(court))
    assert len(ids(both)) < min(len(ids(youth)), len(ids(court)))
    nothing = S.search(index, "housing zzqqxx")
    assert nothing.total == 0
    assert nothing.results == ()
    assert nothing.message == S.NO_MATCH_MESSAGE


def record_texts(catalog) -> dict[str, list[str]]:
    """Record id -> the words of its title and body text, for every searchable record."""
    fields = ("name", "title", "description", "status_note", "text", "summary", "role")
    return {
        row["id"]: words_of(" ".join(str(row.get(k) or "") for k in fields))
        for table in ("products", "lessons", "resources", "organizations", "national_partners")
        for row in getattr(catalog, table).to_dict("records")
    }


def test_art_on_the_shipped_data_skips_partner_and_start(catalog, index):
    found = set(ids(S.search(index, "art", limit=1000)))
    inside_only = {
        i
        for i, words in record_texts(catalog).items()
        if any("partner" in w or "start" in w for w in words) and not any(w.startswith("art") for w in words)
    }
    assert inside_only
    assert found
    assert not found & inside_only


@pytest.mark.parametrize("prefix", ["communi", "organi", "developm", "housi", "part", "court", "yourstl"])
def test_a_prefix_finds_every_record_with_a_word_starting_with_it(catalog, index, prefix):
    expected = {i for i, words in record_texts(catalog).items() if any(w.startswith(prefix) for w in words)}
    assert expected
    assert expected <= set(ids(S.search(index, prefix, limit=1000)))


def test_organizations_and_national_partners_are_searched(index):
    rise = S.search(index, "Rise Community Development")
    assert rise.results[0].id == "rise-community-development"
    assert rise.results[0].kind == "organization"
    assert rise.results[0].sites == ("st-louis",)
    assert rise.results[0].site_names == ("St. Louis",)
    macarthur = S.search(index, "MacArthur")
    assert "macarthur-foundation" in ids(macarthur)
    assert {r.kind for r in S.search(index, "data", limit=1000).results} == set(KINDS)


def test_results_carry_citations_links_and_lesson_details(tiny, catalog, index):
    by_id = {r.id: r for r in S.search(tiny, "lantern", limit=100).results}
    assert by_id["r-wide"].url == "https://example.org/guide"
    assert by_id["o-rise"].url == "https://example.org/rise"
    assert by_id["p-hostile"].url is None  # only http(s) links
    assert by_id["l-cross"].section == "Sustaining the gain"
    assert by_id["l-cross"].themes == ("open data",)
    assert by_id["l-cross"].sites == ("cross-site",)
    assert by_id["l-cross"].site_names == ("Cross-site",)
    assert by_id["r-wide"].sites == ()
    assert by_id["n-one"].sites == ()
    assert by_id["o-two"].sites == ("boston", "cleveland")
    assert all(r.sources == ("src-1",) for r in by_id.values())
    product = S.search(index, "YourSTLCourts").results[0]
    row = catalog.products.set_index("id").loc[product.id]
    assert product.sources == tuple(row["sources"])
    assert product.url == row["urls"][0]


def test_a_title_match_ranks_above_one_mention_in_the_body(tiny, index):
    assert ids(S.search(tiny, "beacon")) == ["p-title", "p-body"]
    results = S.search(index, "housing", limit=1000).results
    in_title = [n for n, r in enumerate(results) if "housing" in words_of(r.title)]
    once_in_body = [
        n for n, r in enumerate(results) if "housing" not in words_of(r.title) and r.excerpt.lower().count("housing") == 1
    ]
    assert in_title
    assert once_in_body
    assert max(in_title) < min(once_in_body)


def test_site_filter_keeps_program_wide_records_and_any_site_of_several(tiny):
    everything = set(ids(S.search(tiny, "lantern", limit=100)))
    assert everything == {"p-hostile", "l-cross", "l-boston", "r-wide", "r-stl", "o-rise", "o-two", "n-one"}
    cleveland = S.search(tiny, "lantern", site_ids={"cleveland"})
    assert set(ids(cleveland)) == {"l-cross", "r-wide", "o-two", "n-one"}
    assert cleveland.total == 4
    assert cleveland.hidden == 4
    assert set(ids(S.search(tiny, "lantern", site_ids=("st-louis",)))) == {"l-cross", "r-wide", "n-one", "r-stl", "o-rise"}
    assert set(ids(S.search(tiny, "lantern", site_ids=frozenset()))) == {"l-cross", "r-wide", "n-one"}
    themed = S.search(tiny, "lantern", themes=("youth",), limit=100)
    assert set(ids(themed)) == everything - {"p-hostile", "l-cross"}  # resources, organizations, partners carry no themes


def test_a_match_outside_the_view_is_counted_and_explained(tiny):
    hidden = S.search(tiny, "beacon", site_ids={"boston"})
    assert hidden.total == 0
    assert hidden.hidden == 2
    assert hidden.message == S.HIDDEN_MESSAGE.format(hidden="2 records", verb="do")


def test_limit_cuts_the_results_not_the_total(index):
    everything = S.search(index, "data", limit=1000)
    three = S.search(index, "data", limit=3)
    assert everything.total == three.total == len(everything.results) > 3
    assert ids(three) == ids(everything)[:3]
    assert S.search(index, "data", limit=0).results == ()
    assert S.search(index, "data", limit=-5).total == everything.total


def test_snippet_bolds_the_matched_words_and_escapes_the_data(tiny):
    result = S.search(tiny, "script").results[0]
    assert result.id == "p-hostile"
    markdown = result.snippet_markdown
    assert "**script**" in markdown
    rest = markdown.replace("**script**", "")
    assert not re.search(r"(?<!\\)[<>\[\]`*_#|~$]", rest), rest
    assert "<" not in rest.replace("\\<", "")
    assert result.excerpt.startswith("Lantern **bold** <script>")  # the plain excerpt is the raw text
    assert "\ue000" not in result.excerpt + markdown


def test_snippet_marks_stemmed_and_prefix_matches(tiny, index):
    assert "**partners**" in S.search(tiny, "partner portal").results[0].snippet_markdown
    assert "**lamps**" in S.search(tiny, "posts lam").results[0].snippet_markdown.lower()
    community = S.search(index, "communi").results
    assert any("**community**" in r.snippet_markdown.lower() for r in community)


def test_a_long_paste_is_cut_with_a_note(index):
    pasted = ("court " * 100).strip()  # 599 characters
    results = S.search(index, pasted)
    assert results.truncated
    assert results.dropped_chars == len(pasted) - len(results.query) > len(pasted) - S.MAX_QUERY
    assert S.MAX_QUERY - 6 < len(results.query) <= S.MAX_QUERY
    assert results.words == ("court",)  # cut after a whole word
    assert results.notes
    assert f"{results.dropped_chars} characters" in results.notes[0]
    assert ids(results) == ids(S.search(index, "court"))
    short = S.search(index, "court")
    assert not short.truncated
    assert short.dropped_chars == 0
    assert short.notes == ()


def test_spaces_and_control_characters_do_not_count_towards_the_limit(index):
    spaced = S.search(index, "court" + " \t\n\x00" * 300 + "zzqqxx")
    assert not spaced.truncated
    assert spaced.words == ("court", "zzqqxx")
    assert spaced.total == 0


def test_one_long_word_is_cut_at_the_limit(index):
    results = S.search(index, "x" * 500)
    assert results.truncated
    assert results.dropped_chars == 300
    assert results.words == ("x" * S.MAX_QUERY,)


def test_one_letter_lists_titles_starting_with_it(index):
    results = S.search(index, "a", limit=1000)
    assert results.mode == "initial"
    assert results.words == ("a",)
    assert results.total > 0
    assert results.message == S.INITIAL_MESSAGE.format(letter="A")
    assert all(words_of(r.title)[0].startswith("a") for r in results.results)
    titles = [fold(r.title) for r in results.results]
    assert titles == sorted(titles)
    assert S.search(index, "A").total == results.total
    assert S.search(index, "q").message == S.NO_INITIAL_MESSAGE.format(letter="Q")


def test_one_letter_words_are_left_out_beside_longer_ones(index):
    with_letters = S.search(index, "St. Louis's court")
    assert with_letters.ignored_words == ("s",)
    assert with_letters.words == ("st", "louis", "court")
    assert "s" in with_letters.notes[0]
    assert ids(with_letters) == ids(S.search(index, "St Louis court"))
    assert S.search(index, "a b").message == S.TOO_SHORT_MESSAGE
    assert S.search(index, "a b").results == ()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (None, S.EMPTY_MESSAGE),
        ("", S.EMPTY_MESSAGE),
        ("  \n ", S.EMPTY_MESSAGE),
        ("(((", S.NO_WORDS_MESSAGE),
        ("***", S.NO_WORDS_MESSAGE),
        ("_", S.NO_WORDS_MESSAGE),
    ],
)
def test_a_query_without_words_gets_a_message(index, query, message):
    results = S.search(index, query)
    assert results.mode == "none"
    assert results.total == 0
    assert results.results == ()
    assert results.message == message


HOSTILE_QUERIES = [
    '"court"',
    'court"',
    '"court',
    '""',
    "court*",
    "*court",
    "court AND",
    "AND court",
    "court OR housing",
    "NOT court",
    "court NOT housing",
    "NEAR(court housing)",
    "NEAR(court housing, 2)",
    "court NEAR/2 housing",
    "(court",
    "court)",
    "((court))",
    "title:court",
    "{title body}: court",
    "-court",
    "+court",
    "^court",
    "court\x00housing",
    "court\x1b[31m",
    "court\u202ehousing",
    "court\ud800",
    "court 🙂",
    "court\\",
    "court'; DROP TABLE docs; --",
    "rowid:1",
    "docs MATCH court",
    "court" * 60,
    "c" * 5000,
    "é" * 300,
    "\ue000court\ue001",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_input_is_searched_as_plain_words(index, query):
    results = S.search(index, query)
    used, _, words = S.prepare_query(query)
    assert results.query == used
    assert all(re.fullmatch(r"[^\W_]+", w) for w in results.words)
    plain = S.search(index, " ".join(words))
    assert ids(results) == ids(plain)
    assert results.total == plain.total


def test_the_query_shown_back_has_no_control_or_invisible_characters(index):
    used = S.search(index, "court\x00\x1b[31m\u202ehousing\u200b\ud800 x").query
    assert used == "court [31m housing x"
    used.encode("utf-8")  # no lone surrogate left


def test_operators_are_words_not_syntax(index):
    assert S.search(index, '"court"').total == S.search(index, "court*").total == S.search(index, "court").total
    assert S.search(index, "court OR zzqqxx").total == 0  # OR is a word, and every word is required
    assert S.search(index, "title:court").words == ("title", "court")


def test_word_expressions_quote_every_word():
    assert S.word_expressions(["youth", "job"]) == ['"youth"', '("job"*)']
    assert S.word_expressions(["communi"], ["community"]) == ['("communi"* OR "community")']


def test_results_table_is_plain_text(catalog, index):
    results = S.search(index, "housing")
    table = S.results_table(results)
    assert list(table.columns) == S.RESULT_COLUMNS
    assert len(table) == len(results.results)
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert list(table["id"]) == ids(results)
    assert not table["excerpt"].str.contains(r"\*\*|\\", regex=True).any()
    assert not table["title"].str.contains("\\", regex=False).any()
    row = table.set_index("id").loc["housing-insights"]
    site = catalog.products.set_index("id").loc["housing-insights", "site"]
    assert row["sites"] == catalog.sites.set_index("id").loc[site, "name"]
    assert row["url"].startswith("http")
    assert set(catalog.products.set_index("id").loc["housing-insights", "sources"]) == set(row["sources"].split(", "))
    assert list(S.results_table(S.search(index, "")).columns) == S.RESULT_COLUMNS


def test_result_markdown_escapes_title_and_shows_kind_and_sites(tiny):
    result = next(r for r in S.search(tiny, "lantern", limit=100).results if r.id == "r-wide")
    markdown = S.result_markdown(result)
    assert markdown.startswith("**Lantern Guide**  \n*Resource · Program\\-wide*  \n")
    assert "**lantern**" in markdown


def test_one_index_serves_many_threads(index):
    queries = ["court", "housing", "youth jobs", "a", "communi", "data"] * 8
    serial = [ids(S.search(index, q)) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: ids(S.search(index, q)), queries))
    assert parallel == serial


def test_sites_and_metrics_are_searched_with_their_summaries_and_definitions(index):
    pittsburgh = S.search(index, "Pittsburgh").results[0]
    assert (pittsburgh.kind, pittsburgh.id, pittsburgh.sites) == ("site", "pittsburgh", ("pittsburgh",))
    policy = S.search(index, "open data policy").results
    assert [(r.kind, r.id) for r in policy[:2]] == [("metric", "open_data_policy"), ("metric", "open_data_policy_year")]
    assert policy[0].sites == ()  # a metric is program-wide: in view whatever the filters
    by_definition = S.search(index, "chief innovation officer").results  # words of a definition only
    assert [r.id for r in by_definition if r.kind == "metric"] == ["first_data_exec_year"]
    assert "site:st-louis" not in {f"{r.kind}:{r.id}" for r in S.search(index, "court", site_ids={"boston"}).results}


def test_a_name_written_in_one_piece_is_found_by_its_parts(index):
    assert S.search(index, "court").results[0].id == "yourstlcourts"
    assert S.search(index, "YourSTLCourts").results[0].id == "yourstlcourts"
    assert "globalhack" in ids(S.search(index, "hack"))


def _anchor(href: str) -> str:
    """The anchor of a relative link."""
    return href.split("#", 1)[1]


def _headings(markdown: str) -> set[str]:
    """The anchors Streamlit gives the Markdown headings of ``markdown``."""
    found = re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE)
    return {heading_anchor(re.sub(r"\\(.)", r"\1", h)) for h in found}


def test_every_result_links_to_a_heading_of_its_page(catalog, index):
    names = catalog.site_names()
    pages = {site: site_page(catalog, site) for site in names}
    library_headings = _headings(library.resources_markdown(catalog.resources, names))
    vintage = census.census_vintages(catalog, ALL)[0]
    census_titles = {heading_anchor(c.title) for c in census.census_view(catalog, ALL, vintage, False).charts}
    metric_headings = {heading_anchor(key_years.TITLE), heading_anchor(metric_names.TITLE), *census_titles}
    lessons = theme_lessons.lessons_in_view(catalog, ALL)
    for rowid in range(1, len(index) + 1):
        found = S.result_of(index.document(rowid))
        href = S.result_href(found, {}, names, "Boston")
        if found.kind == "national partner":
            assert href == found.url
            continue
        assert href is not None
        page, anchor = href.partition("?")[0], _anchor(href)
        if page == "site":
            site = next(s for s, n in names.items() if f"site={urllib.parse.quote_plus(n)}" in href)
            shown = pages[site]
            markdown = "\n\n".join([shown.products, shown.partners, shown.lessons, shown.metrics])
            assert anchor in _headings(markdown) | {heading_anchor(shown.name)}, (found.id, href)
        elif page == "library":
            assert anchor in library_headings, (found.id, href)
        elif page == "metrics":
            assert anchor in metric_headings, (found.id, href)
        else:
            assert page == "themes"
            assert anchor in _headings(theme_sections.section_lessons_markdown(lessons, found.section or "")), href


def test_result_links_stay_in_the_tab_and_escape_the_address_and_the_title(tiny, catalog, index):
    result = next(r for r in S.search(tiny, "lantern", limit=100).results if r.id == "p-hostile")
    markdown = S.result_markdown(replace(result, title='<b>"x"</b> **y**'), 'site?a=1&b="2"#z')
    assert markdown.startswith('**<a href="site?a=1&amp;b=&quot;2&quot;#z" target="_self">\\<b\\>"x"\\</b\\> \\*\\*y\\*\\*</a>**')
    view = S.search_view(catalog, ALL, "court")
    assert view.markdown.count('target="_self"') == len(view.table)
    assert "_blank" not in view.markdown
    assert "<script" not in S.search_view(catalog, ALL, HOSTILE).markdown


def test_a_metric_links_to_its_tab_and_chart_a_product_to_its_heading(catalog, index):
    names = catalog.site_names()
    first = {q: S.search(index, q).results[0] for q in ("open data policy year", "open data policy", "poverty rate", "court")}
    assert S.result_href(first["open data policy year"], {}, names) == (
        "metrics?metrics_tab=Key+years&year_metric=Open+data+policy+year#key-years"
    )
    assert S.result_href(first["open data policy"], {}, names) == "metrics?metrics_tab=Names#partners-policies-and-posts-by-name"
    assert S.result_href(first["poverty rate"], {"sites": ["Boston"]}, names) == (
        "metrics?metrics_tab=Census+context&sites=Boston#poverty-rate"
    )
    assert S.result_href(first["court"], {}, names) == "site?site=St.+Louis#your-stl-courts"
    grant = S.search(index, "CTDC grant").results[0]
    assert S.result_href(grant, {}, names, "Cleveland") == "site?site=Cleveland#ecosystem-metrics-for-cleveland"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("YourSTLCourts", "your-stl-courts"),
        ("Youth Jobs Platform (Youth Match)", "youth-jobs-platform-youth-match"),
        ("Lessons from Washington, DC", "lessons-from-washington-dc"),
        ("Seattle / King County", "seattle-king-county"),
        ("Data & Technology: Café Ölmühle", "data-and-technology-cafe-oelmuehle"),
        ("University of Missouri–St. Louis", "university-of-missouri-st-louis"),
        ("APIs and OpenPGH's data", "apis-and-open-pghs-data"),
    ],
)
def test_heading_anchor_spells_a_heading_as_streamlit_does(heading, anchor):
    assert heading_anchor(heading) == anchor

"""Unit tests for full-text search: matching, ranking, highlighting, filters and hostile input."""

from __future__ import annotations

import pytest
from dashboard import filters
from dashboard import search


ALL = filters.Filters()


def test_court_finds_yourstlcourts_with_bold_highlight(catalog):
    results = search.search(catalog, "court", ALL)
    assert list(results.columns) == search.RESULT_COLUMNS
    row = results.set_index("id").loc["yourstlcourts"]
    assert row["kind"] == "product" and row["title"] == "YourSTLCourts" and row["site"] == "St. Louis"
    assert "**court**" in row["highlighted"].lower()
    assert results.iloc[0]["id"] == "yourstlcourts"


def test_results_are_ranked_by_hits(catalog):
    results = search.search(catalog, "housing", ALL)
    assert list(results["hits"]) == sorted(results["hits"], reverse=True)
    assert "Housing Insights" in set(results["title"])
    assert {"product", "lesson", "resource"} <= set(results["kind"])


def test_every_word_must_match(catalog):
    youth = set(search.search(catalog, "youth", ALL)["id"])
    court = set(search.search(catalog, "court", ALL)["id"])
    both = set(search.search(catalog, "youth court", ALL)["id"])
    assert both <= youth & court
    assert "youth-jobs-platform" in youth and "youth-jobs-platform" not in both
    assert search.search(catalog, "housing zzqqxx", ALL).empty


def test_search_is_case_insensitive(catalog):
    assert list(search.search(catalog, "HOUSING", ALL)["id"]) == list(search.search(catalog, "housing", ALL)["id"])


def test_filters_narrow_results(catalog):
    everywhere = search.search(catalog, "data", ALL)
    boston = search.search(catalog, "data", filters.Filters(sites=("boston",)))
    assert 0 < len(boston) < len(everywhere)
    assert set(boston["site"]) <= {"Boston", "Cross-site", search.NO_SITE}
    learning = search.search(catalog, "court", filters.Filters(role="learning"))
    assert "yourstlcourts" not in set(learning["id"])
    themed = search.search(catalog, "data", filters.Filters(themes=("housing",)))
    assert "housing-insights" in set(themed["id"]) and "data-days-cle" not in set(themed["id"])


@pytest.mark.parametrize("query", ["<script>", "(((", "", "   ", ".*", "[a-", "a", "\\", None, "<img src=x onerror=alert(1)>"])
def test_hostile_queries_return_empty_without_error(catalog, query):
    results = search.search(catalog, query, ALL)
    assert results.empty and list(results.columns) == search.RESULT_COLUMNS


def test_long_query_is_bounded(catalog):
    assert search.search(catalog, "x" * 10_000, ALL).empty
    beyond_limit = "court" + " " * 300 + "zzqqxx"
    assert "yourstlcourts" in set(search.search(catalog, beyond_limit, ALL)["id"])
    ninth_word = "court st louis county municipal tickets text message zzqqxx"
    assert "yourstlcourts" in set(search.search(catalog, ninth_word, ALL)["id"])
    repeated = search.search(catalog, "court court COURT", ALL)
    assert repeated.iloc[0]["matched"] == "court"


def test_highlight_escapes_markdown(catalog):
    results = search.search(catalog, "data", ALL)
    for highlighted in results["highlighted"]:
        assert "<" not in highlighted.replace("\\<", "")


def test_snippet_window():
    body = "word " * 100 + "needle " + "word " * 100
    cut = search.snippet(body, ["needle"])
    assert "needle" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= search.SNIPPET_CHARS + 2
    assert search.snippet("short text", ["x"]) == "short text"


def test_results_markdown_lists_each_result_with_highlight(catalog):
    results = search.search(catalog, "court", ALL)
    markdown = search.results_markdown(results)
    assert markdown.count("\n\n") == len(results) - 1
    assert "**YourSTLCourts**" in markdown and "**court**" in markdown.lower()
    assert search.results_markdown(results.head(0)) == ""


def test_results_markdown_limit(catalog):
    results = search.search(catalog, "data", ALL)
    assert len(results) > 3
    assert search.results_markdown(results, 3) == search.results_markdown(results.head(3))
    assert search.results_markdown(results, 3).count("\n\n") == 2

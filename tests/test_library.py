"""Unit tests of the Library builders: resources grouped by kind as safe Markdown, and the tables."""

from __future__ import annotations

from dashboard.data import values
from dashboard.state.filters import Filters
from dashboard.views import library


def test_resource_sections_group_every_resource_by_kind(catalog):
    sections = library.resource_sections(catalog.resources, catalog.site_names())
    headings = [heading for heading, _ in sections]
    assert sorted(headings) == ["Blog", "Case study", "Guide", "Synthesis", "Toolkit"]
    entries = sum(markdown.count("\n\n") + 1 for _, markdown in sections)
    assert entries == len(catalog.resources) == 35
    text = "\n".join(markdown for _, markdown in sections)
    assert "Civic Tech and Data Collaborative, date not found in sources" in text
    assert "nan" not in text.split()
    assert "All sites" in text
    assert "St\\. Louis" in text


def test_resource_entry_escapes_text_and_drops_unsafe_links():
    resource = {
        "title": "<b>Report</b>",
        "url": "javascript:alert(1)",
        "publisher": "[x](http://evil)",
        "date": None,
        "sites": ["boston"],
        "summary": "**bold** claim",
    }
    entry = library.resource_entry(resource, {"boston": "Boston"})
    assert "](" not in entry
    assert "<b>" not in entry
    assert "javascript" not in entry
    assert "\\*\\*bold\\*\\*" in entry
    assert "Boston" in entry
    assert values.NOT_FOUND in entry


def test_a_resource_note_says_where_its_date_comes_from(catalog):
    resource = catalog.resources.set_index("id").loc["blog-tech-is-hard"].to_dict()
    entry = library.resource_entry(resource, catalog.site_names())
    assert "2016\\-05\\-26" in entry
    assert "Date from ctdc\\-s40" in entry


def test_tables_keep_the_documented_columns(catalog):
    assert list(library.resources_view(catalog, Filters()).table.columns) == library.RESOURCE_COLUMNS
    sources = library.sources_view(catalog).table
    assert list(sources.columns) == ["id", "title", "publisher", "date", "kind", "url", "archive", "last check", "note"]
    assert len(sources) == len(catalog.sources)
    with_repository = library.sources_view(catalog, "https://github.com/example-owner/example-repo").table
    assert list(with_repository.columns)[-1] == "correction"
    assert sources["id"].tolist() == catalog.sources["id"].tolist()  # every source once, in the catalog's order


def test_resources_markdown_puts_each_kind_under_a_heading(catalog):
    markdown = library.resources_markdown(catalog.resources, catalog.site_names())
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [f"## {heading}" for heading, _ in library.resource_sections(catalog.resources, catalog.site_names())]
    assert markdown.count("**[") == len(catalog.resources)

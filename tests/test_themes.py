"""Unit tests for the Themes page builders: theme × site counts, section counts, per-theme lists."""

from __future__ import annotations

import json

from dashboard import constants
from dashboard.data import schema
from dashboard.data.schema import LESSON_SECTIONS, THEMES
from dashboard.data.text import escape_markdown
from dashboard.state import filters
from dashboard.views import themes
from dashboard.views.themes import by_site, one_theme
from dashboard.views.themes import lessons as theme_lessons
from dashboard.views.themes import sections as theme_sections

ALL = filters.Filters()


def test_matrix_is_every_theme_by_every_site(catalog):
    matrix = by_site.theme_site_matrix(catalog, ALL)
    assert len(matrix) == len(THEMES) * 7 == 70
    assert list(dict.fromkeys(matrix["theme"])) == list(THEMES)
    assert set(matrix["site"]) == set(catalog.sites["id"])
    assert (matrix["records"] == matrix["products"] + matrix["lessons"]).all()


def test_matrix_counts_real_records(catalog):
    matrix = by_site.theme_site_matrix(catalog, ALL).set_index(["theme", "site"])
    assert matrix.loc[("justice", "st-louis"), "products"] == 1
    assert matrix.loc[("public safety", "st-louis"), "products"] == 1
    assert matrix.loc[("employment", "boston"), "products"] == 1
    assert matrix.loc[("housing", "washington-dc"), "products"] == 1
    assert matrix.loc[("justice", "boston"), "records"] == 0
    site_lessons = catalog.lessons[catalog.lessons["site"] != schema.CROSS_SITE]
    employment = site_lessons[site_lessons["themes"].map(lambda t: "employment" in t)]
    assert matrix.xs("employment")["lessons"].sum() == len(employment)


def test_matrix_respects_filters(catalog):
    matrix = by_site.theme_site_matrix(catalog, filters.Filters(themes=("housing", "justice"), role="implementation"))
    assert set(matrix["theme"]) == {"housing", "justice"}
    assert set(matrix["site"]) == {"boston", "st-louis", "washington-dc"}
    assert by_site.theme_site_matrix(catalog, filters.Filters(sites=("boston",), role="learning")).empty


def test_matrix_takeaway_says_records_are_counted(catalog):
    matrix = by_site.theme_site_matrix(catalog, ALL)
    sentence = by_site.matrix_takeaway(matrix)
    assert "records in this dataset" in sentence
    top = by_site.theme_totals(matrix).sort_values("records", ascending=False, kind="stable").iloc[0]
    assert f"**{top['theme']}**" in sentence
    assert str(int(top["records"])) in sentence


def test_theme_site_chart_encodes_theme_and_site(catalog):
    spec = by_site.theme_site_chart(by_site.theme_site_matrix(catalog, ALL)).to_dict()
    cells, labels = spec["layer"]
    for layer in (cells, labels):
        assert layer["encoding"]["y"]["field"] == "theme"
        assert layer["encoding"]["x"]["field"] == "site_name"
    assert cells["encoding"]["y"]["sort"] == list(THEMES)
    assert cells["encoding"]["color"]["scale"]["scheme"] == "blues"
    assert labels["mark"]["type"] == "text"
    assert labels["encoding"]["text"]["field"] == "records"
    assert "theme" in spec["description"]
    assert spec["width"] == "container"
    assert "background" not in json.dumps(spec)


def test_default_theme(catalog):
    matrix = by_site.theme_site_matrix(catalog, ALL)
    assert by_site.default_theme(matrix, ALL) == "civic engagement"
    chosen = filters.Filters(themes=("youth", "housing"))
    assert by_site.default_theme(by_site.theme_site_matrix(catalog, chosen), chosen) == "housing"
    boston = filters.Filters(sites=("boston",))
    boston_matrix = by_site.theme_site_matrix(catalog, boston)
    first = by_site.default_theme(boston_matrix, boston)
    assert boston_matrix.set_index("theme").loc[first, "records"] > 0


def test_lessons_by_section_counts_every_lesson(catalog):
    sections = theme_sections.lessons_by_section(catalog, ALL)
    assert sections["lessons"].sum() == len(catalog.lessons)
    assert set(sections["section"]) <= set(LESSON_SECTIONS)
    order = [LESSON_SECTIONS.index(s) for s in sections["section"]]
    assert order == sorted(order)
    cross = sections[sections["group"] == schema.CROSS_SITE]["lessons"].sum()
    assert cross == int((catalog.lessons["site"] == schema.CROSS_SITE).sum())
    split = theme_sections.basis_split(sections)
    assert split["source"] + split["editorial"] == len(catalog.lessons)
    assert split["editorial"] == int((catalog.lessons["section_basis"] == "editorial").sum())


def test_section_takeaway_shows_basis_split(catalog):
    sections = theme_sections.lessons_by_section(catalog, ALL)
    sentence = theme_sections.section_takeaway(sections)
    assert "editorial" in sentence
    assert str(len(catalog.lessons)) in sentence
    assert theme_sections.section_takeaway(sections.iloc[0:0]) == "No lessons match the current filters."


def test_section_chart_spec(catalog):
    spec = theme_sections.section_chart(theme_sections.lessons_by_section(catalog, ALL)).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "section_label"
    assert spec["encoding"]["color"]["scale"]["range"] == [
        constants.ROLE_COLORS["implementation"],
        constants.ROLE_COLORS["learning"],
        constants.CATEGORY_COLORS[2],
    ]
    assert "synthesis sections" in spec["description"]


def test_products_and_lessons_by_theme(catalog):
    products = one_theme.products_by_theme(catalog, ALL, "employment")
    assert list(products["name"]) == ["Youth Jobs Platform (Youth Match)"]
    assert list(products["site_name"]) == ["Boston"]
    justice = one_theme.products_by_theme(catalog, ALL, "public safety")
    assert list(justice["site"]) == ["st-louis"]
    assert "YourSTLCourts" in set(justice["name"])
    assert one_theme.products_by_theme(catalog, filters.Filters(role="learning"), "employment").empty
    lessons = one_theme.lessons_by_theme(catalog, ALL, "housing")
    assert len(lessons)
    assert lessons["site_name"].isin(["Washington, DC", "Seattle / King County", "Cross-site"]).all()
    assert set(lessons.columns) >= {"text", "site_name", "section"}


def test_section_lessons_list_every_lesson_of_the_section(catalog):
    lessons = theme_lessons.lessons_in_view(catalog, ALL)
    total = 0
    for section in LESSON_SECTIONS:
        markdown = theme_sections.section_lessons_markdown(lessons, section)
        count = int((lessons["section"] == section).sum())
        heading, head, *rest = markdown.split("\n\n")
        assert heading == f"### {escape_markdown(section)}"
        assert head == f"**{count} lesson{'s' if count != 1 else ''}**"
        assert len(rest[0].splitlines()) == count if count else rest == ["No lessons under this section in the current view."]
        total += count
    assert total == len(catalog.lessons) == 38
    assert by_site.cross_site_count(lessons) == int((catalog.lessons["site"] == schema.CROSS_SITE).sum()) > 0


def test_lesson_list_names_site_and_section_and_escapes(catalog):
    lessons = one_theme.lessons_by_theme(catalog, ALL, "employment")
    markdown = theme_lessons.lesson_list_markdown(lessons)
    lines = markdown.splitlines()
    assert len(lines) == len(lessons) > 0
    for line, lesson in zip(lines, lessons.to_dict("records")):
        assert line.startswith("- ")
        assert f", {escape_markdown(lesson['section'])}*" in line
        assert " — *" in line
        assert (":small[*Wording unconfirmed" in line) == bool(lesson["note"])  # a caveat travels with its lesson
    hostile = lessons.head(1).assign(text="<img src=x> [a](javascript:1)", note=None)
    escaped = theme_lessons.lesson_list_markdown(hostile, with_section=False)
    assert "\\<img" in escaped
    assert "](" not in escaped
    assert escaped.endswith(" — *Boston*")


def test_lessons_link_their_site_profile_and_cite_their_sources(catalog):
    view = filters.Filters(sites=("st-louis",), themes=("justice",))
    lessons = one_theme.lessons_by_theme(catalog, view, "justice")
    links = theme_lessons.lesson_links(catalog, view, lessons)
    markdown = theme_lessons.lesson_list_markdown(lessons, links)
    site_lines = [line for line in markdown.splitlines() if "St\\. Louis" in line]
    assert site_lines
    assert all("[St\\. Louis](site?site=St.+Louis&sites=St.+Louis&themes=justice)" in line for line in site_lines)
    assert all(":small[Sources: [\\[" in line for line in markdown.splitlines())
    assert links.sources_markdown.startswith("**Sources cited in these lessons**")
    assert "- \\[1\\] [" in links.sources_markdown


def test_product_cards_carry_status_links_and_site(catalog):
    cards = one_theme.product_cards(one_theme.products_by_theme(catalog, ALL, "employment"))
    (youth_jobs,) = [c for c in cards if "Youth Jobs" in c["markdown"]]
    assert youth_jobs["site"] == "boston"
    assert youth_jobs["site_name"] == "Boston"
    assert "*Boston · Active in 2017\\-11 (last reported status)*" in youth_jobs["markdown"]
    products = (
        one_theme.products_by_theme(catalog, ALL, "justice")
        .head(1)
        .assign(urls=[["javascript:alert(1)", "https://example.org/a"]])
    )
    (card,) = one_theme.product_cards(products)
    assert "javascript:alert(1)](" not in card["markdown"]
    assert "](https://example.org/a)" in card["markdown"]


def test_basis_note_counts_source_and_editorial_tags(catalog):
    sections = theme_sections.lessons_by_section(catalog, ALL)
    split = theme_sections.basis_split(sections)
    assert split["source"] + split["editorial"] == 38
    assert theme_sections.basis_note(sections).startswith(
        f"*Section tags: {split['source']} taken from the source, {split['editorial']} editorial"
    )


def test_default_tab_follows_the_parameter_a_link_carries():
    assert themes.default_tab([]) == 0
    assert themes.default_tab(["sites", "role"]) == 0
    assert themes.default_tab(["theme"]) == 1
    assert themes.default_tab(["section", "theme"]) == 2
    assert themes.default_tab(["q", "theme"]) == 3
    assert themes.default_tab(["tab", "q"]) == 0  # an explicit tab wins (the bound widget reads it)


def test_theme_products_and_lessons_markdown(catalog):
    products = one_theme.products_by_theme(catalog, ALL, "employment")
    markdown = one_theme.theme_products_markdown(products, "employment")
    assert markdown.startswith("**1 product** carries the theme *employment*:")
    assert "Youth Jobs Platform" in markdown
    assert markdown.count("\n\n---\n\n") == len(products)
    none = one_theme.theme_products_markdown(products.head(0), "housing")
    assert none == "No product of the sites in view carries the theme *housing*."
    lessons = one_theme.lessons_by_theme(catalog, ALL, "employment")
    text = one_theme.theme_lessons_markdown(lessons, "employment")
    assert text.startswith(f"**{len(lessons)} lessons** carry the theme *employment*:")
    assert text.count("\n- ") == len(lessons)
    assert one_theme.theme_lessons_markdown(lessons.head(0), "<b>").endswith("*\\<b\\>*.")

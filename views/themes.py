"""Themes: what each site did per theme, lessons by synthesis section, and full-text search."""

import streamlit as st

from dashboard import constants as C
from dashboard import filters
from dashboard import search
from dashboard import text
from dashboard import themes
from dashboard import ui

F = ui.Memoized(filters)
S = ui.Memoized(search)
T = ui.Memoized(themes)

MAX_RESULTS = 50

catalog = ui.require_catalog()
view = ui.current_filters(catalog)
links = ui.filter_params(catalog, view)
lessons = T.lessons_in_view(catalog, view)

st.title("Themes")
st.markdown(
    "What the seven sites worked on, theme by theme: the products they built or ran and the lessons "
    "recorded about them. Search every product, lesson and resource, see which themes each site "
    "worked on, pick a theme to read its records, or browse the lessons by the sections of the "
    "program's synthesis."
)
st.caption(F.describe(view, F.site_names(catalog)))

# Search
st.header("Search", anchor=False)
query = st.text_input(
    "Search products, lessons and resources", key="q", bind="query-params", max_chars=S.MAX_QUERY,
    placeholder="e.g. court, housing, youth jobs",
    help="Every word must match; results are ranked by how often the words occur.",
)
if query and query.strip():
    results = S.search(catalog, query, view)
    if results.empty:
        st.info("No matches: every word must appear in a record. Try fewer or shorter words.", icon=":material/search_off:")
    else:
        count = len(results)
        shown = results.head(MAX_RESULTS)
        more = f" (showing the first {MAX_RESULTS})" if count > MAX_RESULTS else ""
        st.markdown(f"**{count}** result{'s' if count != 1 else ''}{more}, best matches first.")
        st.markdown(S.results_markdown(shown))
        with ui.lazy_expander("Search results as a table", "data-search-results") as is_open:
            if is_open:
                ui.table_with_download(S.result_table(results), "search-results")

# Theme × site grid
matrix = T.theme_site_matrix(catalog, view)
if matrix.empty:
    st.info("No sites match the current filters. Clear the site or role filter in the sidebar.")
else:
    ui.chart_block(
        "Themes by site",
        T.matrix_takeaway(matrix),
        T.theme_site_chart(matrix),
        matrix,
        "themes-by-site",
        "Heatmap of themes by site. Each cell gives the number of product and lesson records in this "
        "dataset that carry the theme at the site; the table below the chart lists every cell.",
        "*Counts are of records in this dataset, not of all local work on a theme. "
        f"Cross-site lessons ({T.cross_site_count(lessons)} in view) belong to no single site and are not "
        "counted in the grid.*",
    )

# One theme in detail
st.header("One theme in detail", anchor=False)
raw_theme = st.query_params.get_all("theme")
chosen = st.selectbox(
    "Theme", list(C.THEMES), index=C.THEMES.index(T.default_theme(matrix, view)), key="theme", bind="query-params",
)
ui.note_ignored("theme", raw_theme, list(C.THEMES))
if view.themes and chosen not in view.themes:
    st.caption("This theme is outside the sidebar's theme filter; it is shown for the sites in view.")

products = T.products_by_theme(catalog, view, chosen)
theme_lessons = T.lessons_by_theme(catalog, view, chosen)
product_tab, lesson_tab = st.tabs([f"Products ({len(products)})", f"Lessons ({len(theme_lessons)})"])
with product_tab:
    if products.empty:
        st.caption("No product of the sites in view carries this theme.")
    for index, card in enumerate(T.product_cards(products)):
        st.markdown(("---\n\n" if index else "") + card["markdown"])
        st.page_link(
            "views/site.py", label=f"{text.escape_markdown(card['site_name'])} profile",
            icon=":material/location_city:", query_params={"site": card["site"], **links},
        )
with lesson_tab:
    if theme_lessons.empty:
        st.caption("No lesson in view carries this theme.")
    else:
        st.markdown(T.lesson_list_markdown(theme_lessons))
with ui.lazy_expander("Table of this theme's products and lessons", "data-theme-records") as is_open:
    if is_open:
        ui.table_with_download(products, "theme-products")
        ui.table_with_download(theme_lessons, "theme-lessons")

# Lessons by synthesis section
sections = T.lessons_by_section(catalog, view)
if sections.empty:
    st.info("No lessons match the current filters.")
else:
    ui.chart_block(
        "Lessons by synthesis section",
        T.section_takeaway(sections),
        T.section_chart(sections),
        sections,
        "lessons-by-section",
        "Bar chart of the number of lessons under each of the five sections of the program's synthesis, "
        "split into implementation-site, learning-site and cross-site lessons.",
        T.basis_note(sections),
    )
    raw_section = st.query_params.get_all("section")
    section = st.selectbox("Read the lessons of one section", list(C.LESSON_SECTIONS), key="section", bind="query-params")
    ui.note_ignored("section", raw_section, list(C.LESSON_SECTIONS))
    st.markdown(T.section_lessons_markdown(lessons, section or C.LESSON_SECTIONS[0]))

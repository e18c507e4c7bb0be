"""Themes: which themes each site worked on, one theme's products and lessons, lessons by synthesis
section, and full-text search, as four tabs bound to the URL (only the open one is computed)."""

import streamlit as st

from .. import filters
from .. import search
from .. import text
from .. import themes
from .. import ui
from ..schema import LESSON_SECTIONS, THEMES

F = ui.Memoized(filters)
S = ui.Memoized(search)
T = ui.Memoized(themes)

MAX_RESULTS = 50


def render() -> None:
    """Draw the page."""
    catalog = ui.require_catalog()
    view = ui.current_filters(catalog)
    links = ui.filter_params(catalog, view)
    lessons = T.lessons_in_view(catalog, view)

    st.title("Themes")
    st.markdown(text.intro_markdown(
        "What the seven sites worked on, theme by theme: the products they built or ran and the lessons "
        "recorded about them. See which themes each site worked on, read one theme's records, browse the "
        "lessons by the sections of the program's synthesis, or search every product, lesson and resource.",
        F.describe(view, F.site_names(catalog)),
    ))

    # A link with only ?q=, ?theme= or ?section= opens the tab that reads it.
    by_site_tab, theme_tab, section_tab, search_tab = st.tabs(
        themes.TABS, key="tab", bind="query-params", default=themes.TABS[themes.default_tab(list(st.query_params.keys()))],
    )

    with by_site_tab:
        if by_site_tab.open:
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
                    f"Cross-site lessons ({T.cross_site_count(lessons)} in view) belong to no single site and are "
                    "not counted in the grid.*",
                )

    with theme_tab:
        if theme_tab.open:
            raw_theme = st.query_params.get_all("theme")
            chosen = st.selectbox(
                "Theme", list(THEMES), index=THEMES.index(T.default_theme(T.theme_site_matrix(catalog, view), view)),
                key="theme", bind="query-params",
            )
            ui.note_ignored("theme", raw_theme, list(THEMES))
            if view.themes and chosen not in view.themes:
                st.caption("This theme is outside the sidebar's theme filter; it is shown for the sites in view.")
            products = T.products_by_theme(catalog, view, chosen)
            theme_lessons = T.lessons_by_theme(catalog, view, chosen)
            st.markdown(T.theme_products_markdown(products, chosen))
            if not products.empty:
                with st.container(horizontal=True):
                    for card in T.product_cards(products):
                        st.page_link(
                            "views/site.py", label=f"{text.escape_markdown(card['site_name'])} profile",
                            icon=":material/location_city:", query_params={"site": card["site"], **links},
                        )
            st.markdown(T.theme_lessons_markdown(theme_lessons, chosen))
            with ui.lazy_expander("Table of this theme's products and lessons", "data-theme-records") as is_open:
                if is_open:
                    ui.table_with_download(products, "theme-products")
                    ui.table_with_download(theme_lessons, "theme-lessons")

    with section_tab:
        if section_tab.open:
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
                section = st.selectbox(
                    "Read the lessons of one section", list(LESSON_SECTIONS), key="section", bind="query-params",
                )
                ui.note_ignored("section", raw_section, list(LESSON_SECTIONS))
                st.markdown(T.section_lessons_markdown(lessons, section or LESSON_SECTIONS[0]))

    with search_tab:
        if search_tab.open:
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
                    more = f" (showing the first {MAX_RESULTS})" if count > MAX_RESULTS else ""
                    st.markdown(
                        f"**{count}** {text.plural('result', count)}{more}, best matches first.\n\n"
                        + S.results_markdown(results, MAX_RESULTS)
                    )
                    with ui.lazy_expander("Search results as a table", "data-search-results") as is_open:
                        if is_open:
                            ui.table_with_download(S.result_table(results), "search-results")

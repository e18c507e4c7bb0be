"""Themes: which themes each site worked on, one theme's products and lessons, lessons by synthesis
section, and full-text search, as four tabs bound to the URL (only the open one is computed)."""

import streamlit as st

from dashboard.data.cite import repository_url
from dashboard.data.schema import LESSON_SECTIONS, THEMES
from dashboard.data.text import escape_markdown, intro_markdown
from dashboard.ui.blocks import chart_block, lazy_expander, table_with_download
from dashboard.ui.session_choices import last_param
from dashboard.ui.shell import page_context, url_choice, url_tabs
from dashboard.views import themes
from dashboard.views.themes import by_site, one_theme, search, sections

context = page_context()
catalog, view = context.catalog, context.filters
repository = repository_url()  # each product, lesson and result offers a correction when it is set

st.title("Themes")
st.markdown(
    intro_markdown(
        "What the seven sites worked on, theme by theme: the products they built or ran and the lessons "
        "recorded about them. See which themes each site worked on, read one theme's records, browse the "
        "lessons by the sections of the program's synthesis, or search every product, lesson, resource, partner, "
        "site and ecosystem metric.",
        context.describe_filters(),
    )
)

# A link with only ?q=, ?theme= or ?section= opens the tab that reads it.
by_site_tab, theme_tab, section_tab, search_tab = url_tabs(
    context, list(themes.TABS), "themes_tab", default=themes.TABS[themes.default_tab(list(st.query_params.keys()))]
)

with by_site_tab:
    if by_site_tab.open:
        matrix = by_site.matrix_view(catalog, view)
        if matrix is None:
            st.info("No sites match the current filters. Clear the site or role filter in the sidebar.")
        else:
            chart_block(matrix)

with theme_tab:
    if theme_tab.open:
        start = url_choice("theme", THEMES, by_site.theme_in_focus(catalog, view))
        chosen = st.selectbox("Theme", list(THEMES), index=THEMES.index(start), key="theme")
        context.share("theme", chosen, by_site.theme_in_focus(catalog, view))
        if view.themes and chosen not in view.themes:
            st.caption("This theme is outside the sidebar's theme filter; it is shown for the sites in view.")
        theme = one_theme.theme_view(catalog, view, chosen, repository)
        st.markdown(theme.products_markdown)
        if theme.product_sites:
            with st.container(horizontal=True):
                for site_id, site_name in theme.product_sites:
                    st.page_link(
                        context.pages["site"],
                        label=f"{escape_markdown(site_name)} profile",
                        icon=":material/location_city:",
                        query_params=context.site_link(site_id),
                    )
        st.markdown(theme.lessons_markdown)
        with lazy_expander("Table of this theme's products and lessons", "data-theme-records") as is_open:
            if is_open:
                table_with_download(theme.products, "theme-products")
                table_with_download(theme.lessons, "theme-lessons")

with section_tab:
    if section_tab.open:
        chart_area = st.container()  # the chart comes first; the picker below it chooses the lessons listed
        start = url_choice("section", LESSON_SECTIONS, LESSON_SECTIONS[0])
        section = st.selectbox(
            "Read the lessons of one section", list(LESSON_SECTIONS), index=LESSON_SECTIONS.index(start), key="section"
        )
        context.share("section", section, LESSON_SECTIONS[0])
        by_section = sections.sections_view(catalog, view, section or LESSON_SECTIONS[0], repository)
        with chart_area:
            if by_section.chart is None:
                st.info("No lessons match the current filters.")
            else:
                chart_block(by_section.chart)
        st.markdown(by_section.lessons_markdown)

with search_tab:
    if search_tab.open:
        query = st.text_input(
            "Search products, lessons, resources, partners, sites and metrics",
            value=last_param("q") or "",
            key="q",
            placeholder="e.g. court, housing, youth jobs, Rise Community Development, open data policy",
            help="Whole words; the last word also matches as the start of a word. Every word must match; "
            "names and titles count most.",
        )
        if query and query.strip():
            found = search.search_view(catalog, view, query, repository=repository)
            context.share("q", found.query)
            for note in found.notes:
                st.caption(f":material/content_cut: {escape_markdown(note)}")
            if not found.found:
                st.info(found.summary, icon=":material/search_off:")
            else:
                # Escaped Markdown but for each title's link, an HTML anchor so the link stays in this tab.
                st.markdown(found.summary + "\n\n" + found.markdown, unsafe_allow_html=True)
                with lazy_expander("Search results as a table", "data-search-results") as is_open:
                    if is_open:
                        table_with_download(found.table, "search-results")

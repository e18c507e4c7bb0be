"""Overview: what the program was, its headline figures for the sites in view, a small map and where to start."""

import streamlit as st

from dashboard.data.text import escape_markdown
from dashboard.ui.shell import page_context, site_links
from dashboard.views import overview, sites_map

MAP_HEIGHT = 320  # at most: the map is fitted to the sites in view

context = page_context()
view = overview.overview_view(context.catalog, context.filters)
site_map = sites_map.map_view(context.catalog, context.filters, height=MAP_HEIGHT)

st.title(view.title)
st.markdown(view.intro_markdown)
with st.container(horizontal=True):
    for kpi in view.kpis:
        st.metric(kpi.label, kpi.value, help=kpi.help, border=True, width="stretch")

start_column, map_column = st.columns([2, 3], gap="medium")
with map_column:
    st.markdown(f"## Where the sites are\n\n*{sites_map.key_sentence()}*")
    st.pydeck_chart(site_map.deck, height=site_map.height, alt=site_map.alt_text)
    if site_map.moved_note:
        st.caption(escape_markdown(site_map.moved_note))
    if site_map.unlabelled:
        st.caption("Not named on the map, so that names do not overlap:")
        site_links(context, site_map.unlabelled)

with start_column:
    st.markdown("## Where to start\n\nNew here? Pick a path; your filters come along.")
    st.page_link(context.pages["map"], label="See the sites on a map", icon=":material/map:", query_params=context.link_params())
    for site_id, label in view.start_sites:
        st.page_link(context.pages["site"], label=label, icon=":material/location_city:", query_params=context.site_link(site_id))
    st.page_link(
        context.pages["themes"],
        label=f"Browse the products and {view.counts['lessons']} lessons by theme",
        icon=":material/category:",
        query_params=context.link_params(),
    )
    st.page_link(
        context.pages["metrics"],
        label="Compare the sites' civic-tech ecosystems",
        icon=":material/monitoring:",
        query_params=context.link_params(),
    )
    st.page_link(
        context.pages["library"],
        label=f"Read the {view.counts['resources']} reports and all {view.counts['sources']} sources",
        icon=":material/menu_book:",
        query_params=context.link_params(),
    )

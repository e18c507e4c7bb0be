"""Map: where the sites are, coloured by role and sized by grant, with a table as its text alternative."""

import streamlit as st

from dashboard.data.cite import repository_url
from dashboard.data.text import escape_markdown, intro_markdown, section_markdown
from dashboard.ui.blocks import csv_download
from dashboard.ui.shell import page_context, site_links
from dashboard.views import sites_map
from dashboard.views.corrections import site_corrections_markdown

MAP_HEIGHT = 440  # at most: the map is fitted to the sites in view
THEMES_NOTE = " Themes describe products, not places, so the map is narrowed only by the site and role filters."

context = page_context()

st.title("Sites on the map")
st.markdown(
    intro_markdown(
        "Where the CTDC sites are, coloured by their role and sized by their grant. "
        "Tap or click a circle for a link to that site's profile; the table below lists the same sites.",
        context.describe_filters() + (THEMES_NOTE if context.filters.themes else ""),
    )
)
basemap = st.toggle(
    "Show basemap tiles (needs internet)",
    value=False,
    key="map_basemap",
    help="Draws street-map tiles under the sites. The state outlines are drawn either way.",
)
site_map = sites_map.map_view(context.catalog, context.filters, height=MAP_HEIGHT, basemap=basemap)

map_column, side_column = st.columns([3, 2], gap="medium")
with map_column:
    if not site_map.sites:
        st.info("No site matches the current filters. Clear the filters in the sidebar to see all sites.")
    event = st.pydeck_chart(
        site_map.deck,
        on_select="rerun",
        selection_mode="single-object",
        key="site_map",
        alt=site_map.alt_text,
        height=site_map.height,
    )
    if not site_map.has_outlines:
        st.caption("The state outlines could not be loaded, so the sites are drawn without them.")
    # Right under the map (on a phone the columns stack, and the key comes after): the chosen site's
    # profile, then the sites whose names did not fit on the map.
    picked = sites_map.picked_site_id(event, [site_id for site_id, _, _ in site_map.sites])
    if picked:
        st.page_link(
            context.pages["site"],
            label=f"Open the {escape_markdown(context.site_names[picked])} profile",
            icon=":material/location_city:",
            query_params=context.site_link(picked),
        )
    elif site_map.sites:
        st.caption("Tap or click a circle: a link to its profile appears here.")
    if site_map.unlabelled:
        st.caption("Not named on the map, so that names do not overlap:")
        site_links(context, site_map.unlabelled)

with side_column:
    if site_map.legend_markdown:
        st.markdown(site_map.legend_markdown)

st.markdown(section_markdown("The sites as a table", site_map.table_markdown))
csv_download(site_map.table, "map-sites")
if site_map.sites:
    st.markdown("**Site profiles**")
    site_links(context, site_map.sites)
    if corrections := site_corrections_markdown(context.catalog, [site_id for site_id, _, _ in site_map.sites], repository_url()):
        st.markdown(corrections)

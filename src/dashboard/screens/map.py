"""Map: where the sites are, coloured by role and sized by grant, with a table as its text alternative."""

import streamlit as st

from .. import filters
from .. import maps
from .. import text as T
from .. import ui

F = ui.Memoized(filters)
M = ui.Memoized(maps)

MAP_HEIGHT = 440


def render() -> None:
    """Draw the page."""
    catalog = ui.require_catalog()
    view = ui.current_filters(catalog)
    links = ui.filter_params(catalog, view)

    st.title("Sites on the map")
    themes_note = " Themes describe products, not places, so the map is narrowed only by the site and role filters."
    st.markdown(T.intro_markdown(
        "Where the CTDC sites are, coloured by their role and sized by their grant. "
        "Select a circle to open that site's profile; the table below lists the same sites.",
        F.describe(view, F.site_names(catalog)) + (themes_note if view.themes else ""),
    ))

    ids = F.selected_site_ids(catalog, view)
    points = M.site_points(catalog, ids)
    outlines = M.load_states_geojson(catalog.data_dir)

    basemap = st.toggle(
        "Show basemap tiles (needs internet)", value=False, key="map_basemap",
        help="Draws street-map tiles under the sites. The state outlines are drawn either way.",
    )
    map_column, side_column = st.columns([3, 2], gap="medium")
    with map_column:
        if points.empty:
            st.info("No site matches the current filters. Clear the filters in the sidebar to see all sites.")
        event = st.pydeck_chart(
            M.sites_deck(points, outlines, basemap=basemap, height=MAP_HEIGHT),
            on_select="rerun", selection_mode="single-object", key="site_map",
            alt=M.describe_map(points), height=MAP_HEIGHT,
        )
        if outlines is None:
            st.caption("The state outlines could not be loaded, so the sites are drawn without them.")

    with side_column:
        picked = maps.picked_site_id(event.selection, ids)
        if picked:
            name = F.site_names(catalog)[picked]
            st.markdown(f"**Selected: {T.escape_markdown(name)}**")
            st.page_link(
                "views/site.py", label=f"Open the {T.escape_markdown(name)} profile", icon=":material/location_city:",
                query_params={"site": picked, **links},
            )
        legend = M.legend_markdown(points, MAP_HEIGHT)
        hint = "" if picked else "*Select a circle on the map to see which site it is.*\n\n"
        if legend or hint:
            st.markdown(hint + legend)

    st.markdown(T.section_markdown("The sites as a table", M.sites_table_markdown(points)))
    ui.csv_download(M.sites_table(points), "map-sites")
    if not points.empty:
        st.markdown("**Site profiles**")
        for site in M.point_records(points):
            st.page_link(
                "views/site.py", label=f"{T.escape_markdown(site['name'])} ({site['role_label'].lower()})",
                icon=":material/location_city:", query_params={"site": site["id"], **links},
            )

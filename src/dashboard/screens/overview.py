"""Overview: what the program was, its headline figures and where to start."""

import streamlit as st

from .. import filters
from .. import maps
from .. import metrics
from .. import text as T
from .. import ui

F = ui.Memoized(filters)
M = ui.Memoized(metrics)
map_builders = ui.Memoized(maps)

OVERVIEW_MAP_HEIGHT = 320


def render() -> None:
    """Draw the page."""
    catalog = ui.require_catalog()
    view = ui.current_filters(catalog)
    program = catalog.program

    st.title(f"{T.escape_markdown(program['short_name'])} Atlas")
    st.markdown(T.intro_markdown(
        f"**{T.escape_markdown(program['name'])} ({T.escape_markdown(program['years'])})**\n\n"
        + T.escape_markdown(program["summary"]),
        F.describe(view, F.site_names(catalog)),
    ))

    sites = F.filter_sites(catalog, view)
    kpis = M.overview_kpis(catalog, sites)
    with st.container(horizontal=True):
        for kpi in kpis:
            st.metric(kpi.label, kpi.value, help=kpi.help, border=True, width="stretch")

    links = ui.filter_params(catalog, view)
    points = map_builders.site_points(catalog, list(sites["id"]))
    start_column, map_column = st.columns([2, 3], gap="medium")
    with map_column:
        st.markdown(T.section_markdown(
            "Where the sites are",
            f"*{maps.key_sentence()}*",
        ))
        st.pydeck_chart(
            map_builders.sites_deck(points, map_builders.load_states_geojson(catalog.data_dir), basemap=False, height=OVERVIEW_MAP_HEIGHT),
            height=OVERVIEW_MAP_HEIGHT, alt=map_builders.describe_map(points),
        )

    with start_column:
        st.markdown(T.section_markdown("Where to start", "New here? Pick a path; your filters come along."))
        st.page_link("views/map.py", label="See the sites on a map", icon=":material/map:", query_params=links)
        sites_shown = map_builders.point_records(points)
        built = [site for site in sites_shown if site["role"] == "implementation"]
        for site in built or sites_shown:
            name = T.escape_markdown(site["name"])
            label = f"See what {name} built" if site["role"] == "implementation" else f"Read about {name}"
            st.page_link("views/site.py", label=label, icon=":material/location_city:", query_params={"site": site["id"], **links})
        counts = M.overview_counts(catalog, sites)
        st.page_link(
            "views/themes.py", label=f"Browse the products and {counts['lessons']} lessons by theme",
            icon=":material/category:", query_params=links,
        )
        st.page_link("views/metrics.py", label="Compare the sites' civic-tech ecosystems", icon=":material/monitoring:", query_params=links)
        st.page_link(
            "views/library.py", label=f"Read the {counts['resources']} reports and all {counts['sources']} sources",
            icon=":material/menu_book:", query_params=links,
        )

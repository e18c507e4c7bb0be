"""Site profile: what one site built, with whom, what it learned and its ecosystem, with every claim cited.

The site travels in the URL as its id (``?site=st-louis``), with an optional ``?compare=`` site.
The two selectboxes are not bound to the URL (a bound selectbox with ``format_func`` would put
the name there); the URL is the source of truth, and each choice is written back to it.
"""

import streamlit as st

from .. import filters
from .. import site_profile
from .. import text as T
from .. import ui

F = ui.Memoized(filters)
SP = ui.Memoized(site_profile)


def _param(name: str) -> str | None:
    """The last value of a URL parameter, or None (never raises)."""
    try:
        return st.query_params.get(name)
    except Exception:  # noqa: BLE001 - a malformed URL must never break the page
        return None


def _on_site_change() -> None:
    """Write the chosen site to the URL; drop a comparison with the same site."""
    chosen = st.session_state.get("site_choice")
    if chosen:
        st.query_params["site"] = chosen
    if chosen and st.query_params.get("compare") == chosen:
        del st.query_params["compare"]


def _on_compare_change() -> None:
    """Write the comparison site to the URL, or remove it."""
    compare = st.session_state.get("compare_choice")
    if compare:
        st.query_params["compare"] = compare
    elif "compare" in st.query_params:
        del st.query_params["compare"]


def render() -> None:
    """Draw the page."""
    catalog = ui.require_catalog()
    view = ui.current_filters(catalog)
    names = F.site_names(catalog)
    in_view = F.selected_site_ids(catalog, view)

    site_id, site_notice = SP.resolve_site(_param("site"), catalog, in_view)
    compare_id, compare_notice = SP.resolve_compare(_param("compare"), catalog, site_id)
    # Follow the URL (links, Back button): the widgets show what the URL asks for.
    for key, value in (("site_choice", site_id), ("compare_choice", compare_id or SP.NO_COMPARISON)):
        if st.session_state.get(key) != value:
            st.session_state[key] = value

    st.page_link("views/map.py", label="Back to the map", icon=":material/arrow_back:", query_params=ui.filter_params(catalog, view))
    pick, other = st.columns(2)
    pick.selectbox(
        "Site", SP.site_choices(catalog, in_view, site_id), format_func=names.get, key="site_choice",
        on_change=_on_site_change,
    )
    other.selectbox(
        "Compare with", [SP.NO_COMPARISON, *(s for s in names if s != site_id)],
        format_func=lambda s: names.get(s, "No comparison"), key="compare_choice", on_change=_on_compare_change,
    )
    for notice in (site_notice, compare_notice):
        if notice:
            st.caption(T.escape_markdown(notice))

    profile = SP.site_profile(catalog, site_id)
    compared = SP.site_profile(catalog, compare_id) if compare_id else None
    sources = SP.page_sources(catalog, profile, compared)

    st.title(profile.name)
    st.markdown(SP.intro_markdown(profile, sources))

    if compared is not None:
        st.header(f"{profile.name} and {compared.name} side by side")
        for column, p in zip(st.columns(2), (profile, compared)):
            with column, st.container(border=True):
                st.subheader(p.name)
                st.markdown(SP.compact_markdown(p, sources))
        st.markdown("**Ecosystem metrics, side by side**")
        st.caption("Each cell: value and unit (vintage, confidence). Each site's own profile cites the source of every value.")
        ui.table_with_download(
            SP.compare_metrics(profile, compared), f"metrics-{profile.site_id}-vs-{compared.site_id}",
            column_config={
                "metric": st.column_config.TextColumn("metric", width="medium", pinned=True),
                **{p.name: st.column_config.TextColumn(p.name, width="medium") for p in (profile, compared)},
            },
            height=(len(profile.metrics) + 1) * 35 + 3,
        )
        st.divider()

    st.markdown(T.section_markdown(f"What {profile.name} built", SP.products_markdown(profile, sources)))

    st.markdown(T.section_markdown("Who took part", SP.partners_markdown(profile, sources)))
    if profile.relationships:
        label = f"How they were connected ({len(profile.relationships)} documented ties)"
        with ui.lazy_expander(label, "site-relationships") as is_open:
            if is_open:
                st.markdown(SP.relationships_markdown(profile, sources))

    st.markdown(T.section_markdown(
        f"Lessons from {profile.name}",
        "*Grouped by the sections of the program's cross-site synthesis. “Section from source”: the source "
        "files the lesson there; “editorial tag”: the section was assigned by this atlas.*",
        SP.lessons_markdown(profile.lessons, sources) if profile.lessons
        else f"No lessons specific to {T.escape_markdown(profile.name)} are recorded.",
    ))
    if profile.cross_site_lessons:
        with ui.lazy_expander("Lessons drawn across all sites", "site-cross-site-lessons") as is_open:
            if is_open:
                st.markdown(SP.lessons_markdown(profile.cross_site_lessons, sources))

    st.markdown(T.section_markdown(
        f"Ecosystem metrics for {profile.name}",
        "*Confidence: confirmed (two or more independent sources), single-source, or unconfirmed. "
        "Values not found in sources are shown as such, never as zero.*",
        SP.metrics_markdown(profile, sources),
    ))
    ui.csv_download(profile.metrics, f"metrics-{profile.site_id}")

    if profile.resources:
        st.markdown(T.section_markdown("Further reading", SP.resources_markdown(profile, sources)))

    st.markdown(T.section_markdown("Sources cited on this page", SP.sources_markdown(sources)))

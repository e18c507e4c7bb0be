"""Ecosystem metrics: key years, names and instruments, census context, partners and dated events, with a role lens."""

import streamlit as st

from .. import charts
from .. import constants as C
from .. import filters
from .. import text, ui

G = ui.Memoized(charts)
F = ui.Memoized(filters)


def render() -> None:
    """Draw the page."""
    catalog = ui.require_catalog()
    view = ui.current_filters(catalog)

    st.title("Ecosystem metrics")
    st.markdown(text.intro_markdown(
        "How the local data and civic tech ecosystems of the sites compare: when key institutions began, "
        "who the local partners were, and the census context of each city. Every value carries a "
        "confidence level: **confirmed** (two or more independent sources) or **single-source**. Filled "
        "marks and solid bars are confirmed; open marks and pale bars rest on one source. Where no source "
        f"gives a value it reads “{C.NOT_FOUND}”: such gaps are listed, never drawn as zero.",
        F.describe(view, F.site_names(catalog)) + " Theme filters narrow only the product launches on the timeline.",
    ))
    lens = st.toggle(
        "Compare implementation and learning sites", key="lens", bind="query-params",
        help="Group the charts by site role: implementation sites (larger grants, product building) and learning sites.",
    )

    sites = G.site_frame(catalog, view)
    if sites.empty:
        st.info("No sites match the current filters. Clear the site or role filter in the sidebar.", icon=":material/filter_alt_off:")
    else:
        # Bound to the URL (?tab=...), so a link opens the same tab, and only the open tab is computed.
        years_tab, names_tab, census_tab, partners_tab, timeline_tab = st.tabs(
            ["Key years", "Names", "Census context", "Partners", "Timeline"], key="tab", bind="query-params"
        )

        with years_tab:
            if years_tab.open:
                years = G.year_frame(catalog, view)
                ui.chart_block(
                    "Key years", G.year_takeaway(years, lens), G.year_chart(years, lens), G.shown_table(years),
                    "key-years", G.year_alt_text(years, lens),
                )
                missing = G.not_found_markdown(years)
                if missing:
                    st.markdown(missing)
                if lens:
                    st.markdown(G.role_comparison_markdown(years))

        with names_tab:
            if names_tab.open:
                names = G.metric_frame(catalog, view, G.TEXT_METRICS)
                st.header("Partners, policies and posts by name", anchor=False)
                known = int(names["known"].sum())
                st.markdown(f"{known} of {len(names)} values are in the sources; the rest read “{C.NOT_FOUND}”.")
                ui.table_with_download(
                    G.text_table(names, lens), "names-and-instruments",
                    column_config={"site": st.column_config.TextColumn("site", pinned=True)},
                )
                with ui.lazy_expander("Vintage, confidence, notes and sources of each value", "data-names-detail") as is_open:
                    if is_open:
                        ui.table_with_download(G.shown_table(names), "names-and-instruments-detail")

        with census_tab:
            if census_tab.open:
                vintages = G.census_vintages(catalog, view)
                if not vintages:
                    st.info(f"Census context: {C.NOT_FOUND} for the sites in view.")
                else:
                    vintage = vintages[0] if len(vintages) == 1 else st.selectbox(
                        "Census release (one at a time, never mixed)", vintages, key="census_vintage"
                    )
                    census = G.census_frame(catalog, view, vintage)
                    links = G.census_sources_markdown(catalog, census)
                    st.caption(f"{text.escape_markdown(vintage)}; compiled from the cited sources: {links}. "
                               "Every chart on this tab shows this release only.")
                    for pair in (G.CENSUS_METRICS[:2], G.CENSUS_METRICS[2:]):
                        for column, metric in zip(st.columns(2), pair):
                            with column:
                                part = G.census_measure(census, metric)
                                ui.chart_block(
                                    part["metric_label"].iloc[0], G.census_takeaway(census, metric),
                                    G.census_chart(census, metric, vintage, lens), G.shown_table(part),
                                    f"census-{metric}", G.census_alt_text(part, vintage),
                                )

        with partners_tab:
            if partners_tab.open:
                partners = G.partner_frame(catalog, view)
                shown = G.partner_by_role(partners, sites) if lens else partners
                ui.chart_block(
                    "Partner composition", G.partner_takeaway(shown, lens), G.partner_chart(shown, lens),
                    G.partner_table(shown, lens),
                    "partner-composition", G.partner_alt_text(shown, lens),
                )

        with timeline_tab:
            if timeline_tab.open:
                events = G.timeline_frame(catalog, view)
                period = G.program_period(catalog)
                ui.chart_block(
                    "Timeline of dated facts", G.timeline_takeaway(events, period),
                    G.timeline_chart(events, sites, G.timeline_kinds(catalog), period, lens), G.timeline_table(events),
                    "timeline", G.timeline_alt_text(events, period),
                )

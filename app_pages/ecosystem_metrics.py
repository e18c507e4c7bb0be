"""Ecosystem metrics: key years, names and instruments, census context, partners and dated events, with a role lens."""

import streamlit as st

from dashboard.data.cite import repository_url
from dashboard.data.text import escape_markdown, intro_markdown
from dashboard.data.values import NOT_FOUND
from dashboard.state import filters
from dashboard.ui.blocks import chart_block, lazy_expander, table_with_download
from dashboard.ui.shell import page_context, url_choice, url_tabs
from dashboard.views import metrics
from dashboard.views.metrics import census, key_years, names, partners, timeline

context = page_context()
catalog, view = context.catalog, context.filters
repository = repository_url()  # each value in the tables offers a correction when it is set

st.title("Ecosystem metrics")
st.markdown(
    intro_markdown(
        "How the local data and civic tech ecosystems of the sites compare: when key institutions began, "
        "who the local partners were, and the census context of each city. Every value carries a "
        "confidence level: **confirmed** (two or more independent sources) or **single-source**. Filled "
        "marks and solid bars are confirmed; open marks and pale bars rest on one source. Where no source "
        f"gives a value it reads “{NOT_FOUND}”: such gaps are listed, never drawn as zero.",
        context.describe_filters() + " Theme filters narrow only the product launches on the timeline.",
    )
)
lens = st.toggle(
    "Compare implementation and learning sites",
    value=url_choice("lens", ["true", "false"], "false") == "true",
    key="lens",
    help="Group the charts by site role: implementation sites (larger grants, product building) and learning sites.",
)
context.share("lens", "true" if lens else None)

if not filters.selected_site_ids(catalog, view):
    st.info("No sites match the current filters. Clear the site or role filter in the sidebar.", icon=":material/filter_alt_off:")
else:
    # A link opens the tab it names (?metrics_tab=...), and only the open tab is computed.
    years_tab, names_tab, census_tab, partners_tab, timeline_tab = url_tabs(context, list(metrics.TABS), "metrics_tab")

    with years_tab:
        if years_tab.open:
            # A link names the metric (?year_metric=Year+joined+NNIP); anything else shows every metric.
            choices = key_years.year_metric_options(catalog)
            ids = {label: metric_id for metric_id, label in choices.items()}
            everything = next(iter(choices.values()))
            start = ids[url_choice("year_metric", list(ids), everything)]
            metric = st.selectbox(
                "Key years shown",
                list(choices),
                index=list(choices).index(start),
                format_func=choices.__getitem__,
                key="year_metric",
                width=420,
                help="Every key year per site at once (a colour per metric), or one metric with its sites ordered by year.",
            )
            context.share("year_metric", choices[metric], everything)
            years = key_years.key_years_view(catalog, view, lens, metric, repository)
            chart_block(years.chart)
            with lazy_expander(
                "Key years as a table: a row per site, a column per metric", f"data-{years.table_name}"
            ) as is_open:
                if is_open:
                    table_with_download(years.table, years.table_name, pinned="site")
            if years.not_found_markdown:
                st.markdown(years.not_found_markdown)
            if years.comparison_markdown:
                st.markdown(years.comparison_markdown)
            st.page_link(
                context.pages["ecosystem"],
                label="Where does your place stand? Take the self-check and see it beside the sites",
                icon=":material/checklist:",
                query_params=context.link_params(ecosystem_tab="Self-check"),
            )

    with names_tab:
        if names_tab.open:
            by_name = names.names_view(catalog, view, lens, repository)
            st.markdown(
                f"## {names.TITLE}\n\n{by_name.known} of {by_name.total} values are in the sources; the rest read “{NOT_FOUND}”."
            )
            table_with_download(
                by_name.table,
                "names-and-instruments",
                pinned="site",
            )
            with lazy_expander("Vintage, confidence, notes and sources of each value", "data-names-detail") as is_open:
                if is_open:
                    table_with_download(by_name.detail, "names-and-instruments-detail")

    with census_tab:
        if census_tab.open:
            vintages = census.census_vintages(catalog, view)
            if not vintages:
                st.info(f"Census context: {NOT_FOUND} for the sites in view.")
            else:
                start = url_choice("census_vintage", vintages, vintages[0])
                vintage = (
                    vintages[0]
                    if len(vintages) == 1
                    else st.selectbox(
                        "Census release (one at a time, never mixed)", vintages, index=vintages.index(start), key="census_vintage"
                    )
                )
                context.share("census_vintage", vintage, vintages[0])
                release = census.census_view(catalog, view, vintage, lens, repository)
                st.caption(
                    f"{escape_markdown(release.vintage)}. Sources: {release.sources_markdown}. "
                    "Every chart on this tab shows this release only."
                )
                for pair in (release.charts[:2], release.charts[2:]):
                    for column, chart in zip(st.columns(2), pair):
                        with column:
                            chart_block(chart)

    with partners_tab:
        if partners_tab.open:
            chart_block(partners.partners_view(catalog, view, lens))

    with timeline_tab:
        if timeline_tab.open:
            chart_block(timeline.timeline_view(catalog, view, lens, repository))

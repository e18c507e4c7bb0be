"""Partner networks: the sites' documented networks compared (with the role lens), each site's picture,
and every organization with its hub and bridge metrics, counting the ties documented during CTDC unless
the reader includes affiliations and other periods (``ties=all``)."""

import streamlit as st

from dashboard import constants as C
from dashboard.data.cite import repository_url
from dashboard.data.text import escape_markdown, intro_markdown
from dashboard.network import site_comparison
from dashboard.network import views as network_views
from dashboard.state import filters
from dashboard.ui.blocks import chart_block, lazy_expander, network_block, table_or_list, table_with_download
from dashboard.ui.shell import page_context, ties_switch, url_choice, url_tabs
from dashboard.views import corrections

MAX_PICTURES = 12  # a program of many sites is compared in a table; this many pictures are drawn

context = page_context()
catalog, view = context.catalog, context.filters

st.title("Partner networks")
st.markdown(
    intro_markdown(
        "Who worked with whom at each site: organizations as marks, coloured and shaped by type, and the ties "
        "the sources document as lines, labelled by kind. An organization with many partners is a **hub**; one "
        "that lies on the paths between others is a **bridge** (betweenness). Lines are only the ties the "
        "sources describe: where few are documented, a missing line is a gap in the record, not proof that two "
        "organizations never worked together. Tap or click a mark or a line for its details and sources, shown under "
        "its picture. By default every picture and measure counts only the ties the "
        "sources date to CTDC's years, 2014–2018; standing affiliations (NNIP partners, Code for America "
        "brigades, institutional homes) and ties from before or after the program are counted only when you "
        "include them.",
        context.describe_filters() + " Theme filters do not change the networks.",
    )
)
lens = st.toggle(
    "Compare implementation and learning sites",
    value=url_choice("lens", ["true", "false"], "false") == "true",
    key="lens",
    help="Group the comparison by site role: implementation sites (larger grants, product building) and learning sites.",
)
context.share("lens", "true" if lens else None)
ties_counted = ties_switch(context)

site_ids = filters.selected_site_ids(catalog, view)
if not site_ids:
    st.info("No sites match the current filters. Clear the site or role filter in the sidebar.", icon=":material/filter_alt_off:")
else:
    compare_tab, pictures_tab, organizations_tab = url_tabs(
        context, ["Compare sites", "Every network", "Organizations"], "networks_tab"
    )

    with compare_tab:
        if compare_tab.open:
            comparison = site_comparison.network_comparison(catalog, view, lens, ties_counted)
            chart_block(comparison.chart)
            st.markdown("## The sites side by side\n\n" + comparison.sentences)
            table_with_download(
                comparison.table,
                "network-comparison",
                pinned="site",
            )
            with lazy_expander("Every summary measure, as computed (CSV)", "data-network-summary") as is_open:
                if is_open:
                    table_with_download(comparison.summary, "network-summary")

    with pictures_tab:
        if pictures_tab.open:
            names = context.site_names
            drawn = site_ids[:MAX_PICTURES]
            if len(site_ids) > MAX_PICTURES:
                st.caption(
                    f"The first {MAX_PICTURES} of {len(site_ids)} sites in view: narrow the filters, or open a site's "
                    "profile, to see another's network. The Compare sites tab measures every one."
                )
            networks = dict(zip(drawn, network_views.site_networks(catalog, tuple(drawn), ties_counted, repository_url())))
            for pair in [drawn[i : i + 2] for i in range(0, len(drawn), 2)]:
                for column, site_id in zip(st.columns(2), pair):
                    with column:
                        st.markdown(f"## {escape_markdown(names[site_id])}")
                        network_block(networks[site_id].view, tables=False)
                        st.page_link(
                            context.pages["site"],
                            label=f"{escape_markdown(names[site_id])}: profile, tables and mapping questions",
                            icon=":material/arrow_forward:",
                            query_params=context.site_link(site_id),
                        )

    with organizations_tab:
        if organizations_tab.open:
            comparison = site_comparison.network_comparison(catalog, view, lens, ties_counted)
            st.markdown(
                "## Hubs and bridges at every site\n\n"
                "Every organization in the sites' documented networks, main bridges first: **partners** (its degree) is the number "
                "of organizations it is tied to, **betweenness** the share of shortest paths between other "
                "organizations that run through it, **types connected** the number of kinds of organization it is tied to. "
                + escape_markdown(comparison.counted)
                + " The column “ties counted at the site” says how many ties each site's figures count; a site with fewer than "
                f"{C.MIN_TIES_TO_RANK} has too few to rank its organizations."
            )
            repository = repository_url()
            table_or_list(
                corrections.organization_corrections(catalog, comparison.organizations, repository),
                "network-organizations",
                comparison.organization_list,
            )
            st.markdown(
                "## Every tie counted\n\nOne row per tie counted above: the two organizations, what the tie was, "
                "when it held and the sources that document it"
                + (", with a link to suggest a correction." if repository else ".")
            )
            table_with_download(corrections.ties_table(catalog, site_ids, ties_counted, repository), "network-ties")

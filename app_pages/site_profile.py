"""Site profile: what one site built, with whom, what it learned and its ecosystem, with every claim cited.

The site travels in the URL as ``?site=`` with an optional ``?compare=`` site, each by name (an id
or any case is accepted). The link opens the page on its sites; from then on the pickers (site ids
shown by name, so not bound to the URL) hold the choice, and the share link and the address bar
follow it by name, in place: Back leaves the page in one step. The network counts the ties
documented during CTDC unless the reader includes the others (``ties=all``, which travels in the
share link like the other pages' choices).
"""

import functools

import streamlit as st

from dashboard.data.cite import repository_url
from dashboard.data.text import escape_markdown
from dashboard.network import views as network_views
from dashboard.state import filters, links
from dashboard.ui.blocks import csv_download, lazy_expander, network_block
from dashboard.ui.session_choices import held_text, last_param
from dashboard.ui.shell import app_root, page_context, ties_switch
from dashboard.views.site_profile import assembly as site_profile
from dashboard.views.site_profile import brief
from dashboard.views.site_profile import markdown as site_profile_text

NO_COMPARISON = ""
BRIEF_HELP = (
    "The site, what it built, its partners, network, lessons and key metrics on the first page; the numbered "
    "sources with their addresses after them. Two pages at most."
)
# Links to two sections far down a long page (its citations are Tab stops each): a keyboard reaches
# the network's tables in a few presses. Each target is a heading's anchor, as Streamlit writes it.
JUMP_LINKS = "Jump to [the partner network](#how-they-were-connected) · [the sources](#sources-cited-on-this-page)"
NETWORK_INTRO = (
    "Organizations as marks, coloured and shaped by type; the ties the sources document as lines, labelled by "
    "kind. Tap or click a mark or a line for its details and sources, shown under the picture; the tables below list them too. By default only "
    "the ties the sources date to CTDC's years (2014–2018) are drawn and counted; the switch adds standing "
    "affiliations, such as network memberships, and ties from before or after the program."
)


context = page_context()
names = context.site_names
in_view = filters.selected_site_ids(context.catalog, context.filters)
site_id, site_notice = links.resolve_site(last_param("site"), names, in_view)
compare_id, compare_notice = links.resolve_compare(last_param("compare"), names, site_id)
if held_text("site_choice") in names:
    site_id, site_notice = str(held_text("site_choice")), None
if held_text("compare_choice") is not None:
    chosen = held_text("compare_choice")
    compare_id, compare_notice = (chosen if chosen in names and chosen != site_id else None), None
context.share("site", links.site_param(site_id, names))
context.share("compare", links.site_param(compare_id, names) if compare_id else None)
# The pickers show the sites shown (a comparison with the site itself is dropped).
for key, value in (("site_choice", site_id), ("compare_choice", compare_id or NO_COMPARISON)):
    if st.session_state.get(key) != value:
        st.session_state[key] = value

st.page_link(context.pages["map"], label="Back to the map", icon=":material/arrow_back:", query_params=context.link_params())
pick, other = st.columns(2)
pick.selectbox(
    "Site",
    site_profile.site_choices(names, in_view, site_id),
    format_func=names.__getitem__,  # every choice is a site id
    key="site_choice",
)
other.selectbox(
    "Compare with",
    [NO_COMPARISON, *(s for s in names if s != site_id)],
    format_func={NO_COMPARISON: "No comparison", **names}.__getitem__,
    key="compare_choice",
)
for notice in (site_notice, compare_notice):
    if notice:
        st.caption(escape_markdown(notice))

page = site_profile_text.site_page(context.catalog, site_id, compare_id, repository_url())
st.title(escape_markdown(page.name))
st.markdown(JUMP_LINKS)
st.markdown(page.intro)
profile_url = app_root() + links.page_href("site", {"site": links.site_param(site_id, names)})
with st.container(horizontal=True):
    for paper, paper_label in brief.PAPERS.items():
        st.download_button(
            f"Download a one-page brief (PDF, {paper_label})",
            functools.partial(brief.site_brief, context.catalog, site_id, paper, profile_url),
            file_name=f"{site_id}-brief-{paper}.pdf",
            mime="application/pdf",
            key=f"brief-{paper}",
            icon=":material/picture_as_pdf:",
            help=BRIEF_HELP,
            on_click="ignore",
        )

if page.comparison is not None:
    first, second = page.comparison.names
    st.markdown(f"## {escape_markdown(first)} and {escape_markdown(second)} side by side\n\n" + page.comparison.markdown)
    csv_download(page.comparison.table, f"{page.site_id}-vs-{compare_id}")
    st.divider()

st.markdown(page.products)
st.markdown(page.partners)
st.markdown(f"## How they were connected\n\n{NETWORK_INTRO}")
ties_counted = ties_switch(context)
network = network_views.site_network(context.catalog, site_id, ties_counted, repository_url())
network_block(network.view)
if page.ties_label:
    with lazy_expander(page.ties_label, "site-relationships") as is_open:
        if is_open:
            st.markdown(page.ties)
with lazy_expander("Mapping questions asked of this network, with what CTDC learned", "site-prompts") as is_open:
    if is_open:
        prompts = network_views.site_prompts_view(context.catalog, site_id, ties_counted, repository_url())
        st.markdown(prompts.markdown + "\n\n**Sources of these links**\n\n" + prompts.sources)
        csv_download(prompts.table, f"mapping-questions-{site_id}")
st.page_link(
    context.pages["networks"], label="Compare every site's network", icon=":material/hub:", query_params=context.link_params()
)
st.page_link(
    context.pages["ecosystem"], label="Map your own ecosystem beside this one", icon=":material/upload_file:",
    query_params=context.link_params(compare=links.site_param(site_id, names)),
)  # fmt: skip
st.markdown(page.lessons)
if page.cross_site_lessons:
    with lazy_expander("Lessons drawn across all sites", "site-cross-site-lessons") as is_open:
        if is_open:
            st.markdown(page.cross_site_lessons)
st.markdown(page.metrics)
csv_download(page.metrics_table, f"metrics-{page.site_id}")
if page.resources:
    st.markdown(page.resources)
st.markdown(page.sources)

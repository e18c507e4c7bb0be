"""Site profile: what one site built, with whom, what it learned and its ecosystem, with every claim cited.

The site travels in the URL as its id (``?site=st-louis``), with an optional ``?compare=`` site.
The two selectboxes are not bound to the URL (a bound selectbox with ``format_func`` would put
the name there); the URL is the source of truth, and each choice is written back to it.
"""

import streamlit as st

from dashboard import constants as C
from dashboard import filters
from dashboard import site_profile
from dashboard import text as T
from dashboard import ui
from dashboard.metrics import format_usd

F = ui.Memoized(filters)
SP = ui.Memoized(site_profile)

ROLE_BADGES = {"implementation": "blue", "learning": "orange"}
OUTCOME_COLUMNS = {
    "value": st.column_config.TextColumn("value", width="small"),
    "unit": st.column_config.TextColumn("unit", width="small"),
    "measure": st.column_config.TextColumn("measure", width="large"),
    "year": st.column_config.TextColumn("year", width="small"),
    "note": st.column_config.TextColumn("note", width="large"),
}

catalog = ui.require_catalog()
view = ui.current_filters(catalog)
names = F.site_names(catalog)
in_view = F.selected_site_ids(catalog, view)


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


def cite(ids) -> str:
    """Claim-level citation Markdown for these source ids."""
    return SP.citation_markdown(ids, sources)


def bullets(lines) -> None:
    """One Markdown list."""
    st.markdown("\n".join(f"- {line}" for line in lines))


def role_badge(site: dict) -> str:
    """A coloured badge naming the site's role."""
    label = C.ROLE_LABELS.get(site["role"], site["role"])
    return f":{ROLE_BADGES.get(site['role'], 'gray')}-badge[{T.escape_markdown(label)}]"


def compact(p: SP.SiteProfile) -> None:
    """The comparison column of one site: key facts, products, partner counts."""
    with st.container(border=True):
        st.subheader(p.name)
        bullets([f"**{label}:** {T.escape_markdown(value)}" for label, value in SP.key_facts(p)])
        st.markdown(cite(p.site["sources"]))
        st.markdown("**Products and activities**")
        bullets(f"{T.escape_markdown(x['name'])} {SP.status_markdown(x)} {cite(x['sources'])}" for x in p.products)
        st.markdown("**Partner organizations by type**")
        bullets(f"{T.escape_markdown(kind.capitalize())}: {count}" for kind, count in SP.partner_counts(p))
        st.markdown(cite(sorted({s for group in p.partners.values() for x in group for s in x["sources"]})))


def lesson_groups(groups: dict) -> None:
    """Lessons under their synthesis section headings, each with its section basis and sources."""
    for section, lessons in groups.items():
        st.markdown(f"**{T.escape_markdown(section)}**")
        bullets(
            f"{T.escape_markdown(x['text'])} :small[({SP.SECTION_BASIS_LABELS[x['section_basis']]})] {cite(x['sources'])}"
            for x in lessons
        )


site = profile.site
st.title(site["name"])
st.markdown(
    f"{role_badge(site)} **{format_usd(site['grant_usd'])} grant** · "
    f":material/location_on: {T.escape_markdown(site['landmark'])}"
)
st.markdown(T.escape_markdown(site["summary"]) + " " + cite(site["sources"]))

if compared is not None:
    st.header(f"{profile.name} and {compared.name} side by side")
    for column, p in zip(st.columns(2), (profile, compared)):
        with column:
            compact(p)
    st.markdown("**Ecosystem metrics, side by side**")
    st.caption("Each cell: value and unit (vintage, confidence). Sources are listed in each site's own metrics table.")
    ui.table_with_download(
        SP.compare_metrics(profile, compared), f"metrics-{profile.site_id}-vs-{compared.site_id}",
        column_config={
            "metric": st.column_config.TextColumn("metric", width="medium", pinned=True),
            **{p.name: st.column_config.TextColumn(p.name, width="medium") for p in (profile, compared)},
        },
        height=(len(profile.metrics) + 1) * 35 + 3,
    )
    st.divider()

st.header(f"What {profile.name} built")
for product in profile.products:
    with st.container(border=True):
        st.subheader(product["name"])
        st.markdown(f"{SP.status_markdown(product)} — {T.escape_markdown(product['status_note'])}")
        st.markdown(T.escape_markdown(product["description"]))
        facts = [
            f"**Themes:** {T.escape_markdown(', '.join(product['themes']))}",
            f"**Launched:** {T.escape_markdown(product['launched'] or C.NOT_FOUND)}",
            f"**License:** {T.escape_markdown(product['license'] or C.NOT_FOUND)}",
        ]
        if product["urls"]:
            facts.append(f"**Website:** {SP.links_markdown(product['urls'])}")
        if product["code"]:
            facts.append(f"**Code repositories:** {SP.links_markdown(product['code'])}")
        bullets(facts)
        if product["outcomes"]:
            st.markdown("**Reported outcomes**")
            ui.table_with_download(SP.outcome_table(product), f"outcomes-{product['id']}", column_config=OUTCOME_COLUMNS)
        st.markdown(cite(product["sources"]))

st.header("Who took part")
for kind, orgs in profile.partners.items():
    st.markdown(f"**{T.escape_markdown(kind.capitalize())}**")
    bullets(
        f"{T.markdown_link(x['name'], x['url'])}"
        + (f" — {T.escape_markdown(x['role'])}" if x["role"] else "")
        + f" {cite(x['sources'])}"
        for x in orgs
    )
if profile.relationships:
    with st.expander(f"How they were connected ({len(profile.relationships)} documented ties)"):
        bullets(f"{T.escape_markdown(SP.relationship_sentence(x))} {cite(x['sources'])}" for x in profile.relationships)

st.header(f"Lessons from {profile.name}")
st.caption(
    "Grouped by the sections of the program's cross-site synthesis. “Section from source”: the source "
    "files the lesson there; “editorial tag”: the section was assigned by this atlas."
)
if profile.lessons:
    lesson_groups(profile.lessons)
else:
    st.markdown(f"No lessons specific to {T.escape_markdown(profile.name)} are recorded.")
if profile.cross_site_lessons:
    with st.expander("Lessons drawn across all sites"):
        lesson_groups(profile.cross_site_lessons)

st.header(f"Ecosystem metrics for {profile.name}")
st.caption(
    "Confidence: confirmed (two or more independent sources), single-source, or unconfirmed. "
    "Values not found in sources are shown as such, never as zero."
)
ui.table_with_download(profile.metrics, f"metrics-{profile.site_id}", height=(len(profile.metrics) + 1) * 35 + 3)

if profile.resources:
    st.header("Further reading")
    bullets(
        f"{T.markdown_link(x['title'], x['url'])} — {T.escape_markdown(x['kind'])}, {T.escape_markdown(x['publisher'])}"
        + (f", {T.escape_markdown(x['date'])}" if x["date"] else "")
        + f". {T.escape_markdown(x['summary'])} {cite(x['sources'])}"
        for x in profile.resources
    )

st.header("Sources cited on this page")
bullets(SP.source_line(row) for row in sources.to_dict("records"))

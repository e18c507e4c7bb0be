"""The app shell, run by ``app.py`` on every rerun: the catalog (or a clear list of its problems), the
pages, the global filters bound to the URL, the share link and the footer; and the one context each
page is handed.

The shell resolves the catalog and the filters once per rerun into a frozen ``PageContext``; a page
script asks for it with ``page_context()`` and never reads raw session state for them.
"""

from __future__ import annotations

import contextlib
import gc
import html
import os
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.loading import Problem, content_digest, fingerprint, resolve_data_dir, validate, validator_fingerprint
from dashboard.data.schema import THEMES
from dashboard.data.text import CITATION_TITLE, escape_markdown, markdown_link
from dashboard.state import filters as F
from dashboard.state.links import FILTER_PARAMETERS, PAGE_SPECS, Params, canonical_query, clean_values, site_param, spellings
from dashboard.ui.address import follow_view
from dashboard.ui.anchor import follow_anchor
from dashboard.ui.blocks import show_problems
from dashboard.ui.focus import focus_on_page_change, focus_style

FILTER_KEYS = FILTER_PARAMETERS
MAX_RAW_PARAM = 10_000  # characters of one URL value kept for notices; more is cut before anything reads it


@dataclass(frozen=True)
class PageContext:
    """What every page is handed: the catalog, the global filters, the site names and the pages to link to."""

    catalog: Catalog
    filters: F.Filters
    pages: dict[str, st.Page]
    # What the page shows beyond the filters (open tab, search words, chosen theme...), as URL
    # parameters for the share link; filled by the page as it runs (``share``).
    link_state: dict[str, str] = field(default_factory=dict)

    @property
    def site_names(self) -> dict[str, str]:
        """Site id -> display name."""
        return self.catalog.site_names()

    def link_params(self, **extra: str | list[str]) -> Params:
        """Query parameters for a link to another page: only the page's own (``extra``). The global
        filters are bound to the URL in app.py and travel with every page change by themselves;
        adding them to a link would repeat them."""
        return dict(extra)

    def site_link(self, site_id: str) -> Params:
        """The parameters of a link to one site's profile."""
        return self.link_params(site=site_param(site_id, self.site_names))

    def share(self, key: str, value: str | None, default: str | None = None) -> None:
        """Let the share link carry ``key=value`` (left out when it is the default: the shortest link)."""
        if value and value != default:
            self.link_state[key] = value
        else:
            self.link_state.pop(key, None)

    def describe_filters(self) -> str:
        """A plain sentence saying what the filters keep."""
        return F.describe(self.filters, self.site_names)


_CONTEXT: ContextVar[PageContext] = ContextVar("page_context")


def page_context() -> PageContext:
    """The context the shell made for the page now running."""
    try:
        return _CONTEXT.get()
    except LookupError:
        raise RuntimeError("A page of this app runs inside app.py's shell; open it through the app's URL.") from None


@contextlib.contextmanager
def handing(context: PageContext) -> Iterator[None]:
    """Make ``context`` the one ``page_context()`` returns while the page runs."""
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


VALIDATOR = validator_fingerprint()


class _ChangedWhileRead(Exception):
    """The data files changed while they were validated: nothing is kept under the digest read before."""


@st.cache_data(persist="disk", max_entries=4, show_spinner=False)
def _validated_on_disk(data_dir: str, digest: str, validator: str) -> tuple[Catalog | None, list[Problem]]:
    # Kept by Streamlit in the server user's ~/.streamlit/cache (not the checkout) under the files' bytes and the
    # validating code's version: a restarted server reads back what the same code made of the same bytes (at 100x
    # CTDC's size, seconds instead of most of a minute); an unwritable folder keeps it in memory only.
    found = validate(data_dir)
    if content_digest(data_dir) != digest:
        raise _ChangedWhileRead(data_dir)
    return found


@st.cache_resource(max_entries=4, show_spinner=False)
def _validated(data_dir: str, stamp: str) -> tuple[Catalog | None, list[Problem]]:
    # Shared by every session (the catalog is frozen and only read): loaded once per version of the files, not copied.
    try:
        found = _validated_on_disk(data_dir, content_digest(data_dir), VALIDATOR)
    except Exception:  # noqa: BLE001 - edited while read, or a kept copy unreadable: validated afresh, in memory only
        found = validate(data_dir)
    # The catalog and the modules loaded so far live as long as the process: frozen out of the collector's reach,
    # no full collection walks them again (about half a second each here; see README, Performance).
    gc.freeze()
    return found


@st.cache_data(ttl=C.DATA_RECHECK_SECONDS, max_entries=4, show_spinner=False)
def _fingerprint(data_dir: str) -> str:
    # The files are looked at for edits at most once per interval, not on every rerun.
    return fingerprint(resolve_data_dir(data_dir))


def get_catalog() -> tuple[Catalog | None, list[Problem]]:
    """The catalog for ``$CTDC_DATA_DIR`` (or ``data/``), with the problems when it is invalid."""
    root = str(resolve_data_dir(os.environ.get(C.DATA_DIR_ENV)))
    return _validated(root, _fingerprint(root))


def require_catalog() -> Catalog:
    """The catalog, or a clear error box listing each problem and a stop."""
    catalog, problems = get_catalog()
    if catalog is None:
        show_problems(problems)
        st.stop()
    return catalog


def make_pages() -> dict[str, st.Page]:
    """The pages, made once per rerun and used for the navigation and every link."""
    return {
        spec.key: st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
        for spec in PAGE_SPECS
    }


def raw_param(key: str) -> list[str]:
    """Every value the URL holds for ``key`` (each cut to a bounded length); [] when absent or unreadable."""
    try:
        return [value[:MAX_RAW_PARAM] for value in st.query_params.get_all(key)]
    except Exception:  # noqa: BLE001 - a malformed URL must never break the page
        return []


def note_ignored(key: str, raw: list[str], allowed: list[str]) -> None:
    """A quiet notice when the URL carried values for ``key`` that are not known.

    ``raw`` must be read before the bound widget is created: the widget drops unknown values.
    """
    ignored_notice(key, clean_values(raw, allowed).ignored)


def ignored_notice(key: str, ignored: tuple[str, ...]) -> None:
    """A quiet notice listing the unknown values the URL carried for ``key`` (escaped; none: nothing)."""
    if ignored:
        st.caption(f"Ignored unknown {key} in the link: " + ", ".join(escape_markdown(repr(v)) for v in ignored[:5]))


def canonical_filter_values(raw: dict[str, list[str]], canonical: dict[str, list[str]]) -> None:
    """Before the filter widgets are made: when a link spells their values differently from the
    widgets' own form (a site by id, another case, a repeat), give the widgets the canonical values
    (a bound widget drops values it does not know, and a bound parameter can only be set through
    session state). The share link then carries the canonical form."""
    for key, values in canonical.items():
        if raw[key] and values and values != raw[key]:
            st.session_state[key] = values[-1] if key == "role" else values


def global_filters(catalog: Catalog) -> F.Filters:
    """The sidebar filters for sites, themes and role, bound to the URL (so they survive page changes
    and links reproduce them), and the view they select.

    Links may name sites by id or name and any value in any case; each is written back in the
    widget's own form (sites by name), and unknown values get a quiet notice.
    """
    names = catalog.site_names()
    options = {"sites": list(names.values()), "themes": list(THEMES), "role": list(F.ROLE_OPTIONS)}
    accepted = {"sites": spellings(names.values(), {name: site_id for site_id, name in names.items()}),
                "themes": spellings(THEMES), "role": spellings(F.ROLE_OPTIONS)}  # fmt: skip
    raw = {key: raw_param(key) for key in FILTER_KEYS}
    cleaned = {key: clean_values(raw[key], accepted[key]) for key in FILTER_KEYS}
    canonical_filter_values(raw, {key: list(cleaned[key].kept) for key in FILTER_KEYS})
    with st.sidebar:
        sites = st.multiselect("Filter by site", options["sites"], key="sites", bind="query-params", placeholder="All sites")
        themes = st.multiselect("Filter by theme", options["themes"], key="themes", bind="query-params", placeholder="All themes")
        role = st.selectbox(
            "Filter by site role (all, implementation or learning)", options["role"], key="role", bind="query-params"
        )
        for key in FILTER_KEYS:
            ignored_notice(key, cleaned[key].ignored)
    ids = {name: site_id for site_id, name in names.items()}
    return F.Filters(
        sites=tuple(ids[name] for name in sites if name in ids),
        themes=tuple(theme for theme in themes if theme in THEMES),
        role=role if role in F.ROLE_OPTIONS else F.ALL_ROLES,  # type: ignore[arg-type]
    )


MAX_SITE_LINKS = 12  # longer lists end with a count: a program of hundreds of sites lists them in its table


def site_links(context: PageContext, sites: Sequence[tuple[str, str, str]]) -> None:
    """A link to each site's profile, labelled with its name and role (``sites``: id, name, role label);
    past ``MAX_SITE_LINKS``, a line saying how many more the table lists."""
    for site_id, name, role_label in sites[:MAX_SITE_LINKS]:
        st.page_link(
            context.pages["site"], label=f"{escape_markdown(name)} ({role_label.lower()})", icon=":material/location_city:",
            query_params=context.site_link(site_id),
        )  # fmt: skip
    if len(sites) > MAX_SITE_LINKS:
        st.caption(f"…and {len(sites) - MAX_SITE_LINKS} more: the sites table and its CSV list every one.")


def url_choice(key: str, options: Sequence[str], default: str) -> str:
    """The option a link names for ``key`` (in any case; the last value when repeated), else ``default``;
    an unknown value gets a quiet notice. For page widgets, which start from the link and are not bound
    to the URL (see ``url_tabs``)."""
    raw = raw_param(key)
    cleaned = clean_values(raw[-1:], options)
    ignored_notice(key, cleaned.ignored)
    return cleaned.kept[-1] if cleaned.kept else default


def ties_switch(context: PageContext) -> str:
    """The switch that adds standing affiliations and ties of other periods to the sites' networks (off by
    default: only ties documented during CTDC count). Like the page's other choices it starts from the
    link (``ties=all``) and travels in the share link. Returns ``C.TIES_CTDC`` or ``C.TIES_ALL``."""
    on = st.toggle(
        C.TIES_SWITCH_LABEL,
        value=url_choice("ties", list(C.TIE_CHOICES), C.TIES_CTDC) == C.TIES_ALL,
        key="ties",
        help="Off: only the ties the sources date to CTDC's years (2014–2018) are drawn and counted. On: also "
        "standing affiliations (NNIP partners, Code for America brigades, institutional homes, fiscal "
        "sponsorships) and ties from before or after the program; the table of ties says when each held.",
    )
    choice = C.TIES_ALL if on else C.TIES_CTDC
    context.share("ties", choice, C.TIES_CTDC)
    return choice


def url_tabs(context: PageContext, labels: list[str], key: str, default: str | None = None) -> Sequence[Any]:
    """Tabs that open on the tab a link names (``key=``, or an older link's ``tab=``) and that the
    share link, and so the address bar, follows, computing only the open one.

    A page's tabs, like its other choices, are not bound to the URL: Streamlit writes a bound parameter
    back, and removes it when its page is left, each time with a new browser history entry, so Back
    would step through the tabs of the page just left. The address bar follows them in place instead
    (``address.follow_view``); Back and Forward take one step per page.
    """
    start = opening_tab(labels, key, default or labels[0])
    tabs = st.tabs(labels, key=key, default=start, on_change="rerun")
    context.share(key, st.session_state.get(key, start), labels[0])
    return tabs


def opening_tab(labels: list[str], key: str, default: str) -> str:
    """The tab a page opens on: the one its link names (``key=``, or an older link's ``tab=``), read on
    the tabs' first run of a visit to the page and kept while they live.

    Streamlit counts the tabs' ``default`` in their identity: were it read again on a later run, from an
    address that has since followed the view, the tabs would be new ones and the tab just chosen lost.
    """
    kept = f"opening-tab-{key}"
    if key not in st.session_state or kept not in st.session_state:  # the tabs' first run on this visit
        fallback = url_choice("tab", labels, default) if raw_param("tab") else default
        st.session_state[kept] = url_choice(key, labels, fallback)
    start: str = st.session_state[kept]
    return start


def page_address() -> str:
    """The address of the page now open, without its query ("" when unknown, e.g. in tests)."""
    try:
        base = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (e.g. in tests)
        base = ""
    base = base.split("?", 1)[0]
    if base.count("/") == 2:  # scheme://host with no path
        base += "/"
    return base


def app_root() -> str:
    """The app's root address ending in "/" (``https://host/``, or ``https://host/prefix/`` behind a proxy
    path): every page is one level below it. "" when unknown."""
    base = page_address()
    return base.rsplit("/", 1)[0] + "/" if base else ""


def view_url(context: PageContext) -> str:
    """The address of exactly this view: what the page shows so far (``PageContext.share``), then the
    filters, each once (see ``links.canonical_query``); only the query when the page's address is unknown."""
    base = page_address()
    query = view_query(context)
    return (base + ("?" + query if query else "")) or "?" + query


def view_query(context: PageContext) -> str:
    """The query of exactly this view: the page's own choices, then the filters (``links.canonical_query``)."""
    return canonical_query(dict(context.link_state), context.filters, context.site_names)


def is_embedded() -> bool:
    """Whether the app is shown in Streamlit's embed mode (``embed=true`` in its address, e.g. in an iframe)."""
    try:
        return bool(st.context.is_embedded)
    except Exception:  # noqa: BLE001 - no browser context (e.g. in tests)
        return False


def embed_title(context: PageContext, page: st.Page) -> str:
    """What an embedded view is, for its frame's title attribute: the page, the site it shows, the app."""
    site = context.link_state.get("site")
    shown = f"{page.title}: {site}" if site else page.title
    return f"{shown} · {context.catalog.program['short_name']} Atlas"


def embed_code(url: str, title: str, height: int = C.EMBED_HEIGHT) -> str:
    """An ``<iframe>`` showing the view at ``url`` in Streamlit's embed mode (``embed=true``): the page's
    width, ``height`` pixels tall, no border, loaded when scrolled to; every value escaped for HTML."""
    src = url + ("&" if "?" in url else "?") + "embed=true"
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" height="{height}" '
        'style="border: 0; max-width: 100%;" loading="lazy"></iframe>'
    )


def share_link(context: PageContext, page: st.Page) -> None:
    """A visible, copyable link to exactly this view (``view_url``), and beside it the code that embeds the
    view in another web page (``embed_code``)."""
    url = view_url(context)
    with st.sidebar:
        st.markdown("**Share this view:** copy this link; it opens this page with the same filters.")
        st.code(url, language=None, wrap_lines=True)  # wrapped: a scrolling block would not be keyboard-reachable
        # Built only while open (opening it reruns the page), like the pages' lazy expanders.
        box = st.popover("Embed this view", icon=":material/code:", width="stretch", key="embed-view", on_change="rerun")
        if box.open:
            with box:
                st.markdown(
                    "Paste this into a web page to show this view there, with the same filters and choices, "
                    "without the sidebar. Its source links open in a new tab."
                )
                st.code(embed_code(url, embed_title(context, page)), language=None, wrap_lines=True)


def footer(context: PageContext, page: st.Page, embedded: bool = False) -> None:
    """Provenance on every page: the data's as-of date, the number of sources and a link to them; in an
    embedded view, also a link opening the view in the app itself (in a new tab)."""
    if embedded:
        name = f"{context.catalog.program['short_name']} Atlas"
        st.markdown(markdown_link(f"Open this view in the {name}", view_url(context)))
    program = context.catalog.program
    names = escape_markdown(f"{program['name']} ({program['short_name']}, {program['years']}).")
    st.caption(
        f"{names} Data as of {escape_markdown(program['data_as_of'])} · {len(context.catalog.sources)} cited sources · "
        "every fact links to its source on the Library page. Figures not found in sources are "
        "shown as “not found in sources”, never as zero."
    )
    if page is not context.pages["library"]:  # there, the sources are one tab away
        st.page_link(
            context.pages["library"], label="See all sources", icon=":material/menu_book:",
            query_params=context.link_params(library_tab="Sources"),
        )  # fmt: skip


# The app's own style rules (no data in them): citation links ("[1]", titled "Source 1: ...") are tap
# targets of at least 24 by 24 px (WCAG 2.2, 2.5.8), like every other control; tables share the
# page's width between their columns and wrap long cells, so no column falls off a phone's screen.
# Printed (the browser's own print), a page is its content only: no sidebar, header or widgets (the
# interactive tables too, whose data the downloads hold), the whole page rather than the visible part,
# tables and lists unclipped and not split mid-row.
STYLE = f"""<style>
[data-testid="stMarkdownContainer"] a[title^="{CITATION_TITLE}"] {{
  display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px; text-align: center;
}}
[data-testid="stMarkdownContainer"] table {{ display: table; table-layout: fixed; width: 100%; }}
[data-testid="stMarkdownContainer"] th:first-child {{ width: 30%; }}
[data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td {{ overflow-wrap: anywhere; }}
@page {{ margin: 1.5cm; }}
@media print {{
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stElementToolbar"],
  [data-testid="stButton"], [data-testid="stDownloadButton"], [data-testid="stPageLink"], [data-testid="stPopover"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stTextInput"], [data-testid="stCheckbox"],
  [data-testid="stRadio"], [data-testid="stButtonGroup"], [data-testid="stExpander"], [data-testid="stTabs"] [role="tablist"],
  [data-testid="stDataFrame"] {{ display: none !important; }}
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    height: auto !important; overflow: visible !important; position: static !important;
  }}
  [data-testid="stMain"] {{ margin: 0 !important; }}
  [data-testid="stMainBlockContainer"] {{ max-width: none !important; padding: 0 !important; }}
  [data-testid="stMarkdownContainer"] table {{ table-layout: auto; overflow: visible; }}
  tr, li, img, [data-testid="stVegaLiteChart"] {{ break-inside: avoid; }}
  h1, h2, h3 {{ break-after: avoid; }}
}}
</style>"""
# In embed mode the sidebar (navigation, filters, share link) is not shown: the view comes from its address;
# nor is the (empty) header, which on a narrow frame would cover the top of the page; and the page's wide
# margins give way to a narrow one, the host page's frame being the margin.
EMBED_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1rem 1rem 2rem; }
</style>"""


def run_app() -> None:
    """Everything around a page: the catalog (or its problems), the global filters bound to the URL,
    navigation, the share link (which the address bar then holds), the chosen page with its context,
    and the footer. Embedded (``embed=true``), the sidebar is hidden; the footer links to the app.

    The filters are created before ``st.navigation`` so that their URL parameters are bound before
    the page is chosen and survive page changes.
    """
    embedded = is_embedded()
    st.html(STYLE + (EMBED_STYLE if embedded else ""))
    focus_style()
    catalog = require_catalog()
    pages = make_pages()
    filters = global_filters(catalog)
    page = st.navigation(list(pages.values()), position="hidden" if embedded else "sidebar")
    context = PageContext(catalog, filters, pages)
    with handing(context):
        page.run()
    if not embedded:
        share_link(context, page)  # after the page, which may write its own parameters back in canonical form
    follow_view(view_query(context), page.url_path)  # an embedded frame's too, its embed parameters kept
    focus_on_page_change(page.url_path)
    follow_anchor(page.url_path)
    footer(context, page, embedded)

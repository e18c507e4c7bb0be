"""The app shell, run by ``app.py`` on every rerun: the catalog (or a clear list of its problems), the
pages, the global filters bound to the URL, the share link and the footer; and the one context each
page is handed.

The shell resolves the catalog and the filters once per rerun into a frozen ``PageContext``; a page
script asks for it with ``page_context()`` and never reads raw session state for them.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st

from . import constants as C
from . import filters as F
from .blocks import show_problems
from .catalog import Catalog
from .links import PAGE_SPECS, Params, clean_values, filter_params
from .loading import Problem, fingerprint, resolve_data_dir, validate
from .schema import THEMES
from .text import escape_markdown

FILTER_KEYS = ("sites", "themes", "role")
MAX_RAW_PARAM = 10_000  # characters of one URL value kept for notices; more is cut before anything reads it


@dataclass(frozen=True)
class PageContext:
    """What every page is handed: the catalog, the global filters, the site names and the pages to link to."""

    catalog: Catalog
    filters: F.Filters
    pages: dict[str, st.Page]

    @property
    def site_names(self) -> dict[str, str]:
        """Site id -> display name."""
        return self.catalog.site_names()

    def link_params(self, **extra: str | list[str]) -> Params:
        """Query parameters for a link to another page: ``extra`` first, then the global filters."""
        return {**extra, **filter_params(self.filters, self.site_names)}

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


@st.cache_resource(max_entries=4, show_spinner=False)
def _validated(data_dir: str, stamp: str) -> tuple[Catalog | None, list[Problem]]:
    # Shared by every session (the catalog is frozen and only read), so it is loaded once per
    # version of the files instead of being copied for each caller.
    return validate(data_dir)


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
    ignored = clean_values(raw, allowed).ignored
    if ignored:
        st.caption(f"Ignored unknown {key} in the link: " + ", ".join(escape_markdown(repr(v)) for v in ignored[:5]))


def global_filters(catalog: Catalog) -> F.Filters:
    """The sidebar filters for sites, themes and role, bound to the URL (so they survive page changes
    and links reproduce them), and the view they select."""
    names = catalog.site_names()
    raw = {key: raw_param(key) for key in FILTER_KEYS}
    with st.sidebar:
        # The options are the site names, so links carry readable names (``?sites=St.+Louis``).
        sites = st.multiselect("Filter by site", list(names.values()), key="sites", bind="query-params", placeholder="All sites")
        themes = st.multiselect("Filter by theme", list(THEMES), key="themes", bind="query-params", placeholder="All themes")
        role = st.selectbox(
            "Filter by site role (all, implementation or learning)",
            list(F.ROLE_OPTIONS),
            key="role",
            bind="query-params",
        )
        note_ignored("sites", raw["sites"], list(names.values()))
        note_ignored("themes", raw["themes"], list(THEMES))
        note_ignored("role", raw["role"], list(F.ROLE_OPTIONS))
    ids = {name: site_id for site_id, name in names.items()}
    return F.Filters(
        sites=tuple(ids[name] for name in sites if name in ids),
        themes=tuple(theme for theme in themes if theme in THEMES),
        role=role if role in F.ROLE_OPTIONS else F.ALL_ROLES,  # type: ignore[arg-type]
    )


def share_link() -> None:
    """A visible, copyable link to exactly this view."""
    try:
        base = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (e.g. in tests)
        base = ""
    base = base.split("?", 1)[0]
    if base.count("/") == 2:  # scheme://host with no path
        base += "/"
    query = urllib.parse.urlencode([(k, v) for k in st.query_params.keys() for v in st.query_params.get_all(k)], doseq=True)
    url = (base + ("?" + query if query else "")) or "?" + query
    with st.sidebar:
        st.markdown("**Share this view:** copy this link; it opens this page with the same filters.")
        st.code(url, language=None, wrap_lines=True)  # wrapped: a scrolling block would not be keyboard-reachable


def footer(context: PageContext) -> None:
    """Provenance on every page: the data's as-of date, the number of sources and a link to them."""
    program = context.catalog.program
    names = escape_markdown(f"{program['name']} ({program['short_name']}, {program['years']}).")
    st.caption(
        f"{names} Data as of {escape_markdown(program['data_as_of'])} · {len(context.catalog.sources)} cited sources · "
        "every fact links to its source on the Library page. Figures not found in sources are "
        "shown as “not found in sources”, never as zero."
    )
    st.page_link(
        context.pages["library"], label="See all sources", icon=":material/menu_book:", query_params=context.link_params()
    )


def run_app() -> None:
    """Everything around a page: the catalog (or its problems), the global filters bound to the URL,
    navigation, the share link, the chosen page with its context, and the footer.

    The filters are created before ``st.navigation`` so that their URL parameters are bound before
    the page is chosen and survive page changes.
    """
    catalog = require_catalog()
    pages = make_pages()
    filters = global_filters(catalog)
    page = st.navigation(list(pages.values()))
    share_link()
    context = PageContext(catalog, filters, pages)
    with handing(context):
        page.run()
    footer(context)

"""Shared Streamlit UI: the cached catalog, global filters bound to the URL, footer, tables and downloads.

This module and the page modules in ``dashboard.screens`` are the only ones that talk to
Streamlit; everything they show comes from the package's pure functions.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import types
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from . import constants as C
from . import filters as F
from .data import Catalog, Problem, resolve_data_dir, validate
from .export import display_frame, safe_csv
from .text import escape_markdown, section_markdown
from .schema import THEMES

FILTER_KEYS = ("sites", "themes", "role")
T = TypeVar("T")


def _fingerprint(root: Path) -> str:
    """File names, modification times and sizes in one string: edits to the data refresh the cache.

    One string, because Streamlit hashes cache keys on every call and nested tuples cost more.
    """
    out = []
    for name in (C.PROGRAM_FILE, *C.RECORD_FILES.values()):
        try:
            stat = os.stat(root / name)
            out.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            out.append(f"{name}:missing")
    return "|".join(out)


# The catalog is frozen and only read, so every session shares one object (``cache_resource``)
# instead of unpickling a copy on every call (``cache_data``), which cost more than a whole page.
@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_validate(data_dir: str, fingerprint: str) -> tuple[Catalog | None, list[Problem]]:
    return validate(data_dir)


MEMO_SIZE = 512
# One store for the whole server process, like ``st.cache_resource``, but without its per-call
# hashing: pages make hundreds of memo calls per rerun.
_MEMO_STORE: OrderedDict = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _memo_key(value: Any) -> tuple[Any, list[Any]]:
    """A hashable key for one argument, and the objects keyed by identity (kept to verify hits)."""
    if isinstance(value, (list, tuple)):
        parts = [_memo_key(v) for v in value]
        return (type(value).__name__, tuple(p[0] for p in parts)), [r for p in parts for r in p[1]]
    try:
        hash(value)
    except TypeError:
        return ("id", id(value)), [value]
    return ("value", value), []


def memo(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args)`` computed once per distinct arguments and shared by every rerun and session.

    For the package's pure builders: the catalog (cached once) and frozen filters are keyed by
    identity and value; results must be treated as read-only. Other unhashable arguments are
    keyed by identity, which is stable when they come from an earlier ``memo`` call.
    """
    parts = [_memo_key(a) for a in args] + [_memo_key((k, v)) for k, v in sorted(kwargs.items())]
    key = (fn.__module__, fn.__qualname__, tuple(p[0] for p in parts))
    refs = [r for p in parts for r in p[1]]
    store, lock = _MEMO_STORE, _MEMO_LOCK
    with lock:
        hit = store.get(key)
        if hit is not None and len(hit[0]) == len(refs) and all(a is b for a, b in zip(hit[0], refs)):
            store.move_to_end(key)
            return hit[1]
    result = fn(*args, **kwargs)
    with lock:
        store[key] = (refs, result)
        while len(store) > MEMO_SIZE:
            store.popitem(last=False)
    return result


_RECENT: dict[str, tuple[float, tuple[Catalog | None, list[Problem]]]] = {}


def get_catalog() -> tuple[Catalog | None, list[Problem]]:
    """The catalog for ``$CTDC_DATA_DIR`` (or ``data/``), cached; with the problems when invalid.

    The cached loader is asked (and the files checked for edits) at most once per
    ``DATA_RECHECK_SECONDS``: every rerun needs the catalog twice, and an edit to the data still
    shows within the interval.
    """
    root = resolve_data_dir(os.environ.get(C.DATA_DIR_ENV))
    key, now = str(root), time.monotonic()
    recent = _RECENT.get(key)
    if recent is None or now - recent[0] >= C.DATA_RECHECK_SECONDS:
        recent = _RECENT[key] = (now, _cached_validate(key, _fingerprint(root)))
    return recent[1]


def require_catalog() -> Catalog:
    """The catalog, or a clear error box listing each problem and a stop."""
    catalog, problems = get_catalog()
    if catalog is None:
        show_problems(problems)
        st.stop()
    return catalog


def show_problems(problems: list[Problem]) -> None:
    """An error box listing what is wrong with the data, one line per problem."""
    lines = "\n".join(f"- {escape_markdown(problem)}" for problem in problems[:200])
    more = f"\n\n…and {len(problems) - 200} more." if len(problems) > 200 else ""
    st.error(
        f"The data did not pass validation ({len(problems)} problem(s)). Fix the files listed below, "
        "then run `make validate`.\n\n" + lines + more,
        icon=":material/error:",
    )


def _raw_param(key: str) -> list[str]:
    try:
        return [value[: F.MAX_PARAM_LENGTH * 50] for value in st.query_params.get_all(key)]
    except Exception:  # noqa: BLE001 - a malformed URL must never break the page
        return []


def note_ignored(key: str, raw: list[str], allowed: list[str]) -> None:
    """A quiet notice when the URL carried values for ``key`` that are not known.

    ``raw`` must be read before the bound widget is created: the widget drops unknown values.
    """
    ignored = F.clean_values(raw, allowed).ignored
    if ignored:
        st.caption(f"Ignored unknown {key} in the link: " + ", ".join(escape_markdown(repr(v)) for v in ignored[:5]))


def global_filters(catalog: Catalog) -> None:
    """Sidebar widgets for sites, themes and role, bound to the URL (pages read the view with
    ``current_filters``)."""
    names = memo(F.site_names, catalog)
    raw = {key: _raw_param(key) for key in FILTER_KEYS}
    with st.sidebar:
        # The options are the site names, so links carry readable names (``?sites=St.+Louis``).
        st.multiselect("Filter by site", list(names.values()), key="sites", bind="query-params", placeholder="All sites")
        st.multiselect("Filter by theme", list(THEMES), key="themes", bind="query-params", placeholder="All themes")
        st.selectbox(
            "Filter by site role (all, implementation or learning)", list(F.ROLE_OPTIONS), key="role", bind="query-params",
        )
        note_ignored("sites", raw["sites"], list(names.values()))
        note_ignored("themes", raw["themes"], list(THEMES))
        note_ignored("role", raw["role"], list(F.ROLE_OPTIONS))


def current_filters(catalog: Catalog) -> F.Filters:
    """The global view as set by the sidebar widgets (read from session state)."""
    state = st.session_state
    ids = memo(F.site_ids_by_name, catalog)
    sites = tuple(ids[name] for name in state.get("sites", []) or [] if name in ids)
    themes = tuple(t for t in state.get("themes", []) or [] if t in THEMES)
    role = state.get("role") if state.get("role") in F.ROLE_OPTIONS else F.ALL_ROLES
    return F.Filters(sites, themes, role)


def filter_params(catalog: Catalog, filters: F.Filters) -> dict[str, list[str] | str]:
    """Query parameters that reproduce the global view (for links between pages).

    Sites travel by name, as the sites filter writes them.
    """
    params: dict[str, list[str] | str] = {}
    if filters.sites:
        names = memo(F.site_names, catalog)
        params["sites"] = [names[s] for s in filters.sites]
    if filters.themes:
        params["themes"] = list(filters.themes)
    if filters.role != F.ALL_ROLES:
        params["role"] = filters.role
    return params


def share_link() -> None:
    """A visible, copyable link to exactly this view."""
    try:
        base = st.context.url or ""
    except Exception:  # noqa: BLE001
        base = ""
    base = base.split("?", 1)[0]
    if base.count("/") == 2:  # scheme://host with no path
        base += "/"
    query = urllib.parse.urlencode(
        [(k, v) for k in st.query_params.keys() for v in st.query_params.get_all(k)], doseq=True
    )
    url = (base + ("?" + query if query else "")) or "?" + query
    with st.sidebar:
        st.markdown("**Share this view:** copy this link; it opens this page with the same filters.")
        st.code(url, language=None, wrap_lines=True)  # wrapped: a scrolling block would not be keyboard-reachable


def footer(catalog: Catalog, library: st.Page | None = None) -> None:
    """Provenance on every page: the data's as-of date, the number of sources and a link to them."""
    program = catalog.program
    names = escape_markdown(f"{program['name']} ({program['short_name']}, {program['years']}).")
    st.caption(
        f"{names} Data as of {escape_markdown(program['data_as_of'])} · {len(catalog.sources)} cited sources · "
        "every fact links to its source on the Library page. Figures not found in sources are "
        "shown as “not found in sources”, never as zero."
    )
    if library is not None:
        st.page_link(
            library, label="See all sources", icon=":material/menu_book:",
            query_params=filter_params(catalog, current_filters(catalog)),
        )


def table_with_download(frame: pd.DataFrame, name: str, *, column_config: dict | None = None, height: str | int = "auto") -> None:
    """A table of ``frame`` (lists joined) and a spreadsheet-safe CSV download of it."""
    st.dataframe(memo(arrow_table, frame), hide_index=True, column_config=column_config, height=height)
    csv_download(frame, name)


def csv_download(frame: pd.DataFrame, name: str) -> None:
    """A button downloading ``frame`` as spreadsheet-safe CSV, generated only when clicked."""
    st.download_button(
        f"Download {name} (CSV)", functools.partial(safe_csv, frame), file_name=f"{name}.csv", mime="text/csv",
        key=f"download-{name}", icon=":material/download:", on_click="ignore",
    )


def chart_block(
    title: str, takeaway: str, chart: alt.Chart, data: pd.DataFrame, name: str, alt_text: str, note: str = ""
) -> None:
    """A chart with its title, one-sentence takeaway (and an optional note on reading it), alt text (the
    chart description), and its data as a table with CSV, built when opened."""
    st.markdown(section_markdown(title, takeaway, note))
    st.vega_lite_chart(memo(vega_lite_spec, chart, alt_text), width="stretch")
    with lazy_expander(f"Data behind “{title}”", f"data-{name}") as is_open:
        if is_open:
            table_with_download(data, name)


@contextlib.contextmanager
def lazy_expander(label: str, key: str) -> Iterator[bool]:
    """An expander whose content is built only while it is open; yields whether it is open.

    Opening or closing it reruns the page, so closed expanders cost nothing on other reruns.
    """
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


class Memoized:
    """A module seen through ``memo``: its functions are computed once per distinct arguments.

    Pages write ``G = ui.Memoized(charts)`` and call ``G.year_chart(...)`` as usual; constants
    pass through unchanged.
    """

    def __init__(self, module: types.ModuleType):
        self._module = module

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if isinstance(value, types.FunctionType):
            return functools.partial(memo, value)
        return value


def vega_lite_spec(chart: alt.Chart, description: str) -> dict:
    """The chart as a Vega-Lite spec with ``description`` as its accessible name (alt text).

    Converted once per chart without re-validating it against the schema (the builders' tests
    do that), with its datasets already in the Arrow format Streamlit sends: converting them is
    most of what rendering a chart costs on each rerun.
    """
    with alt.theme.enable("none"):
        spec = chart.properties(description=description).to_dict(validate=False)
    datasets = spec.get("datasets", {})
    for name, rows in datasets.items():
        datasets[name] = dataframe_util.convert_anything_to_arrow_bytes(rows)
    return spec


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` with list cells joined, as the Arrow table ``st.dataframe`` would make of it."""
    return dataframe_util.convert_pandas_df_to_arrow_table(display_frame(frame))


def app_shell(pages: list) -> None:
    """Everything around a page: the catalog (or its problems), the global filters bound to the URL,
    navigation, the share link, the chosen page and the footer.

    The filters are created before ``st.navigation`` so that their URL parameters are bound
    before the page is chosen and survive page changes.
    """
    catalog = require_catalog()
    global_filters(catalog)
    page = st.navigation(pages)
    share_link()
    page.run()
    footer(catalog, next((p for p in pages if p.url_path == "library"), None))

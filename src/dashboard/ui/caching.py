"""Streamlit's own caches for the page builders: one result per distinct arguments, the catalog
keyed by its identity and fingerprint (instead of hashing every table), a bounded number of entries each.

A builder's result is served without copies: ``st.cache_resource`` hands every session and rerun the
same object, where ``st.cache_data`` would unpickle a fresh copy on every call (the largest cost a
warm rerun had beyond its elements). So nothing may change a result once built: the results are
frozen dataclasses of strings, tuples, chart specs and tables, and no page or builder writes into
what it is handed. pandas cannot make a table read-only (with copy-on-write, a write into a frame
whose arrays are marked read-only lands in a fresh copy inside the same frame), so a test
(tests/test_shared_results.py) runs every page and tab twice and checks that each result served is
the same object both times, unchanged. Both caches work without a running server too (then they
cache in memory for the process).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import streamlit as st

from dashboard.data.catalog import Catalog

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_ENTRIES = 64


def page_cache(max_entries: int = DEFAULT_ENTRIES) -> Callable[[F], F]:
    """Decorator: cache a page builder with ``st.cache_resource`` (no spinner), hashing a ``Catalog``
    argument by ``Catalog.cache_key``; its result, built once per distinct arguments, is served to every
    caller as it is, without a copy. Only for builders whose result nobody changes (see above), and for
    read-only, thread-safe objects such as the search index."""

    def decorate(builder: F) -> F:
        cached = st.cache_resource(max_entries=max_entries, show_spinner=False, hash_funcs={Catalog: Catalog.cache_key})(builder)
        return cast(F, cached)

    return decorate

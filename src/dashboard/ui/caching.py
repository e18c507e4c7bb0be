"""Streamlit's own caches for the page builders: one result per distinct arguments, the catalog
keyed by its identity and fingerprint (instead of hashing every table), a bounded number of entries each.

``st.cache_data`` hands every caller its own copy, so no session can change what another sees.
It works without a running server too (then it caches in memory for the process).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import streamlit as st

from dashboard.data.catalog import Catalog

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_ENTRIES = 64


def page_cache(max_entries: int = DEFAULT_ENTRIES) -> Callable[[F], F]:
    """Decorator: cache a page builder with ``st.cache_data`` (no spinner), hashing a ``Catalog``
    argument by ``Catalog.cache_key``."""

    def decorate(builder: F) -> F:
        cached = st.cache_data(max_entries=max_entries, show_spinner=False, hash_funcs={Catalog: Catalog.cache_key})(builder)
        return cast(F, cached)  # the cached function keeps the builder's signature

    return decorate


def shared_resource(max_entries: int = 4) -> Callable[[F], F]:
    """Decorator: one object per distinct arguments shared by every session (``st.cache_resource``),
    for read-only, thread-safe objects such as a search index; a ``Catalog`` is hashed by ``Catalog.cache_key``."""

    def decorate(builder: F) -> F:
        cached = st.cache_resource(max_entries=max_entries, show_spinner=False, hash_funcs={Catalog: Catalog.cache_key})(builder)
        return cast(F, cached)

    return decorate

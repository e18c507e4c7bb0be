"""Where Your ecosystem keeps maps: the process's one ledger of the uploaded maps held (``upload.result.HeldMaps``,
a resource shared by every session), and each session's one map, kept in a session-scoped resource so that it goes
as soon as the session's browser disconnects instead of with the session itself.

Streamlit keeps a disconnected session (its state included) for ``server.disconnectedSessionTTL`` seconds and lets
it go only when another session disconnects after that, so a map in session state could outlive its visitor for as
long as the server stays quiet; a session-scoped resource is dropped at the disconnect itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.upload.result import HeldMaps, MapResult


@st.cache_resource(max_entries=1, show_spinner=False)
def held_maps() -> HeldMaps:
    """The ledger of the maps held in this process (made on the first call, then the same one)."""
    return HeldMaps()


def _worth_keeping(shown: MapResult | None) -> bool:
    """A kept map is handed out again unless there is none or the server was too busy to read it."""
    return shown is not None and not shown.busy


@st.cache_resource(scope="session", max_entries=1, show_spinner=False, validate=_worth_keeping)
def session_map(key: str, _read: Callable[[], MapResult] | None) -> MapResult | None:
    """This session's map for ``key``: made by ``_read`` the first time (none without it), then the same object
    while the session stays connected; one per session (a new key replaces it)."""
    return None if _read is None else _read()

"""Where Your ecosystem keeps maps: the process's one ledger of the uploaded maps held (``upload.result.HeldMaps``,
a resource shared by every session), and each session's one map, kept in a session-scoped resource so that it goes
as soon as the session's browser disconnects instead of with the session itself.

Streamlit keeps a disconnected session (its state included) for ``server.disconnectedSessionTTL`` seconds and lets
it go only when another session disconnects after that, so a map in session state could outlive its visitor for as
long as the server stays quiet; a session-scoped resource is dropped at the disconnect itself.

The page's steps with a map live here, not in the page script: a function defined in a page script refers to that
run's globals, the map among them, which then stay until a full collection (the server runs none after each run),
and a button's callback defined there keeps them for as long as Streamlit keeps the session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Protocol

import streamlit as st

from dashboard.data.catalog import Catalog
from dashboard.data.cite import repository_url
from dashboard.network.views import EcosystemNetwork
from dashboard.upload.result import Beside, HeldMaps, MapResult, read_map
from dashboard.views import worked_example

MAP_KEY = "ecosystem_map"  # the key of the session's current map (the map itself is kept by ``session_map``)
EXAMPLE_KEY = "example"  # the worked example's key
BESIDE_KEY = "ecosystem_beside"  # (map key, site id, Beside): the comparison shown, made again when either changes


class UploadedFile(Protocol):
    """What the page reads of a file from st.file_uploader."""

    file_id: str
    name: str

    def getvalue(self) -> bytes:
        """The file's bytes."""


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


def read_upload(files: Sequence[UploadedFile], key: str, catalog: Catalog) -> MapResult:
    """Read uploaded files as a map, counted in the process's ledger (which may answer that the server is busy)."""
    with st.spinner("Reading and checking your map…"):
        return read_map([(f.name, f.getvalue()) for f in files], catalog, key, "Your ecosystem", held=held_maps())


def current_map(files: Sequence[UploadedFile], show_example: bool, catalog: Catalog) -> MapResult | None:
    """The map to show: new uploaded files (read once per upload), else the session's last upload (kept
    until removed, while the session is connected), else the worked example, else none."""
    last: str | None = st.session_state.get(MAP_KEY)
    read: Callable[[], MapResult] | None
    if files:
        key = "|".join(f.file_id for f in files)
        read = functools.partial(read_upload, files, key, catalog)
    elif last is not None and last != EXAMPLE_KEY:
        key, read = last, None  # the last upload, while the session still holds it
    elif show_example:
        key = EXAMPLE_KEY
        read = functools.partial(worked_example.example_map, catalog)  # read once, for every session
    else:
        key, read = "", None
    if key != last:
        forget_map()  # the old map goes before the new one is read: a session holds one at a time
    shown = session_map(key, read) if key else None
    if shown is None:
        forget_map()
    else:
        st.session_state[MAP_KEY] = key
    return shown


def forget_map() -> None:
    """Drop the session's map and its comparison (the "Remove it" button; no map to show)."""
    session_map.clear()
    st.session_state.pop(MAP_KEY, None)
    st.session_state.pop(BESIDE_KEY, None)


def beside_site(shown: MapResult, site: EcosystemNetwork, site_id: str, catalog: Catalog) -> Beside:
    """The map beside a CTDC site, kept in the session while neither changes (reruns do not make it again); the
    worked example's, made once for every session."""
    if shown.origin == "example":
        return worked_example.example_beside(catalog, site_id, repository_url())
    last: tuple[str, str, Beside] | None = st.session_state.get(BESIDE_KEY)
    if last is None or last[:2] != (shown.key, site_id):
        last = (shown.key, site_id, shown.beside(catalog, site, repository_url()))
        st.session_state[BESIDE_KEY] = last
    return last[2]

"""The process's one ledger of the uploaded maps its sessions hold (``upload.result.HeldMaps``), shared by every
session through Streamlit's resource cache, so Your ecosystem can refuse an upload while the server is full."""

from __future__ import annotations

import streamlit as st

from dashboard.upload.result import HeldMaps


@st.cache_resource(max_entries=1, show_spinner=False)
def held_maps() -> HeldMaps:
    """The ledger of the maps held in this process (made on the first call, then the same one)."""
    return HeldMaps()

"""The address bar holds the view: after every run, the browser's address is replaced, in place, by the
share link's query, so a copied address, a reload and the share box all give the same view.

A small component of the app's own does it, made with Streamlit's public components API
(``st.components.v2``: its script runs in the app's page, not in a frame). It calls
``history.replaceState``, which changes the current history entry without adding one: Back and
Forward move between pages, one step each, and each page's entry keeps the choices it was left with.

Binding the page's widgets to the URL (``bind="query-params"``) was measured and not used: Streamlit
writes a bound parameter back from the server, and removes it when its page is left, with
``history.pushState``, so every tab change and page change added entries and Back stepped through
views of the same page (README.md, "Links", gives the figures).
"""

from __future__ import annotations

import streamlit as st

# Runs in the browser each time the view's query or page changes. Streamlit's own parameters for an
# app embedded in another page (embed, embed_options) are kept as they are written, after the view's:
# Streamlit reads them from the address on every page change. The hash (a heading's anchor) is kept
# too: it is a place on the page, not a choice.
REPLACE_ADDRESS_JS = """
const STREAMLIT_OWN = ["embed", "embed_options"];
export default function ({ data }) {
  const own = window.location.search.slice(1).split("&").filter(
    (pair) => STREAMLIT_OWN.includes(decodeURIComponent(pair.split("=")[0]).toLowerCase())
  );
  const query = [data.query, ...own].filter(Boolean).join("&");
  const wanted = query ? "?" + query : "";
  if (window.location.search !== wanted) {
    window.history.replaceState(window.history.state, "", window.location.pathname + wanted + window.location.hash);
  }
}
"""

_replace_address = st.components.v2.component("ctdc_atlas_address_bar", js=REPLACE_ADDRESS_JS)


def follow_view(query: str, page: str) -> None:
    """Make the address bar's query ``query`` (the share link's; ``page``: the page's URL path, so the
    address is checked again on every page change) without adding a history entry."""
    with st.sidebar:
        _replace_address(data={"query": query, "page": page}, key="address-bar", height=0)

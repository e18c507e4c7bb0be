"""A link to a place on a page (an address ending in ``#anchor``, a heading's id) lands there.

Streamlit scrolls to a heading named by the address once, when the heading appears; charts and tables
drawn after it, above it or below it, then move it away (or the page was still too short to scroll).
A small component of the app's own (Streamlit's public ``st.components.v2`` API; its script runs in
the app's page) keeps the heading at the top of the view while the page settles: several times a
second it scrolls to the heading again, until neither the heading nor the page's height has moved for
a while, the reader scrolls, clicks or types, or a time limit passes. It does this once per
address: the app's later runs (a choice on the page) leave the reader where they are.
"""

from __future__ import annotations

import streamlit as st

# Milliseconds: how often the heading is scrolled to, how long the page must stay put, and the most time spent.
ANCHOR_JS = """
const STEP = 200, STILL = 1500, LIMIT = 12000;
let followed = null;
export default function () {
  const address = window.location.pathname + window.location.hash;
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id || followed === address) return;
  followed = address;
  const EVENTS = ["wheel", "touchstart", "keydown", "mousedown"];
  let last = null, still = 0, spent = 0;
  const timer = setInterval(() => {
    spent += STEP;
    const heading = document.getElementById(id);
    if (heading) {
      heading.scrollIntoView({ block: "start" });  // nothing moves when it is in place already
      const main = document.querySelector('[data-testid="stMain"]') ?? document.documentElement;
      const now = Math.round(heading.getBoundingClientRect().top) + "/" + main.scrollHeight;
      still = now === last ? still + STEP : 0;
      last = now;
    }
    if (still >= STILL || spent >= LIMIT) stop();
  }, STEP);
  const stop = () => { clearInterval(timer); for (const e of EVENTS) window.removeEventListener(e, stop, true); };
  for (const e of EVENTS) window.addEventListener(e, stop, true);
}
"""

_follow_anchor = st.components.v2.component("ctdc_atlas_follow_anchor", js=ANCHOR_JS)


def follow_anchor(page: str) -> None:
    """Keep the heading the address names in view while ``page`` (its URL path) settles after opening."""
    with st.sidebar:
        _follow_anchor(data={"page": page}, key="follow-anchor", height=0)

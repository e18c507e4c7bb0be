"""Keyboard focus you can see (WCAG 2.2: 2.4.7 focus visible, 2.4.11 focus not obscured, 1.4.11 non-text
contrast): every control that takes focus from the keyboard (navigation and page links, buttons, tabs,
expanders, select boxes and inputs, the map, tables, the skip link) draws a solid ring, a 3 px outline in
the theme's blue, 5.2:1 against white, 4.6:1 against the sidebar's grey, and 3.5:1 and 3.1:1 against
the dark theme's background and sidebar. It is an outline, so it never looks like the grey background
that marks the current page in the navigation.

The first Tab stop of every page is Streamlit's own "Skip to main content" link: it moves the focus to
the page's main area, past the navigation, the filters and the share link. After a page change (a link,
the navigation, Back) the focus moves there too, as the skip link would, so the next Tab is the new
page's first control, not a place in the middle of it or back in the sidebar. A small component of the
app's own does that (Streamlit's public ``st.components.v2`` API; its script runs in the app's page).
"""

from __future__ import annotations

import streamlit as st

from dashboard import constants as C

# A switch, check box or radio button rings its whole label (its input is hidden); a select box or a
# text or number field its whole box (its input is a part of it, in a box that cuts what is drawn
# outside it); the map its whole figure (its focused layer lies under the map's canvas, in such a box);
# a table's grid the whole grid while the focus is in it (Tab moves from cell to cell there, and the
# grid marks the cell itself). The main area, a tab and the share link's box draw the ring inside
# their edge, where no parent's overflow can cut it; every other control draws it 2 px outside. A collapsed
# sidebar (on a phone, until its button opens it) is hidden, not only moved off the screen, so its
# controls are no Tab stops the eye cannot follow; and a control the focus scrolls to stops clear of
# the page's top bar and of the window's and the sidebar's edges, its ring whole.
FOCUS_STYLE = f"""<style>
:focus-visible,
[data-testid="stDeckGlJsonChart"]:has(.deck-root :focus-visible),
[data-testid="stDataFrameResizable"]:focus-within,
label:has(input[type="checkbox"]:focus-visible),
label:has(input[type="radio"]:focus-visible),
[role="group"]:has(input[role="combobox"]:focus-visible),
[data-testid="stTextInputRootElement"]:has(input:focus-visible),
[data-testid="stNumberInputContainer"]:has(input:focus-visible) {{
  outline: {C.FOCUS_RING_PX}px solid {C.FOCUS_RING_COLOR} !important;
  outline-offset: 2px !important;
}}
.deck-root :focus-visible,
[data-testid="stDataFrameResizable"] :focus-visible,
label input:focus-visible,
input[role="combobox"]:focus-visible,
[data-testid="stTextInputRootElement"] input:focus-visible,
[data-testid="stNumberInputContainer"] input:focus-visible {{
  outline: none !important;
}}
[data-testid="stMain"]:focus-visible,
[role="tab"]:focus-visible,
[data-testid="stCode"]:focus-visible,
[data-testid="stCode"] :focus-visible {{
  outline-offset: -{C.FOCUS_RING_PX}px !important;
}}
[data-testid="stSidebar"][data-collapsed="true"] {{ visibility: hidden; }}
[data-testid="stMain"] {{ scroll-padding-block: 5rem 1rem; }}
[data-testid="stSidebarContent"] {{ scroll-padding-block: 1rem; }}
</style>"""


# Runs in the browser when the page shown changes (not on the first page of a visit, where the browser
# starts at the top and the skip link comes first). A mouse user sees no ring: a focus moved by a
# script shows it only after keyboard use.
FOCUS_MAIN_JS = """
let shown = null;
export default function ({ data }) {
  if (shown !== null && shown !== data.page) {
    document.querySelector('[data-testid="stMain"]')?.focus({ preventScroll: true });
  }
  shown = data.page;
}
"""

_focus_main = st.components.v2.component("ctdc_atlas_focus_main", js=FOCUS_MAIN_JS)


def focus_style() -> None:
    """Put the focus ring's style on the page (no data in it)."""
    st.html(FOCUS_STYLE)


def focus_on_page_change(page: str) -> None:
    """Move the keyboard focus to the main area when ``page`` (the page's URL path) is another than the
    last one shown."""
    with st.sidebar:
        _focus_main(data={"page": page}, key="focus-main", height=0)

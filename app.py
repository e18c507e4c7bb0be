"""CTDC Atlas: entry point. Page config, navigation, global filters bound to the URL, footer."""

import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parent / "src")
if SRC not in sys.path:  # the script runs again on every rerun
    sys.path.insert(0, SRC)

import streamlit as st  # noqa: E402

from dashboard import ui  # noqa: E402

st.set_page_config(page_title="CTDC Atlas", page_icon=":material/hub:", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/home:", url_path="overview", default=True),
    st.Page("views/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("views/site.py", title="Site profile", icon=":material/location_city:", url_path="site"),
    st.Page("views/themes.py", title="Themes", icon=":material/category:", url_path="themes"),
    st.Page("views/metrics.py", title="Ecosystem metrics", icon=":material/monitoring:", url_path="metrics"),
    st.Page("views/library.py", title="Library", icon=":material/menu_book:", url_path="library"),
]

ui.app_shell(PAGES)

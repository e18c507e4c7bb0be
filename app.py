"""CTDC Atlas: entry point. Page config, then the shell: navigation over the scripts in ``app_pages/``,
global filters bound to the URL, the share link, the chosen page and the footer."""

import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parent / "src")
if SRC not in sys.path:  # the script runs again on every rerun
    sys.path.insert(0, SRC)

import streamlit as st  # noqa: E402

from dashboard.ui import shell  # noqa: E402

# An emoji icon: the browser draws it itself (a Material icon would be fetched from the internet).
st.set_page_config(page_title="CTDC Atlas", page_icon="🗺️", layout="wide")
shell.run_app()

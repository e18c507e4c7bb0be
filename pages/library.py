"""Library: the program's resources, every cited source, the data dictionary and downloads."""

import streamlit as st

from dashboard import ui

catalog = ui.require_catalog()

st.title("Library")
st.subheader("Sources")
st.markdown("Every fact in the dataset cites one or more of these public documents.")
ui.table_with_download(
    catalog.sources[["id", "title", "publisher", "date", "kind", "url", "note"]],
    "sources",
    column_config={"url": st.column_config.LinkColumn("url")},
)

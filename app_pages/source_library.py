"""Library: the program's resources, every cited source, the data dictionary and downloads."""

import functools

import streamlit as st

from dashboard import constants as C
from dashboard.data import cite, export, linkcheck
from dashboard.ui.blocks import lazy_expander, table_with_download
from dashboard.ui.shell import app_root, page_context, url_tabs
from dashboard.views import library

context = page_context()
catalog = context.catalog
# Rows of three lines, so long titles, addresses and notes wrap within columns wide enough to read them.
TEXT_COLUMNS = {
    name: st.column_config.TextColumn(name, width=width)
    for name, width in {"title": 280, "publisher": 200, "date": 130, "summary": 400, "note": 400}.items()
}
# A link cannot wrap: its column fits most addresses whole, shown without "https://" and "www.".
LINK_COLUMN = {**TEXT_COLUMNS, "url": st.column_config.LinkColumn("url", width=560, display_text=r"^https?://(?:www\.)?(.*)$")}
SOURCE_COLUMNS = {
    **LINK_COLUMN,
    "archive": st.column_config.LinkColumn("archive", display_text=linkcheck.ARCHIVE_LABEL, help=linkcheck.ARCHIVE_TITLE),
}

st.title("Library")
st.markdown(
    "The publications the program produced, every public source the dataset cites, what each "
    "data field means, and the whole dataset to download."
)
with st.expander("How to cite", icon=":material/format_quote:"):
    citing = library.cite_view(catalog)
    st.markdown(citing.intro)
    st.code(citing.apa, language=None, wrap_lines=True)
    st.code(citing.bibtex, language="latex")
    st.markdown(citing.corrections)

# A link opens the tab it names (?library_tab=...), and only the open tab is computed.
resources_tab, sources_tab, dictionary_tab, download_tab = url_tabs(
    context, ["Resources", "Sources", "Data dictionary", "Download the data"], "library_tab"
)

with resources_tab:
    if resources_tab.open:
        resources = library.resources_view(catalog, context.filters, cite.repository_url())
        st.caption(resources.caption)
        st.markdown(resources.markdown)
        with lazy_expander("The resources as a table", "data-resources") as is_open:
            if is_open:
                table_with_download(resources.table, "resources", column_config=LINK_COLUMN, row_height=C.WRAPPED_ROW_PX)

with sources_tab:
    if sources_tab.open:
        st.markdown(
            "Every fact in the dataset cites one or more of these public documents. Ids starting "
            "`ctdc-s`, `eco-` and `acs-` follow the project's three numbered source lists. Beside each link, "
            "*search the archive* opens the Internet Archive's Wayback Machine near the source's date: a "
            "search that goes to the nearest capture, not a copy we have checked."
        )
        sources = library.sources_view(catalog, cite.repository_url())
        st.caption(sources.caption)
        table_with_download(sources.table, "sources", column_config=SOURCE_COLUMNS, row_height=C.WRAPPED_ROW_PX)

with dictionary_tab:
    if dictionary_tab.open:
        st.markdown(
            "What each data field means, generated from the schema the validator enforces, by the file names of "
            "the download: each CSV holds one table of the dataset (`metrics.csv` also holds the census figures). "
            "Dates keep the precision the source gives; values not found in sources are "
            "empty (null), never zero."
        )
        table_with_download(library.dictionary_table(), "data-dictionary")

with download_tab:
    if download_tab.open:
        st.markdown(
            "The whole dataset, not only the filtered view: one CSV per table in a zip with a Frictionless "
            "Data Package descriptor (`datapackage.json`: each column's type and meaning, the keys between "
            "tables, the licence and the sources), or one JSON document. Text that a spreadsheet would run "
            "as a formula is prefixed with a quote."
        )
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in catalog.counts().items())
        st.caption(f"Contains {counts}. Data as of {catalog.program['data_as_of']}.")
        st.download_button(
            "Download all tables (CSV zip)",
            functools.partial(export.catalog_zip, catalog),
            file_name=C.EXPORT_ZIP,
            mime="application/zip",
            icon=":material/folder_zip:",
            on_click="ignore",
        )
        st.download_button(
            "Download the dataset (JSON)",
            functools.partial(export.catalog_json, catalog),
            file_name=C.EXPORT_JSON,
            mime="application/json",
            icon=":material/data_object:",
            on_click="ignore",
        )
        st.markdown(
            "## Read the data from its address\n\n"
            "Every table also has a fixed address, as CSV (spreadsheet-safe, like the downloads) and as JSON (a "
            "list of records: lists stay lists, values not found in sources are null), so a notebook, a "
            "spreadsheet or another site can read it directly. The addresses stay the same; their content "
            "changes only when the dataset does."
        )
        addresses = library.data_urls_view(catalog, app_root())
        for label, code in addresses.examples:
            st.markdown(label)
            # Plain (highlighted strings fall below 4.5:1 contrast) and wrapped (a scrolling block is not keyboard-reachable).
            st.code(code, language=None, wrap_lines=True)
        st.markdown(addresses.markdown)

"""Overview: what the program was, its headline figures and where to start."""

import streamlit as st

from dashboard import filters as F
from dashboard import metrics as M
from dashboard import ui

catalog = ui.require_catalog()
view = ui.current_filters(catalog)
program = catalog.program

st.title(f"{program['short_name']} Atlas")
st.markdown(f"**{program['name']} ({program['years']})**")
st.markdown(program["summary"])

sites = F.filter_sites(catalog, view)
st.caption(F.describe(view, F.site_names(catalog)))
kpis = M.overview_kpis(catalog, sites)
columns = st.columns(4)
for index, kpi in enumerate(kpis):
    columns[index % 4].metric(kpi.label, kpi.value, help=kpi.help, border=True)

"""Everything that talks to Streamlit, and nothing else does (ruff's banned-API rule TID251 keeps it
so): the app shell (context, navigation, filters bound to the URL, share link, footer), the page's
own URL choices, shared page blocks (tables with downloads, charts, lazy sections) and the caches."""

"""The app's pages: each module draws one page with ``render()``, wiring the catalog, the
builders and the shared UI together. The scripts in ``views/`` registered with ``st.navigation``
call them."""

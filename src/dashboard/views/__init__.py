"""One builder per page: plain, cached functions that take the catalog and the filters and return
what a page shows (frames, chart views, Markdown). Page scripts in ``app_pages/`` only wire them."""

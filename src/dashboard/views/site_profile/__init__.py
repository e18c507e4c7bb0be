"""The Site profile page: one site's record assembled from the catalog, and its Markdown."""

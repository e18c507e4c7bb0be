"""Your ecosystem's worked example (Riverbend, a fictional city): read, checked and measured once per catalog
and served to every session, since its files never change (an upload stays in its own session)."""

from __future__ import annotations

from dashboard.data.catalog import Catalog
from dashboard.ui.caching import page_cache
from dashboard.upload import example
from dashboard.upload.result import MapResult, read_map


@page_cache(max_entries=1)
def example_map(catalog: Catalog) -> MapResult:
    """The worked example read like an upload and measured, its network drawn beside the catalog's sites."""
    return read_map(example.example_files(), catalog, "example", example.EXAMPLE_NAME, "example")

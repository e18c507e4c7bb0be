"""Your ecosystem's worked example (Riverbend, a fictional city): read, checked and measured once per catalog,
and set beside each CTDC site once, for every session, since its files never change (an upload and its
comparisons stay in their own session)."""

from __future__ import annotations

from dashboard.data.catalog import Catalog
from dashboard.network.views import site_network
from dashboard.ui.caching import page_cache
from dashboard.upload import example
from dashboard.upload.result import Beside, MapResult, read_map


@page_cache(max_entries=1)
def example_map(catalog: Catalog) -> MapResult:
    """The worked example read like an upload and measured, its network drawn beside the catalog's sites."""
    return read_map(example.example_files(), catalog, "example", example.EXAMPLE_NAME, "example")


@page_cache(max_entries=16)
def example_beside(catalog: Catalog, site_id: str, repository: str | None) -> Beside:
    """The worked example beside a CTDC site: the measures side by side and the mapping questions for both (with a
    ``repository``, each question's editorial links offer a correction)."""
    site = site_network(catalog, site_id, repository=repository)
    return example_map(catalog).beside(catalog, site, repository)

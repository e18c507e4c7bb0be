"""Unit tests of the headline figures on the Overview."""

from __future__ import annotations

from dashboard.state import filters
from dashboard.views import overview


def test_overview_counts_follow_the_sites(catalog):
    everything = overview.overview_counts(catalog)
    assert everything == {"products": 7, "organizations": 47, "lessons": 38, "resources": 35, "sources": len(catalog.sources)}
    boston = overview.overview_counts(catalog, filters.filter_sites(catalog, filters.Filters(sites=("boston",))))
    assert boston["products"] == 1
    assert boston["sources"] == everything["sources"]
    assert boston["lessons"] < everything["lessons"]
    assert boston["resources"] < everything["resources"]


def test_overview_kpis_for_learning_sites(catalog):
    kpis = {
        k.label: k.value for k in overview.overview_kpis(catalog, filters.filter_sites(catalog, filters.Filters(role="learning")))
    }
    learning = {"cleveland", "pittsburgh", "san-antonio", "seattle-king-county"}
    partners = sum(1 for sites in catalog.organizations["sites"] if learning.intersection(sites))
    assert kpis == {
        "Implementation sites": "0",
        "Learning sites": "4",
        "Total granted": "$40,000",
        "Products": "4",
        "Partners": str(partners),
    }
    assert 0 < partners < len(catalog.organizations)

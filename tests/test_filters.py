"""Unit tests of the global filters: site names and ids, cleaning URL values, narrowing, the description."""

from __future__ import annotations

from dashboard.state import filters, links


def test_site_names_follow_the_catalog_order(catalog):
    names = catalog.site_names()
    assert list(names) == list(catalog.sites["id"])
    assert len(set(names.values())) == 7
    assert names["st-louis"] == "St. Louis"


def test_clean_values_keeps_known_values_once_and_reports_the_rest():
    cleaned = links.clean_values(["Boston", "x" * 500, "", "Boston", "Cleveland"], ["Boston", "Cleveland"])
    assert cleaned.kept == ("Boston", "Cleveland")
    assert cleaned.ignored == ("x" * 39 + "…",)  # empty values are dropped silently


def test_role_and_sites_narrow_the_sites(catalog):
    assert filters.selected_site_ids(catalog, filters.Filters(role="learning")) == [
        "cleveland",
        "pittsburgh",
        "san-antonio",
        "seattle-king-county",
    ]
    assert filters.selected_site_ids(catalog, filters.Filters(sites=("boston", "cleveland"), role="implementation")) == ["boston"]
    assert filters.describe(filters.Filters(), catalog.site_names()) == "Showing all sites and themes."
    assert filters.describe(filters.Filters(sites=("st-louis",), themes=("justice",)), catalog.site_names()) == (
        "Filtered to sites: St. Louis; themes: justice."
    )


def test_the_sites_in_view_keep_the_catalogs_order_and_read_its_roles_once(catalog):
    assert filters.selected_site_ids(catalog, filters.Filters()) == catalog.sites["id"].tolist()
    assert filters.selected_site_ids(catalog, filters.Filters(sites=("st-louis", "boston"))) == ["boston", "st-louis"]
    assert catalog.site_roles() == dict(zip(catalog.sites["id"], catalog.sites["role"]))
    assert set(catalog.site_roles().values()) == {"learning", "implementation"}
    assert catalog.site_roles() is not catalog.site_roles()  # a new dict for each caller

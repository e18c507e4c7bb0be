"""Unit tests of the global filters: site names and ids, cleaning URL values, narrowing, the description."""

from __future__ import annotations

from dashboard import filters as F


def test_site_names_and_ids_are_inverse(catalog):
    names = F.site_names(catalog)
    ids = F.site_ids_by_name(catalog)
    assert list(names) == list(catalog.sites["id"]) and len(ids) == len(names) == 7
    assert all(ids[name] == site for site, name in names.items())
    assert ids["St. Louis"] == "st-louis"


def test_clean_values_keeps_known_values_once_and_reports_the_rest():
    cleaned = F.clean_values(["Boston", "x" * 500, "", "Boston", "Cleveland"], ["Boston", "Cleveland"])
    assert cleaned.kept == ("Boston", "Cleveland")
    assert cleaned.ignored == ("x" * 39 + "…",)  # empty values are dropped silently


def test_role_and_sites_narrow_the_sites(catalog):
    assert F.selected_site_ids(catalog, F.Filters(role="learning")) == ["cleveland", "pittsburgh", "san-antonio", "seattle-king-county"]
    assert F.selected_site_ids(catalog, F.Filters(sites=("boston", "cleveland"), role="implementation")) == ["boston"]
    assert F.describe(F.Filters(), F.site_names(catalog)) == "Showing all sites and themes."
    assert F.describe(F.Filters(sites=("st-louis",), themes=("justice",)), F.site_names(catalog)) == (
        "Filtered to sites: St. Louis; themes: justice."
    )

"""The shipped dataset: schema, integrity, provenance and coverage."""

from __future__ import annotations

import dataclasses
import re

import pytest

import pandas as pd

from conftest import DATA_DIR, run_cli
from dashboard.catalog import Catalog
from dashboard.schema import CATALOG_TABLES
from dashboard.schema import LESSON_SECTIONS, PRODUCT_STATUSES, RELATIONSHIP_KINDS
from dashboard import constants
from dashboard import schema

SITE_IDS = {"boston", "st-louis", "washington-dc", "cleveland", "pittsburgh", "san-antonio", "seattle-king-county"}
IMPLEMENTATION = {"boston", "st-louis", "washington-dc"}


def test_shipped_data_validates_with_a_one_line_summary():
    result = run_cli("validate", str(DATA_DIR))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK: ") and "7 sites" in lines[0]


def test_catalog_is_frozen_dataframes(catalog: Catalog):
    for name in CATALOG_TABLES:
        assert isinstance(getattr(catalog, name), pd.DataFrame), name
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.sites = None  # type: ignore[misc]


def test_seven_sites_with_roles_and_grants(catalog: Catalog):
    sites = catalog.sites.set_index("id")
    assert set(sites.index) == SITE_IDS
    assert set(sites[sites["role"] == "implementation"].index) == IMPLEMENTATION
    assert (sites.loc[list(IMPLEMENTATION), "grant_usd"] == 200_000).all()
    assert (sites.loc[list(SITE_IDS - IMPLEMENTATION), "grant_usd"] == 10_000).all()
    assert sites["grant_usd"].sum() == 640_000
    assert sites["lat"].between(24, 50).all() and sites["lon"].between(-125, -66).all()


def test_every_record_cites_a_source_that_resolves(catalog: Catalog):
    source_ids = set(catalog.sources["id"])
    for name in CATALOG_TABLES:
        frame = getattr(catalog, name)
        if name == "sources":
            continue
        for row in frame.itertuples():
            assert len(row.sources) >= 1, (name, row.id)
            assert set(row.sources) <= source_ids, (name, row.id)
    assert set(catalog.program["sources"]) <= source_ids


def test_every_url_is_http(catalog: Catalog):
    urls = list(catalog.sources["url"]) + list(catalog.resources["url"])
    for product in catalog.products.itertuples():
        urls += list(product.urls) + list(product.code)
    urls += [u for u in catalog.organizations["url"] if isinstance(u, str)]
    assert urls and all(re.match(r"^https?://", u) for u in urls)


def test_implementation_products_have_outcomes_and_status(catalog: Catalog):
    products = catalog.products
    for site in IMPLEMENTATION:
        mine = products[products["site"] == site]
        assert len(mine) >= 1, site
        assert mine["status"].isin(PRODUCT_STATUSES).all()
        assert mine["status_as_of"].str.match(r"^\d{4}").all()
        assert catalog.outcomes["product"].isin(mine["id"]).any(), site
    names = set(products["name"])
    assert {"YourSTLCourts", "Housing Insights"} <= names


def test_partners_and_lessons_for_every_site(catalog: Catalog):
    for site in SITE_IDS:
        assert catalog.organizations["sites"].map(lambda s: site in s).any(), site
        assert (catalog.lessons["site"] == site).any(), site
    assert (catalog.lessons["site"] == schema.CROSS_SITE).any()
    assert catalog.lessons["section"].isin(LESSON_SECTIONS).all()


def test_resources_cover_the_program_products(catalog: Catalog):
    kinds = catalog.resources["kind"].value_counts()
    assert kinds.get("synthesis", 0) >= 1
    assert kinds.get("guide", 0) >= 1
    assert kinds.get("case study", 0) == 3
    assert kinds.get("toolkit", 0) >= 1
    assert kinds.get("blog", 0) >= 1
    titles = " ".join(catalog.resources["title"])
    assert "Collaborating for 21st Century Solutions" in titles
    assert "Ecosystem Mapping" in titles


def test_metric_set_covers_all_seven_sites(catalog: Catalog):
    metrics = catalog.metrics
    for metric in catalog.metric_definitions["id"]:
        rows = metrics[metrics["metric"] == metric]
        assert set(rows["site"]) == SITE_IDS, metric
    unknown = metrics[metrics["value"].isna()]
    assert (unknown["confidence"] == "unconfirmed").all()
    assert not (metrics["value"].map(lambda v: v == 0)).any(), "unknown values must be null, not zero"


def test_census_context_is_one_vintage_for_all_sites(catalog: Catalog):
    census = catalog.metrics[catalog.metrics["metric"].isin(
        ["population", "median_household_income_usd", "poverty_rate_pct", "unemployment_rate_pct"])]
    assert len(census) == 28
    assert set(census["vintage"]) == {constants.CENSUS_VINTAGE}
    assert census["value"].notna().all()
    boston = census[(census["site"] == "boston") & (census["metric"] == "population")]
    assert boston["value"].iloc[0] == 663972


def test_relationships_connect_known_actors(catalog: Catalog):
    actors = set(catalog.organizations["id"]) | set(catalog.national_partners["id"])
    assert set(catalog.relationships["source"]) <= actors
    assert set(catalog.relationships["target"]) <= actors
    assert catalog.relationships["kind"].isin(RELATIONSHIP_KINDS).all()


def test_data_readme_documents_every_schema_field():
    """The human-facing spec in data/README.md names every field the schema has."""
    from dashboard.dictionary import data_dictionary

    paragraphs = (DATA_DIR / "README.md").read_text().split("\n\n")
    for row in data_dictionary().itertuples():
        described = [p for p in paragraphs if p.startswith("`") and f"`{row.file}`" in p.split(":", 1)[0]]
        assert described, f"{row.file} not described in data/README.md"
        assert f"`{row.field}`" in described[0], f"{row.file}: field {row.field} not documented"


def test_missing_optional_text_is_none_not_nan(catalog: Catalog):
    assert catalog.products.set_index("id").loc["yourstlcourts", "license"] is None
    undated = catalog.resources[catalog.resources["date"].isna()]
    assert len(undated) and all(value is None for value in undated["date"])

"""The shipped dataset: schema, integrity, provenance and coverage."""

from __future__ import annotations

import dataclasses
import re
import urllib.parse

import pandas as pd
import pytest
import yaml

from conftest import DATA_DIR, run_cli
from dashboard import constants
from dashboard.data import census, schema
from dashboard.data.catalog import Catalog
from dashboard.data.dictionary import data_dictionary
from dashboard.data.schema import (
    CATALOG_TABLES,
    LESSON_SECTIONS,
    PRODUCT_STATUSES,
    RELATIONSHIP_KIND_MEANINGS,
    RELATIONSHIP_KINDS,
    TIE_PERIOD_MEANINGS,
    TIE_PERIODS,
)

SITE_IDS = {"boston", "st-louis", "washington-dc", "cleveland", "pittsburgh", "san-antonio", "seattle-king-county"}
IMPLEMENTATION = {"boston", "st-louis", "washington-dc"}


def test_shipped_data_validates_with_a_one_line_summary():
    result = run_cli("validate", str(DATA_DIR))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("OK: ")
    assert "7 sites" in lines[0]


def test_catalog_is_frozen_tables_with_a_column_per_schema_field_and_a_row_per_record(catalog: Catalog):
    records = {table.name: len(yaml.safe_load((DATA_DIR / table.file).read_text(encoding="utf-8"))) for table in schema.TABLES}
    records["metrics"] += records.pop("census")  # census rows join the metrics table
    for name in CATALOG_TABLES:
        frame = catalog.table(name)
        expected = list(schema.TABLES_BY_NAME[name].model.model_fields)
        if name == "metrics":  # census rows join the metrics table with their provenance fields
            expected += [f for f in schema.TABLES_BY_NAME["census"].model.model_fields if f not in expected]
        assert list(frame.columns) == expected, name
        assert len(frame) == records[name], name
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.sites = None  # type: ignore[misc]


def test_seven_sites_with_roles_and_grants(catalog: Catalog):
    sites = catalog.sites.set_index("id")
    assert set(sites.index) == SITE_IDS
    assert set(sites[sites["role"] == "implementation"].index) == IMPLEMENTATION
    assert (sites.loc[list(IMPLEMENTATION), "grant_usd"] == 200_000).all()
    assert (sites.loc[list(SITE_IDS - IMPLEMENTATION), "grant_usd"] == 10_000).all()
    assert sites["grant_usd"].sum() == 640_000
    assert sites["lat"].between(24, 50).all()
    assert sites["lon"].between(-125, -66).all()


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
    assert urls
    assert all(re.match(r"^https?://", u) for u in urls)


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
        assert catalog.organizations["sites"].map(lambda s, site=site: site in s).any(), site
        assert (catalog.lessons["site"] == site).any(), site
    assert (catalog.lessons["site"] == schema.CROSS_SITE).any()
    assert catalog.lessons["section"].isin(LESSON_SECTIONS).all()


def test_resources_cover_the_program_products(catalog: Catalog):
    kinds = catalog.resources["kind"].value_counts()
    assert kinds.get("synthesis", 0) >= 1
    assert kinds.get("guide", 0) >= 1
    case_studies = set(catalog.resources.loc[catalog.resources["kind"] == "case study", "id"])
    assert {"case-study-boston", "case-study-st-louis", "case-study-washington-dc"} <= case_studies
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
    census = catalog.metrics[
        catalog.metrics["metric"].isin(["population", "median_household_income_usd", "poverty_rate_pct", "unemployment_rate_pct"])
    ]
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


def test_every_tie_kind_and_period_says_what_it_means():
    assert list(RELATIONSHIP_KIND_MEANINGS) == list(RELATIONSHIP_KINDS)
    assert list(TIE_PERIOD_MEANINGS) == list(TIE_PERIODS)
    assert "hosted" not in RELATIONSHIP_KINDS  # split into what it meant: an institutional home, an event host
    rows = data_dictionary().set_index(["file", "field"])
    for field, meanings in (("kind", RELATIONSHIP_KIND_MEANINGS), ("period", TIE_PERIOD_MEANINGS)):
        allowed = rows.loc[("relationships.yaml", field), "allowed values"]
        for value, meaning in meanings.items():
            assert len(meaning.split()) >= 5, value
            assert f"{value} ({meaning})" in allowed, value
    assert rows.loc[("relationships.yaml", "period_basis"), "required"]


def test_every_tie_says_when_it_held_and_what_dates_it(catalog: Catalog):
    ties = catalog.relationships
    assert ties["period"].isin(TIE_PERIODS).all()
    assert ties["period_basis"].map(lambda text: isinstance(text, str) and len(text.split()) >= 6).all()
    # A membership of a network is an affiliation, never counted as work done in the program.
    members = ties[ties["kind"] == "member of"]
    assert set(members["period"]) == {"standing", "before"}
    assert members["target"].isin(["nnip", "code-for-america"]).sum() == 15  # 8 NNIP partners, 7 brigades
    assert ties.set_index("id").loc["boston-foundation-member-of-nnip", "period"] == "before"  # 1996 material
    # No source documents work done during CTDC at these learning sites: their ties are affiliations.
    for site in ("cleveland", "pittsburgh", "seattle-king-county"):
        assert set(ties[ties["site"] == site]["period"]) == {"standing"}, site


def test_st_louis_ties_say_what_their_sources_say(catalog: Catalog):
    ties = catalog.relationships.set_index("id")
    started = ties.loc["rise-co-initiated-opendatastl"]
    assert started["kind"] == "co-initiated"
    assert "initiated by" in started["note"]
    work = ties.loc["opendatastl-initiated-civtech-st-louis"]
    assert set(work["sources"]) == {"ctdc-s16", "ctdc-s67", "ctdc-s69"}
    assert work["period"] == "ctdc"
    assert not ties.index.str.contains("hosted").any()


def test_data_readme_documents_every_schema_field():
    """The human-facing spec in data/README.md names every field the schema has."""
    from dashboard.data.dictionary import data_dictionary

    paragraphs = (DATA_DIR / "README.md").read_text().split("\n\n")
    for row in data_dictionary().itertuples():
        described = [p for p in paragraphs if p.startswith("`") and f"`{row.file}`" in p.split(":", 1)[0]]
        assert described, f"{row.file} not described in data/README.md"
        assert f"`{row.field}`" in described[0], f"{row.file}: field {row.field} not documented"


def test_missing_optional_text_is_none_not_nan(catalog: Catalog):
    assert catalog.products.set_index("id").loc["yourstlcourts", "license"] is None
    undated = catalog.resources[catalog.resources["date"].isna()]
    assert len(undated)
    assert all(value is None for value in undated["date"])


# Hosts that copy Wikipedia articles: a source should link the canonical article instead.
WIKIPEDIA_MIRRORS = (
    "clateway.com",
    "cydlabs.com",
    "kiwix",
    "wikimili.com",
    "nearbywiki.org",
    "piglix.com",
    "wikiwand.com",
    "wikizero.com",
    "akarinohon.com",
    "movatter.jp",
    "the-uncensored-wiki.com",
    "knowledger.de",
    "osmarks.net",
)


def test_no_source_links_a_wikipedia_mirror_or_a_non_english_wikipedia(catalog: Catalog):
    for source in catalog.sources.itertuples():
        host = urllib.parse.urlsplit(source.url).hostname or ""
        assert not any(mirror in source.url for mirror in WIKIPEDIA_MIRRORS), (source.id, source.url)
        if host.endswith("wikipedia.org"):
            assert host == "en.wikipedia.org", (source.id, source.url)
            assert source.publisher == "Wikipedia", source.id


def test_census_rows_name_their_value_source_and_separately_the_unchecked_census_query(catalog: Catalog):
    """Each figure says it was taken from the compilation (acs-1) and names, apart from its sources,
    the Census Bureau query that would confirm it, not yet checked: the query is not cited as stating it."""
    sources = catalog.sources.set_index("id")
    geoids = catalog.sites.set_index("id")["census_geoid"]
    census_rows = catalog.metrics[catalog.metrics["vintage"] == constants.CENSUS_VINTAGE]
    assert len(census_rows) == 28
    for row in census_rows.itertuples():
        assert row.value_source == "acs-1" == row.sources[0], row.id
        query = row.census_query
        assert query == census.source_id(row.site, constants.CENSUS_YEAR), row.id
        assert query not in row.sources, row.id
        assert row.census_check == schema.NOT_YET_CHECKED, row.id
        assert row.census_checked is None, row.id
        assert row.margin_of_error is None or pd.isna(row.margin_of_error), row.id
        assert sources.loc[query, "url"] == census.api_url(geoids[row.site], constants.CENSUS_YEAR), row.id
        assert urllib.parse.urlsplit(sources.loc[query, "url"]).hostname == "api.census.gov"
        assert sources.loc[query, "publisher"].startswith("U.S. Census Bureau")
        assert "would confirm" in sources.loc[query, "note"]
        assert "Primary source" not in sources.loc[query, "note"]
        for name in ("B01003_001", "B19013_001", "B17020_002", "B23025_005", constants.CENSUS_VINTAGE, geoids[row.site]):
            assert name in sources.loc[query, "title"], (query, name)
    compilation = sources.loc["acs-1"]
    assert "secondary" in compilation["title"]
    assert "Secondary source" in compilation["note"]
    other = catalog.metrics[catalog.metrics["vintage"] != constants.CENSUS_VINTAGE]
    assert other["census_check"].isna().all()
    assert other["value_source"].isna().all()


def test_margins_of_error_are_null_or_positive_never_zero(catalog: Catalog):
    margins = catalog.metrics["margin_of_error"]
    assert len(margins) == len(catalog.metrics)
    assert (margins[margins.notna()] > 0).all()
    assert not (margins == 0).any()


def test_each_site_cites_a_census_reporter_profile_of_its_own_geoid(catalog: Catalog):
    sources = catalog.sources.set_index("id")
    for site in catalog.sites.itertuples():
        profiles = [s for s in site.sources if "censusreporter.org/profiles/" in sources.loc[s, "url"]]
        assert len(profiles) == 1, site.id
        assert f"/profiles/16000US{site.census_geoid}-" in sources.loc[profiles[0], "url"], site.id


def test_confirmed_means_at_least_two_cited_sources(catalog: Catalog):
    confirmed = catalog.metrics[catalog.metrics["confidence"] == "confirmed"]
    assert len(confirmed)
    for row in confirmed.itertuples():
        assert len(row.sources) >= 2, row.id


def test_undated_sources_stay_null_and_reposts_carry_no_borrowed_date(catalog: Catalog):
    sources = catalog.sources.set_index("id")
    for source_id in ("ctdc-s40", "ctdc-s41", "eco-79", "eco-67") + tuple(
        census.source_id(s, constants.CENSUS_YEAR) for s in SITE_IDS
    ):
        assert sources.loc[source_id, "date"] is None, source_id


def test_realizing_the_potential_shows_no_date_and_stores_none(catalog: Catalog):
    """The post shows no date: its two source records and its resource store null, and the note keeps what is known."""
    sources = catalog.sources.set_index("id")
    for source_id in ("ctdc-s37", "eco-5"):
        assert sources.loc[source_id, "date"] is None, source_id
        assert "shows no date" in sources.loc[source_id, "note"], source_id
    assert catalog.resources.set_index("id").loc["blog-realizing-the-potential", "date"] is None


def test_dates_not_shown_by_the_cited_documents_name_where_they_come_from(catalog: Catalog):
    """Every resource dated although none of its sources has a date says in its note which cited source gives it."""
    dated = set(catalog.sources.loc[catalog.sources["date"].notna(), "id"])
    borrowed = catalog.resources[
        catalog.resources["date"].notna() & catalog.resources["sources"].map(lambda s: not dated & set(s))
    ]
    assert set(borrowed["id"]) == {"collaborating-for-21st-century-solutions", "blog-tech-is-hard"}
    for row in borrowed.itertuples():
        origin = re.search(schema.DATE_FROM_PATTERN, row.note, re.IGNORECASE)
        assert origin, row.id
        assert origin.group(1) in row.sources, row.id


def test_san_antonio_what_works_cities_rows_rest_on_one_source(catalog: Catalog):
    metrics = catalog.metrics.set_index("id")
    for row_id in ("san-antonio--wwc_certification", "san-antonio--wwc_certification_year"):
        assert metrics.loc[row_id, "confidence"] == "single-source", row_id
        assert "eco-65" in metrics.loc[row_id, "note"], row_id
        assert "eco-66" in metrics.loc[row_id, "note"], row_id


def test_the_yourstlcourts_address_says_which_source_spells_it(catalog: Catalog):
    product = catalog.products.set_index("id").loc["yourstlcourts"]
    assert product["urls"] == ["http://yourstlcourts.com"]
    assert "YourSTLCourts.com" in product["note"]
    assert "ctdc-s61" in product["note"]
    assert "ctdc-s61" in product["sources"]


def test_resources_added_from_the_research_link_their_sources(catalog: Catalog):
    resources = catalog.resources.set_index("id")
    source_urls = set(catalog.sources["url"])
    for resource_id in ("blog-announcing-housing-insights", "ecosystem-mapping-webinar", "profile-st-louis"):
        assert resource_id in resources.index
        assert resources.loc[resource_id, "url"] in source_urls, resource_id


def test_census_query_sources_are_the_records_refresh_census_writes(catalog: Catalog):
    stored = catalog.sources.set_index("id")
    for record in census.census_sources(catalog.sites.to_dict("records")):
        for field in ("title", "publisher", "url", "kind", "note"):
            assert stored.loc[record["id"], field] == record[field], (record["id"], field)

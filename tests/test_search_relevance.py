"""Search relevance on the shipped catalog: for each query in a fixed set, the records a person asking it
would want (written from the data, not read off a ranking), and the share of them among the first three
results (precision at 3, over ``min(3, len(relevant))`` so a query with one right answer counts it whole).

Records are named ``kind:id``. A site counts as relevant to a query about its product when its summary
describes that product (its profile is where the product lives); a city's name asks for the site first,
then the records named after it.
"""

from __future__ import annotations

import pytest

from dashboard.views.themes import search as S
from dashboard.views.themes.search_index import build_index

TARGET = 0.9

RELEVANT: dict[str, tuple[str, ...]] = {
    "court": (
        "product:yourstlcourts",
        "resource:blog-stl-focusing-on-municipal-courts",
        "resource:blog-stl-court-data-sharing-sensitively",
        "organization:st-louis-county",
        "site:st-louis",
    ),
    "municipal court": (
        "product:yourstlcourts",
        "resource:blog-stl-focusing-on-municipal-courts",
        "organization:st-louis-county",
        "site:st-louis",
    ),
    "court data": (
        "resource:blog-stl-court-data-sharing-sensitively",
        "lesson:stl-share-court-data-sensitively",
        "product:yourstlcourts",
    ),
    "text message reminders": ("product:yourstlcourts", "site:st-louis"),
    "youth jobs": (
        "product:youth-jobs-platform",
        "resource:case-study-boston",
        "resource:blog-boston-summer-jobs-nnip",
        "resource:blog-employing-youth",
        "site:boston",
    ),
    "summer jobs": (
        "product:youth-jobs-platform",
        "resource:blog-employing-youth",
        "resource:blog-boston-summer-jobs-nnip",
        "resource:case-study-boston",
        "site:boston",
    ),
    "housing insights": (
        "product:housing-insights",
        "resource:blog-announcing-housing-insights",
        "resource:case-study-washington-dc",
    ),
    "affordable housing": (
        "product:housing-insights",
        "resource:case-study-washington-dc",
        "site:washington-dc",
        "organization:cnhed",
        "organization:dc-preservation-network",
    ),
    "data day": ("product:pittsburgh-data-day", "product:data-days-cle", "resource:blog-pittsburgh-data-day"),
    "alamo": ("product:alamo-regional-data-alliance", "organization:arda", "organization:aacis"),
    "communities count": ("product:communities-count-tech-partnership", "organization:communities-count"),
    "pittsburgh": (
        "site:pittsburgh",
        "product:pittsburgh-data-day",
        "resource:blog-pittsburgh-data-day",
        "organization:city-of-pittsburgh",
        "organization:code-for-pittsburgh",
    ),
    "san antonio": (
        "site:san-antonio",
        "product:alamo-regional-data-alliance",
        "resource:blog-san-antonio-culture-of-data",
        "organization:san-antonio-mayors-office",
        "organization:san-antonio-area-foundation",
        "organization:opensatx",
    ),
    "seattle": (
        "site:seattle-king-county",
        "product:communities-count-tech-partnership",
        "organization:city-of-seattle",
        "organization:open-seattle",
        "organization:seattle-foundation",
    ),
    "cleveland": (
        "site:cleveland",
        "product:data-days-cle",
        "organization:cleveland-civic-tech-open-data-collaborative",
        "organization:open-cleveland",
    ),
    "open data policy": ("metric:open_data_policy", "metric:open_data_policy_year"),
    "open data portal": ("metric:open_data_portal", "metric:open_data_portal_launch_year"),
    "population": ("metric:population",),
    "poverty rate": ("metric:poverty_rate_pct",),
    "unemployment": ("metric:unemployment_rate_pct",),
    "median household income": ("metric:median_household_income_usd",),
    "what works cities": (
        "metric:wwc_certification",
        "metric:wwc_certification_year",
        "metric:wwc_joined_year",
    ),
    "data executive": ("metric:first_data_exec_year", "metric:first_data_exec_role"),
    "grant": ("metric:ctdc_grant_usd",),
    "brigade": (
        "metric:cfa_brigade_name",
        "metric:cfa_brigade_founded_year",
        "metric:cfa_listing_status",
        "organization:code-for-boston",
        "organization:opendatastl",
        "organization:code-for-dc",
        "organization:open-cleveland",
        "organization:code-for-pittsburgh",
        "organization:opensatx",
        "organization:open-seattle",
    ),
    "nnip": ("national partner:nnip", "metric:nnip_partner_org", "metric:nnip_join_year"),
    "code for america": (
        "national partner:code-for-america",
        "metric:cfa_brigade_name",
        "metric:cfa_fellowship_years",
        "metric:cfa_listing_status",
    ),
    "macarthur": ("national partner:macarthur-foundation",),
    "living cities": ("national partner:living-cities",),
    "rise community development": ("organization:rise-community-development",),
    "globalhack": ("organization:globalhack",),
    "ecosystem mapping": (
        "resource:ecosystem-mapping-guide",
        "resource:ecosystem-mapping-webinar",
        "lesson:cross-map-to-find-gaps",
    ),
    "toolkit": (
        "resource:toolkit-ingredients",
        "resource:toolkit-engaging-low-income-residents",
        "resource:toolkit-mobilizing-for-collective-action",
        "resource:toolkit-sustaining-the-gain",
    ),
    "design sprint": ("lesson:dc-sprint-month", "resource:blog-sprint-for-volunteers"),
    "paid developer": ("lesson:boston-paid-developer",),
}


def precision_at_3(found: list[str], relevant: tuple[str, ...]) -> float:
    """The share of the first three ``found`` that are ``relevant``, over ``min(3, len(relevant))``."""
    return len(set(found[:3]) & set(relevant)) / min(3, len(relevant))


def top_three(index: S.SearchIndex, query: str) -> list[str]:
    """The first three results of ``query`` over every site, as ``kind:id``."""
    return [f"{r.kind}:{r.id}" for r in S.search(index, query, limit=3).results]


@pytest.fixture(scope="module")
def index(catalog):
    """The shipped catalog's index."""
    return build_index(catalog)


def test_the_set_is_large_enough_and_names_real_records(catalog, index):
    assert len(RELEVANT) >= 25
    known = {f"{index.document(n).kind}:{index.document(n).id}" for n in range(1, len(index) + 1)}
    assert {record for records in RELEVANT.values() for record in records} <= known


def test_precision_at_3_over_the_set(index):
    scores = {query: precision_at_3(top_three(index, query), relevant) for query, relevant in RELEVANT.items()}
    mean = sum(scores.values()) / len(scores)
    misses = {query: top_three(index, query) for query, score in scores.items() if score < 1}
    assert mean >= TARGET, f"precision at 3 {mean:.3f}; below 1: {misses}"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("court", "product:yourstlcourts"),
        ("youth jobs", "product:youth-jobs-platform"),
        ("housing insights", "product:housing-insights"),
        ("open data policy", "metric:open_data_policy"),
        ("pittsburgh", "site:pittsburgh"),
    ],
)
def test_the_record_a_query_names_comes_first(index, query, first):
    assert top_three(index, query)[0] == first


def test_a_product_about_the_query_is_among_the_first_three_when_its_name_is_not_asked_for(index):
    assert "product:yourstlcourts" in top_three(index, "municipal court")
    assert "product:youth-jobs-platform" in top_three(index, "summer jobs")


def test_precision_at_3_counts_the_right_answers_among_the_first_three():
    assert precision_at_3(["a", "b", "c", "d"], ("d",)) == 0
    assert precision_at_3(["a", "b", "c"], ("c",)) == 1
    assert precision_at_3(["a", "b", "c"], ("a", "x", "y", "z")) == pytest.approx(1 / 3)

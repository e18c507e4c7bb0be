"""Search at 100 times the program's size: the shipped records copied with new ids (and copied
sites and metric definitions), indexed and searched. Timings are printed (run with ``-s``), never asserted."""

from __future__ import annotations

import statistics
import time

import pandas as pd
import pytest

from dashboard.data.schema import CROSS_SITE
from dashboard.views.themes import search as S
from dashboard.views.themes.search_index import SearchIndex, build_index

FACTOR = 100
QUERIES = ["court", "housing", "youth jobs", "data", "communi", "Rise Community Development", "a", "zzqqxx"]

pytestmark = pytest.mark.slow


def scaled(catalog, factor: int):
    """``catalog`` with every site and searchable record copied ``factor`` times (copy 0 keeps the ids)."""

    def suffix(value: str, k: int) -> str:
        return value if k == 0 or value == CROSS_SITE else f"{value}-{k}"

    def copies(frame: pd.DataFrame, change) -> pd.DataFrame:
        return pd.concat([change(frame.copy(), k) for k in range(factor)], ignore_index=True)

    def ids(frame: pd.DataFrame, k: int) -> pd.DataFrame:
        frame["id"] = frame["id"].map(lambda v: suffix(v, k))
        return frame

    def one_site(frame: pd.DataFrame, k: int) -> pd.DataFrame:
        frame["site"] = frame["site"].map(lambda v: suffix(v, k))
        return ids(frame, k)

    def many_sites(frame: pd.DataFrame, k: int) -> pd.DataFrame:
        frame["sites"] = frame["sites"].map(lambda sites: [suffix(s, k) for s in sites])
        return ids(frame, k)

    def sites(frame: pd.DataFrame, k: int) -> pd.DataFrame:
        frame["name"] = frame["name"].map(lambda v: v if k == 0 else f"{v} {k}")
        return ids(frame, k)

    return catalog.replaced(
        sites=copies(catalog.sites, sites),
        products=copies(catalog.products, one_site),
        lessons=copies(catalog.lessons, one_site),
        resources=copies(catalog.resources, many_sites),
        organizations=copies(catalog.organizations, many_sites),
        national_partners=copies(catalog.national_partners, ids),
        metric_definitions=copies(catalog.metric_definitions, ids),
    )


def timed_build(catalog) -> tuple[SearchIndex, float]:
    start = time.perf_counter()
    index = build_index(catalog)
    return index, time.perf_counter() - start


def median_query_ms(index: SearchIndex, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            S.search(index, query)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@pytest.fixture(scope="module")
def big(catalog):
    return scaled(catalog, FACTOR)


def test_the_index_builds_and_answers_at_100_times_the_size(catalog, big):
    small_index, small_build = timed_build(catalog)
    big_index, big_build = timed_build(big)
    assert len(big_index) == FACTOR * len(small_index)
    for query in QUERIES:
        small, large = S.search(small_index, query), S.search(big_index, query)
        assert large.total == FACTOR * small.total, query
        assert [r.id for r in large.results[:1]] == [r.id for r in small.results[:1]], query
    print(
        f"\nsearch index: {len(small_index)} records built in {small_build * 1000:.0f} ms, median query "
        f"{median_query_ms(small_index):.2f} ms; x{FACTOR}: {len(big_index)} records built in {big_build * 1000:.0f} ms, "
        f"median query {median_query_ms(big_index):.2f} ms"
    )


def test_site_filter_at_scale(big):
    index = build_index(big)
    everywhere = S.search(index, "court", limit=10_000)
    one_copy = S.search(index, "court", site_ids={"st-louis-7"}, limit=10_000)
    assert 0 < one_copy.total < everywhere.total
    assert one_copy.total + one_copy.hidden == everywhere.total
    assert all(not r.sites or r.sites == ("cross-site",) or "st-louis-7" in r.sites for r in one_copy.results)

"""Every page's builders on a program a hundred times CTDC's size (700 sites): no error (Altair's row
limit included), and the page text stays bounded where a list would grow with the sites."""

from __future__ import annotations

import pytest

from dashboard.data.loading import load_catalog
from dashboard.data.schema import LESSON_SECTIONS
from dashboard.state.filters import Filters
from dashboard.views import library, overview, sites_map
from dashboard.views.metrics import census, key_years, names, partners, timeline
from dashboard.views.site_profile import markdown as site_profile_text
from dashboard.views.themes import by_site, one_theme, search, sections
from scripts import synthetic_program as syn

ALL = Filters()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    target = tmp_path_factory.mktemp("hundredfold") / "data"
    syn.write(syn.build(syn.SHIPPED, 100), syn.SHIPPED, target)
    return load_catalog(target)


def test_the_program_is_a_hundred_times_the_size(big):
    assert len(big.sites) == 700
    assert len(big.products) == 700


def test_themes_builders_work_and_the_heatmap_sums_many_sites_by_role(big):
    matrix = by_site.matrix_view(big, ALL)
    assert matrix is not None
    assert len(matrix.table) == 700 * 10
    drawn = matrix.spec["datasets"]
    assert "sums them by site role" in matrix.note
    assert all(len(data) < 20_000 for data in drawn.values())
    assert sections.sections_view(big, ALL, LESSON_SECTIONS[0]).chart is not None
    assert one_theme.theme_view(big, ALL, "housing").products_markdown
    assert search.search_view(big, ALL, "data").found


def test_metrics_builders_work(big):
    for lens in (False, True):
        assert key_years.key_years_view(big, ALL, lens, key_years.ALL_KEY_YEARS).chart.spec
        assert partners.partners_view(big, ALL, lens).spec
        assert timeline.timeline_view(big, ALL, lens).spec
        assert len(names.names_view(big, ALL, lens).table) == 700
    vintages = census.census_vintages(big, ALL)
    assert len(census.census_view(big, ALL, vintages[0], False).charts) == 4


def test_map_overview_profile_and_library_stay_bounded(big):
    site_map = sites_map.map_view(big, ALL, height=440)
    assert len(site_map.sites) == 700
    assert site_map.table_markdown.count("\n| ") == sites_map.MAX_TABLE_ROWS
    assert "the CSV lists every one" in site_map.table_markdown
    assert len(site_map.table) == 700
    view = overview.overview_view(big, ALL)
    assert len(view.start_sites) == overview.MAX_START_SITES
    assert site_profile_text.site_page(big, big.sites["id"].iloc[0], big.sites["id"].iloc[1]).comparison is not None
    assert len(library.resources_view(big, ALL).table) == len(big.resources)

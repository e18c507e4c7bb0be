"""AppTest runs of the Ecosystem metrics page: charts, the role filter, the lens toggle and hostile links."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, chart_protos, headings, markdown, open_app, page_text, script

APP = str(ROOT / "app.py")
PAGE = script("metrics")
LEARNING_SITES = {"Cleveland", "Pittsburgh", "San Antonio", "Seattle / King County"}


def run(params: dict | None = None) -> AppTest:
    return open_app(PAGE, params)


def chart_rows(proto) -> pd.DataFrame:
    """Every row of every dataset of one chart."""
    frames = [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in proto.datasets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def chart_title(proto) -> str:
    """A chart's title text (a plain title, or the text of a title with a subtitle)."""
    title = json.loads(proto.spec)["title"]
    return title["text"] if isinstance(title, dict) else title


TABS = ["Key years", "Names", "Census context", "Partners", "Timeline"]


def test_page_renders_its_charts_with_titles_and_alt_text():
    at = run()
    assert at.title[0].value == "Ecosystem metrics"
    assert [t.label for t in at.tabs] == TABS
    assert at.toggle(key="lens").value is False
    protos, text, headers = [], [], set()
    for tab in TABS:  # only the open tab is computed; a link opens any one of them
        at = run({"tab": tab})
        protos += chart_protos(at)
        text.append(markdown(at))
        headers |= set(headings(at))
    assert len(protos) >= 7
    for proto in protos:
        spec = json.loads(proto.spec)
        assert spec.get("title")
        assert len(spec.get("description", "")) > 40  # the description is the alt text
    assert "not found in sources" in "\n".join(text)
    assert "St\\. Louis" in "\n".join(text)
    assert {"Key years", "Population", "Partner composition", "Timeline of dated facts"} <= headers


def test_only_the_open_tab_is_computed():
    assert len(chart_protos(run())) == 1  # Key years
    assert len(chart_protos(run({"tab": "Census context"}))) == 4


def test_census_tab_says_where_values_came_from_and_that_they_are_not_yet_checked():
    text = page_text(run({"tab": "Census context"})).replace("\\", "")
    assert "values taken from [CityStats state files" in text
    assert "the Census Bureau's own query for each place, which would confirm them: [Boston](https://api.census.gov/" in text
    assert "28 of 28 figures not yet checked against the Census Bureau" in text
    assert "primary" not in text


def test_role_filter_limits_chart_data_to_learning_sites():
    for tab in TABS:
        at = run({"role": "learning", "tab": tab})
        for proto in chart_protos(at):
            rows = chart_rows(proto)
            if "site_name" in rows:
                assert set(rows["site_name"].dropna()) <= LEARNING_SITES
    years = chart_rows(chart_protos(run({"role": "learning"}))[0])
    assert set(years["site_name"].dropna()) == LEARNING_SITES  # the program band has no site
    population = chart_rows(chart_protos(run({"role": "learning", "tab": "Census context"}))[0])
    assert len(population[population["metric"] == "population"]) == 4


def test_lens_toggle_from_the_link_groups_by_role():
    at = run({"lens": "true"})
    assert at.toggle(key="lens").value is True
    assert "by site role" in chart_title(chart_protos(at)[0])
    text = page_text(at)
    assert "Implementation and learning sites compared" in text
    assert "implementation sites 1995 (Boston) and 1997 (Washington, DC), 2 of 3 with a value" in text
    assert "averaged" not in text
    at = run({"lens": "true", "tab": "Partners"})
    partner = [json.loads(p.spec) for p in chart_protos(at) if "Partner" in str(json.loads(p.spec).get("title"))]
    assert partner
    assert "site role" in partner[0]["title"]


def test_toggling_the_lens_on_the_page():
    at = run()
    at.toggle(key="lens").set_value(True).run()
    assert not at.exception
    assert "by site role" in chart_title(chart_protos(at)[0])


def test_no_sites_in_view_shows_a_notice():
    at = run({"sites": ["Boston"], "role": "learning"})
    assert not chart_protos(at)
    assert any("No sites match" in info.value for info in at.info)


HOSTILE = [
    {"lens": "<script>alert(1)</script>", "sites": ["<img src=x onerror=alert(1)>"], "role": "x" * 10000},
    {"lens": ["true", "false", ""], "themes": ["", "justice", "justice"], "census_vintage": "ACS 1066"},
    {"lens": "x" * 10000, "sites": ["", "St. Louis", "St. Louis"], "site": "../../etc/passwd"},
    {"tab": "<script>alert(1)</script>", "role": ["learning", "implementation"]},
    {"tab": ["Partners", "Timeline", ""], "lens": "true"},
    {"year_metric": "<script>alert(1)</script>", "lens": "true"},
    {"year_metric": ["", "nnip_join_year", "x" * 10000]},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_links_render(params):
    at = run(params)
    assert len(chart_protos(at)) >= 1
    assert "<script>" not in markdown(at)


def test_chart_data_reaches_the_page_as_the_arrow_bytes_built_once(catalog):
    from dashboard.state.filters import Filters
    from dashboard.views.metrics import key_years

    view = key_years.key_years_view(catalog, Filters(), False)
    built = {name: data for name, data in view.chart.spec["datasets"].items()}
    assert built
    assert all(isinstance(data, bytes) for data in built.values())
    (proto,) = chart_protos(run())
    assert {ds.name: ds.data.data for ds in proto.datasets} == built


def test_key_years_choice_from_the_link_and_on_the_page():
    at = run()
    choice = at.selectbox(key="year_metric")
    assert choice.value == "all"
    assert choice.options[0] == "All key years"
    assert "Year joined NNIP" in choice.options
    assert chart_title(chart_protos(at)[0]) == "Key years per site"
    choice.set_value("nnip_join_year").run()
    assert not at.exception
    (proto,) = chart_protos(at)
    assert chart_title(proto) == "Year joined NNIP"
    rows = chart_rows(proto)
    assert set(rows["metric"].dropna()) == {"nnip_join_year"}
    assert "Year joined NNIP: 5 of 7 sites" in page_text(at)
    # the link carries the name as shown (what the browser writes to the URL), and reopens the same view
    linked = run({"year_metric": "Year joined NNIP"})
    assert linked.selectbox(key="year_metric").value == "nnip_join_year"
    assert json.loads(chart_protos(linked)[0].spec) == json.loads(proto.spec)
    assert chart_title(chart_protos(run({"year_metric": "Year joined NNIP", "lens": "true"}))[0]) == "Year joined NNIP"
    assert run({"year_metric": "year joined nnip"}).selectbox(key="year_metric").value == "nnip_join_year"  # any case


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "nnip_join_year", "x" * 10000, "", "All key years"])
def test_unknown_key_years_choice_falls_back_to_every_metric(value):
    at = run({"year_metric": value})
    assert at.selectbox(key="year_metric").value == "all"
    assert chart_title(chart_protos(at)[0]) == "Key years per site"
    assert "<script>" not in markdown(at)


def test_key_years_wide_table_opens_beside_the_long_one():
    at = run({"year_metric": "Open data policy year", "lens": "true"})
    assert not at.dataframe
    assert not at.get("download_button")  # both tables are built only when opened
    labels = [e.label for e in at.expander]
    assert (
        labels.index("Key years as a table: a row per site, a column per metric") == labels.index("Data behind “Key years”") + 1
    )
    at.session_state["data-key-years-open_data_policy_year-by-site"] = True
    at.session_state["data-key-years-open_data_policy_year"] = True
    at.run()
    long, wide = (table.value for table in at.dataframe)
    assert list(wide.columns) == ["site", "role", "Open data policy year"]
    assert len(wide) == 7
    assert (
        list(wide["site"])
        == list(long["site"])
        == [
            "Boston",
            "Washington, DC",
            "St. Louis",
            "Pittsburgh",
            "Seattle / King County",
            "Cleveland",
            "San Antonio",
        ]
    )
    assert (
        list(wide["Open data policy year"])
        == ["2014", "2014", "not found in sources", "2014", "2016"] + ["not found in sources"] * 2
    )
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download key-years-open_data_policy_year (CSV)",
        "Download key-years-open_data_policy_year-by-site (CSV)",
    ]

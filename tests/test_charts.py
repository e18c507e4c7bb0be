"""Unit tests of the ecosystem metrics builders: tables, takeaways and chart specs from the shipped data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import constants
from dashboard.charts import scales
from dashboard.data import values
from dashboard.data.schema import ORGANIZATION_TYPES
from dashboard.state import filters
from dashboard.views.metrics import census, key_years, names, partners, site_metrics, timeline

ALL = filters.Filters()
LEARNING = filters.Filters(role="learning")
VINTAGE = "ACS 2019-2023 5-year"


def layer_data(chart, index: int | None = None) -> pd.DataFrame:
    """The rows a chart (or one of its layers) plots, read back from its Vega-Lite spec."""
    spec = chart.to_dict()
    view = spec if index is None else spec["layer"][index]
    data = view.get("data") or spec["data"]  # a lone layer's data is lifted to the top
    return pd.DataFrame(spec["datasets"][data["name"]])


def test_metric_frame_has_a_row_per_site_and_metric(catalog):
    frame = site_metrics.metric_frame(catalog, ALL, site_metrics.YEAR_METRICS)
    assert frame.groupby("metric").size().to_dict() == {m: 7 for m in site_metrics.YEAR_METRICS}
    assert list(frame["metric"].unique()) == list(site_metrics.YEAR_METRICS)
    boston = frame[(frame["site"] == "boston") & (frame["metric"] == "nnip_join_year")].iloc[0]
    assert boston.display == "1995"
    assert boston.numeric == 1995.0
    assert boston.confidence == "confirmed"
    assert boston.vintage == "1995"
    assert boston.site_name == "Boston"
    assert boston.role == "implementation"


def test_unknown_values_carry_not_found_and_nan(catalog):
    frame = site_metrics.metric_frame(catalog, ALL, site_metrics.YEAR_METRICS)
    unknown = frame[~frame["known"]]
    assert len(unknown) == 15
    assert set(unknown["display"]) == {values.NOT_FOUND}
    assert unknown["numeric"].isna().all()
    assert set(unknown["confidence"]) == {"unconfirmed"}
    st_louis = unknown[unknown["site"] == "st-louis"]
    assert "nnip_join_year" in set(st_louis["metric"])
    assert (frame.loc[frame["known"], "numeric"] > 1900).all()  # never a zero stand-in


def test_metric_frame_adds_rows_for_missing_records(catalog):
    trimmed = catalog.replaced(metrics=catalog.metrics[catalog.metrics["id"] != "boston--population--acs2023"])
    frame = site_metrics.metric_frame(trimmed, ALL, ("population",))
    assert len(frame) == 7
    boston = frame[frame["site"] == "boston"].iloc[0]
    assert boston.display == values.NOT_FOUND
    assert math.isnan(boston.numeric)
    assert boston.sources == []


def test_format_value():
    assert values.format_value(200000.0, "number", "USD") == "$200,000"
    assert values.format_value(663972.0, "number", "people") == "663,972"
    assert values.format_value(16.87, "number", "percent") == "16.87%"
    assert values.format_value(2014.0, "year", "year") == "2014"
    assert values.format_value("Code for DC", "text", None) == "Code for DC"
    assert values.format_value(None, "year", "year") == values.NOT_FOUND
    assert values.format_value(math.nan, "number", "USD") == values.NOT_FOUND


def test_role_filter_keeps_only_learning_sites(catalog):
    frame = key_years.year_frame(catalog, LEARNING)
    assert set(frame["site"]) == {"cleveland", "pittsburgh", "san-antonio", "seattle-king-county"}
    assert len(frame) == 4 * len(site_metrics.YEAR_METRICS)


def test_year_chart_plots_only_known_values_and_lists_the_rest(catalog):
    frame = key_years.year_frame(catalog, ALL)
    plotted = layer_data(key_years.year_chart(frame), 0)
    assert len(plotted) == int(frame["known"].sum()) == 27
    assert values.NOT_FOUND not in set(plotted["display"])
    assert plotted["numeric"].notna().all()
    assert (plotted["numeric"] >= 1995).all()
    missing = site_metrics.not_found(frame).set_index("site")[values.NOT_FOUND]
    assert "Year joined NNIP" in missing["St. Louis"]
    assert "Year joined NNIP" in missing["Seattle / King County"]
    assert "Boston" not in missing.index
    # every site keeps its row even when nothing is plotted for it
    spec = key_years.year_chart(frame).to_dict()["layer"][0]["encoding"]["y"]
    assert spec["scale"]["domain"] == [
        "Boston",
        "St. Louis",
        "Washington, DC",
        "Cleveland",
        "Pittsburgh",
        "San Antonio",
        "Seattle / King\nCounty",
    ]


def test_year_chart_encodes_confidence_with_a_legend(catalog):
    spec = key_years.year_chart(key_years.year_frame(catalog, ALL)).to_dict()
    shape = spec["layer"][0]["encoding"]["shape"]
    assert shape["field"] == "confidence"
    assert shape["legend"]["title"] == "Confidence"
    assert shape["scale"]["domain"] == ["confirmed", "single-source"]
    assert shape["scale"]["range"][0] == "circle"
    assert shape["scale"]["range"][1] == scales.RING
    tooltips = {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert {"confidence", "vintage"} <= tooltips
    colors = spec["layer"][0]["encoding"]["color"]["scale"]["range"]
    assert colors == list(constants.CATEGORY_COLORS[:6])


def test_role_lens_gives_the_known_years_of_each_role(catalog):
    frame = key_years.year_frame(catalog, ALL)
    sentences = key_years.role_comparison(frame)
    assert len(sentences) == len(site_metrics.YEAR_METRICS)
    assert sentences[0] == (
        "Year joined NNIP: implementation sites 1995 (Boston) and 1997 (Washington, DC), 2 of 3 with a value; "
        "learning sites 1995 (Cleveland), 2008 (Pittsburgh) and 2010 (San Antonio), 3 of 4 with a value."
    )
    assert sentences[2] == (
        "Open data policy year: implementation sites 2014 (Boston and Washington, DC), 2 of 3 with a value; "
        "learning sites 2014 (Pittsburgh) and 2016 (Seattle / King County), 2 of 4 with a value."
    )
    assert not any("averag" in sentence for sentence in sentences)  # the years themselves, never their mean
    means = site_metrics.role_means(frame).set_index(["metric", "role"])
    assert means.loc[("nnip_join_year", "learning"), "average"] == pytest.approx((1995 + 2008 + 2010) / 3)
    lens = key_years.year_chart(frame, lens=True).to_dict()
    assert lens["layer"][0]["encoding"]["color"]["field"] == "role"
    assert lens["layer"][0]["encoding"]["color"]["scale"]["range"] == [
        constants.ROLE_COLORS["implementation"],
        constants.ROLE_COLORS["learning"],
    ]
    assert len(layer_data(key_years.year_chart(frame, lens=True), 1)) == 12  # one average per metric and role


def test_role_lens_with_one_role_in_view(catalog):
    sentences = key_years.role_comparison(key_years.year_frame(catalog, LEARNING))
    assert sentences[0] == (
        "Year joined NNIP: learning sites 1995 (Cleveland), 2008 (Pittsburgh) and 2010 (San Antonio), 3 of 4 with a value."
    )


def test_year_takeaway_names_earliest_and_latest(catalog):
    text = key_years.year_takeaway(key_years.year_frame(catalog, ALL))
    assert text.startswith("27 of 42 site-year values")
    assert "Boston's year joined NNIP (1995)" in text
    assert "Cleveland's open data portal launch year (2024)" in text


def test_text_table_is_site_by_metric(catalog):
    frame = site_metrics.metric_frame(catalog, ALL, names.TEXT_METRICS)
    table = site_metrics.text_table(frame).set_index("site")
    assert len(table) == 7
    assert len(table.columns) == len(names.TEXT_METRICS)
    assert table.loc["St. Louis", "Open data policy"] == values.NOT_FOUND
    assert table.loc["Boston", "Code for America brigade"] == "Code for Boston"
    lens = site_metrics.text_table(
        site_metrics.metric_frame(catalog, filters.Filters(sites=("cleveland", "boston")), names.TEXT_METRICS),
        lens=True,
    )
    assert list(lens["site"]) == ["Boston", "Cleveland"]
    assert list(lens["role"]) == ["implementation", "learning"]


def _two_vintages(catalog):
    extra = catalog.metrics[catalog.metrics["id"] == "boston--population--acs2023"].copy()
    extra["id"] = "boston--population--acs2018"
    extra["vintage"] = "ACS 2014-2018 5-year"
    extra["value"] = 123456
    return catalog.replaced(metrics=pd.concat([catalog.metrics, extra], ignore_index=True))


def test_census_uses_a_single_vintage(catalog):
    assert census.census_vintages(catalog, ALL) == [VINTAGE]
    mixed = _two_vintages(catalog)
    assert census.census_vintages(mixed, ALL) == [VINTAGE, "ACS 2014-2018 5-year"]
    newer = census.census_frame(mixed, ALL, VINTAGE)
    assert len(newer) == 28
    assert set(newer.loc[newer["known"], "vintage"]) == {VINTAGE}
    assert 123456 not in set(newer["numeric"])
    older = census.census_frame(mixed, ALL, "ACS 2014-2018 5-year")
    known = older[older["known"]]
    assert len(known) == 1
    assert known.iloc[0].display == "123,456"
    plotted = layer_data(census.census_chart(older, "population", "ACS 2014-2018 5-year"), 0)
    assert list(plotted["site_name"]) == ["Boston"]
    gaps = layer_data(census.census_chart(older, "population", "ACS 2014-2018 5-year"), 2)
    assert len(gaps) == 6
    assert set(gaps["display"]) == {values.NOT_FOUND}


def test_census_chart_labels_vintage_and_confidence(catalog):
    frame = census.census_frame(catalog, ALL, VINTAGE)
    spec = census.census_chart(frame, "poverty_rate_pct", VINTAGE).to_dict()
    assert spec["title"]["text"] == VINTAGE
    assert any("single source" in line for line in spec["title"]["subtitle"])
    assert spec["layer"][0]["encoding"]["opacity"]["field"] == "confidence"
    assert "Cleveland: 30.81%" in spec["description"]
    assert len(layer_data(census.census_chart(frame, "poverty_rate_pct", VINTAGE), 0)) == 7
    assert census.census_takeaway(frame, "poverty_rate_pct").startswith("Cleveland has the highest poverty rate in view (30.81%)")


def test_partner_counts_match_the_organizations(catalog):
    frame = partners.partner_frame(catalog, ALL)
    orgs = catalog.organizations.explode("sites").dropna(subset=["sites"])
    expected = orgs.groupby(["sites", "type"]).size().to_dict()
    assert {(r.site, r.type): r.count for r in frame.itertuples()} == expected
    assert frame.groupby("site")["count"].sum().to_dict() == orgs.groupby("sites").size().to_dict()
    order = list(ORGANIZATION_TYPES)
    for _, group in frame.groupby("site"):
        assert list(group["type"]) == sorted(group["type"], key=order.index)
        assert list(group["start"][1:]) == list(group["end"][:-1])


def test_partner_chart_spec(catalog):
    frame = partners.partner_frame(catalog, ALL)
    spec = partners.partner_chart(frame).to_dict()
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == list(ORGANIZATION_TYPES)
    assert color["scale"]["range"] == list(constants.CATEGORY_COLORS[:7])
    assert spec["layer"][1]["encoding"]["text"]["field"] == "count"
    by_role = partners.partner_by_role(frame, site_metrics.site_frame(catalog, ALL))
    assert by_role.groupby("role")["count"].sum().to_dict() == frame.groupby("role")["count"].sum().to_dict()
    assert "implementation sites list" in partners.partner_takeaway(by_role, lens=True)


def test_timeline_has_only_dated_facts(catalog):
    events = timeline.timeline_frame(catalog, ALL)
    assert events["date"].notna().all()
    launched = events[events["kind"] == timeline.PRODUCT_EVENT]
    assert set(launched["site"]) == {"boston", "st-louis", "cleveland"}
    yourstl = launched[launched["site"] == "st-louis"].iloc[0]
    assert yourstl.date == pd.Timestamp(2017, 5, 1)
    assert yourstl.when == "2017-05-01"
    boston_policy = events[(events["site"] == "boston") & (events["kind"] == "Open data policy year")].iloc[0]
    assert boston_policy.date == pd.Timestamp(2014, 4, 7)
    assert "executive order" in boston_policy.event
    assert len(events) == 27 + 3
    assert site_metrics.program_period(catalog) == (2014, 2018)
    assert timeline.timeline_takeaway(events, (2014, 2018)).startswith("30 dated events from 1995 to 2024")


def test_theme_filter_narrows_product_launches(catalog):
    events = timeline.timeline_frame(catalog, filters.Filters(themes=("justice",)))
    launched = events[events["kind"] == timeline.PRODUCT_EVENT]
    themed = catalog.products[catalog.products["themes"].map(lambda t: "justice" in t) & catalog.products["launched"].notna()]
    assert set(launched["site"]) == set(themed["site"])


def test_parse_partial_date():
    assert values.parse_partial_date("2017") == pd.Timestamp(2017, 1, 1)
    assert values.parse_partial_date("2014-07") == pd.Timestamp(2014, 7, 1)
    assert values.parse_partial_date("2015-2018") is None
    assert values.parse_partial_date(None) is None
    assert values.parse_partial_date("2014-02-30") is None


def test_every_chart_has_title_and_description(catalog):
    frame = key_years.year_frame(catalog, ALL)
    census_rows = census.census_frame(catalog, ALL, VINTAGE)
    partner_rows = partners.partner_frame(catalog, ALL)
    sites = site_metrics.site_frame(catalog, ALL)
    events = timeline.timeline_frame(catalog, ALL)
    charts = [
        key_years.year_chart(frame),
        key_years.year_chart(frame, lens=True),
        census.census_chart(census_rows, "population", VINTAGE),
        census.census_chart(census_rows, "population", VINTAGE, lens=True),
        partners.partner_chart(partner_rows),
        partners.partner_chart(partners.partner_by_role(partner_rows, sites), lens=True),
        timeline.timeline_chart(events, sites, timeline.timeline_kinds(catalog), (2014, 2018)),
        timeline.timeline_chart(events, sites, timeline.timeline_kinds(catalog), None, lens=True),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert spec["title"]
        assert len(spec["description"]) > 40
        assert spec["width"] == "container"
        assert spec["autosize"]["type"] == "fit-x"


def test_builders_cope_with_no_sites(catalog):
    view = filters.Filters(sites=("boston",), role="learning")
    frame = key_years.year_frame(catalog, view)
    assert frame.empty
    assert site_metrics.not_found(frame).empty
    assert key_years.role_comparison(frame) == []
    key_years.year_chart(frame).to_dict()
    assert census.census_vintages(catalog, view) == []
    assert partners.partner_frame(catalog, view).empty
    assert timeline.timeline_frame(catalog, view).empty
    assert site_metrics.text_table(site_metrics.metric_frame(catalog, view, names.TEXT_METRICS)).empty


def test_not_found_and_role_comparison_as_markdown(catalog):
    frame = key_years.year_frame(catalog, ALL)
    markdown = site_metrics.not_found_markdown(frame)
    lines = markdown.splitlines()
    assert lines[0] == f"**Not plotted: {values.NOT_FOUND}**"
    assert len(lines[2:]) == len(site_metrics.not_found(frame))
    assert any(line.startswith("- St\\. Louis: ") for line in lines)
    assert site_metrics.not_found_markdown(frame[frame["known"]]) == ""
    comparison = key_years.role_comparison_markdown(frame).splitlines()
    assert comparison[0].startswith("**Implementation and learning sites compared**")
    assert len(comparison[2:]) == len(site_metrics.YEAR_METRICS)
    assert comparison[2].startswith("- Year joined NNIP")


def test_census_measure_and_its_source_links(catalog):
    frame = census.census_frame(catalog, ALL, VINTAGE)
    part = census.census_measure(frame, "population")
    assert set(part["metric"]) == {"population"}
    assert len(part) == 7
    links = census.census_sources_markdown(catalog, frame)
    taken, queries, status = links.split("; the Census Bureau")[0], links.split("which would confirm them: ")[1], links
    assert taken.startswith("values taken from [CityStats state files")
    assert "github.com/amcneil36" in taken
    assert "showing the same figures" in taken
    assert "api.census.gov" not in taken
    assert queries.startswith("[Boston](https://api.census.gov/data/2023/acs/acs5?")
    assert queries.count("](https://api.census.gov/") == 7  # one query per site, labelled by the site
    assert status.endswith("; 28 of 28 figures not yet checked against the Census Bureau")
    checked = catalog.metrics.copy()
    first = checked.index[checked["id"] == "boston--population--acs2023"][0]
    checked.loc[first, ["census_check", "census_checked"]] = ["agrees", "2026-12-01"]
    redone = census.census_sources_markdown(catalog.replaced(metrics=checked), frame)
    assert redone.endswith(
        "27 of 28 figures not yet checked against the Census Bureau; 1 checked by `make refresh-census` (last on 2026-12-01)"
    )
    table = site_metrics.shown_table(part, margins=True)
    assert "margin of error" in table.columns
    assert list(table["margin of error"]) == [values.NOT_FOUND] * 7  # no shipped source gives one yet


def test_census_margin_of_error_is_shown_where_a_source_gives_one(catalog):
    metrics = catalog.metrics.copy()
    boston = (metrics["site"] == "boston") & (metrics["metric"] == "population") & (metrics["vintage"] == VINTAGE)
    metrics.loc[boston, "margin_of_error"] = 1234
    frame = census.census_frame(catalog.replaced(metrics=metrics), ALL, VINTAGE)
    table = site_metrics.shown_table(census.census_measure(frame, "population"), margins=True)
    assert list(table["margin of error"]) == ["± 1,234"] + [values.NOT_FOUND] * 6


def test_partner_table_columns_follow_the_lens(catalog):
    partner_rows = partners.partner_frame(catalog, ALL)
    per_site = partners.partner_table(partner_rows)
    assert list(per_site.columns) == ["site", "role", "type", "count", "organizations"]
    assert per_site["count"].sum() == partner_rows["count"].sum()
    by_role = partners.partner_table(partners.partner_by_role(partner_rows, site_metrics.site_frame(catalog, ALL)), lens=True)
    assert list(by_role.columns) == ["role", "type", "count", "sites"]
    assert by_role["count"].sum() == partner_rows["count"].sum()


PERIOD = (2014, 2018)
NNIP = "nnip_join_year"


def layers_by_mark(chart) -> dict[str, list[dict]]:
    """The layers of a chart's spec grouped by mark type (rect, point, text, tick)."""
    grouped: dict[str, list[dict]] = {}
    for layer in chart.to_dict()["layer"]:
        mark = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        grouped.setdefault(mark, []).append(layer)
    return grouped


def rows_of(chart, layer: dict) -> pd.DataFrame:
    spec = chart.to_dict()
    return pd.DataFrame(spec["datasets"][layer["data"]["name"]])


@pytest.mark.parametrize("lens", [False, True])
@pytest.mark.parametrize("metric", [key_years.ALL_KEY_YEARS, NNIP])
def test_key_years_chart_shades_the_program_years_from_the_catalog(catalog, lens, metric):
    period = site_metrics.program_period(catalog)
    assert period == PERIOD
    chart = key_years.year_chart(key_years.year_frame(catalog, ALL), lens, period, metric)
    (band,) = layers_by_mark(chart)["rect"]
    row = rows_of(chart, band).iloc[0]
    assert (row.start, row.end) == (2013.5, 2018.5)  # every point of 2014 to 2018 falls inside, 2013 and 2019 outside
    assert row.label == "program years 2014–2018"
    spec = chart.to_dict()
    assert "Shaded: program years 2014–2018" in spec["title"]["subtitle"]
    assert "shaded band marks the program years 2014–2018" in spec["description"]
    assert chart.to_dict()["layer"][0]["mark"]["type"] == "rect"  # drawn first, behind the marks


def test_key_years_band_follows_the_program_record(catalog):
    other = catalog.replaced(program={**catalog.program, "years": "2015–2017"})
    period = site_metrics.program_period(other)
    chart = key_years.year_chart(key_years.year_frame(other, ALL), False, period)
    row = rows_of(chart, layers_by_mark(chart)["rect"][0]).iloc[0]
    assert (row.start, row.end, row.label) == (2014.5, 2017.5, "program years 2015–2017")
    unknown = catalog.replaced(program={**catalog.program, "years": None})
    assert site_metrics.program_period(unknown) is None
    bare = key_years.year_chart(key_years.year_frame(catalog, ALL), False, None)
    assert "rect" not in layers_by_mark(bare)
    assert bare.to_dict()["title"] == "Key years per site"
    assert "shaded" not in bare.to_dict()["description"].lower()


def test_key_years_legends_and_year_axis_sit_above_the_marks(catalog):
    frame = key_years.year_frame(catalog, ALL)
    for lens in (False, True):
        for metric in (key_years.ALL_KEY_YEARS, NNIP):
            spec = key_years.year_chart(frame, lens, PERIOD, metric).to_dict()
            points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
            encoding = points["encoding"]
            assert encoding["x"]["axis"]["orient"] == "top"
            assert encoding["shape"]["legend"]["orient"] == "top"
            if "field" in encoding["color"]:
                assert encoding["color"]["legend"]["orient"] == "top"
            assert "layout" in spec["config"]["legend"]  # stacked on narrow plots, side by side on wide ones


def test_one_metric_uses_one_colour_and_orders_sites_by_year(catalog):
    frame = key_years.year_frame(catalog, ALL)
    chart = key_years.year_chart(frame, False, PERIOD, NNIP)
    marks = layers_by_mark(chart)
    (points,) = marks["point"]
    assert points["encoding"]["color"] == {"value": constants.CATEGORY_COLORS[0]}
    plotted = rows_of(chart, points)
    nnip = frame[frame["metric"] == NNIP]
    assert set(plotted["metric"]) == {NNIP}
    assert len(plotted) == int(nnip["known"].sum()) == 5
    assert plotted["numeric"].notna().all()
    assert values.NOT_FOUND not in set(plotted["display"])
    # earliest first (ties in catalog order), sites without a value last, each keeping its row
    assert points["encoding"]["y"]["scale"]["domain"] == [
        "Boston",
        "Cleveland",
        "Washington, DC",
        "Pittsburgh",
        "San Antonio",
        "St. Louis",
        "Seattle / King\nCounty",
    ]
    (gaps,) = marks["text"]
    written = rows_of(chart, gaps)
    assert set(written["site_name"]) == {"St. Louis", "Seattle / King County"}
    assert set(written["display"]) == {values.NOT_FOUND}
    assert gaps["encoding"]["x"] == {"value": 0}  # written at the left edge, never placed at a year
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Year joined NNIP"
    assert "Sites earliest first" in spec["title"]["subtitle"]
    # the year axis spans the years shown and the program years, a year's margin either side
    assert points["encoding"]["x"]["scale"]["domain"] == [1994, 2019]
    every = key_years.year_chart(frame, False, PERIOD).to_dict()
    assert every["layer"][1]["encoding"]["x"]["scale"]["domain"] == [1994, 2025]


@pytest.mark.parametrize("lens", [False, True])
def test_one_metric_keeps_close_years_apart(catalog, lens):
    frame = key_years.year_frame(catalog, ALL)
    chart = key_years.year_chart(frame, lens, PERIOD, "open_data_policy_year")
    (points,) = layers_by_mark(chart)["point"]
    assert sorted(set(rows_of(chart, points)["numeric"])) == [2014, 2016]
    assert points["encoding"]["x"]["scale"]["domain"] == [2013, 2019]  # not 1994-2025, where 2014 and 2016 touch


def test_one_metric_under_the_lens_is_coloured_and_grouped_by_role(catalog):
    frame = key_years.year_frame(catalog, ALL)
    chart = key_years.year_chart(frame, True, PERIOD, "open_data_policy_year")
    (points,) = layers_by_mark(chart)["point"]
    assert points["encoding"]["color"]["field"] == "role"
    order = [label.split("\n")[0] for label in points["encoding"]["y"]["scale"]["domain"]]
    assert order == ["Boston", "Washington, DC", "St. Louis", "Pittsburgh", "Seattle / King", "Cleveland", "San Antonio"]
    assert all(label.endswith(("implementation", "learning")) for label in points["encoding"]["y"]["scale"]["domain"])


def test_every_key_years_chart_has_one_colour_per_metric_at_most(catalog):
    frame = key_years.year_frame(catalog, ALL)
    every = layers_by_mark(key_years.year_chart(frame, False, PERIOD))["point"][0]["encoding"]["color"]
    assert len(every["scale"]["range"]) == len(site_metrics.YEAR_METRICS)
    for metric in site_metrics.YEAR_METRICS:
        (points,) = layers_by_mark(key_years.year_chart(frame, False, PERIOD, metric))["point"]
        assert "field" not in points["encoding"]["color"]


def test_wide_key_years_table_is_site_by_metric_with_not_found_cells(catalog):
    frame = key_years.year_frame(catalog, ALL)
    wide = key_years.year_table(frame)
    labels = list(site_metrics.year_metric_labels(catalog).values())
    assert list(wide.columns) == ["site", *labels]
    assert len(wide) == 7
    assert list(wide["site"]) == list(site_metrics.site_frame(catalog, ALL)["site_name"])
    cells = wide.set_index("site")
    assert (cells == values.NOT_FOUND).sum().sum() == int((~frame["known"]).sum()) == 15
    assert cells.loc["Boston", "Year joined NNIP"] == "1995"
    assert cells.loc["St. Louis", "Year joined NNIP"] == values.NOT_FOUND
    for row in frame.itertuples():  # every cell is the long table's value
        assert cells.loc[row.site_name, row.metric_label] == row.display
    one = key_years.year_table(key_years.chosen_years(frame, NNIP))
    assert list(one.columns) == ["site", "Year joined NNIP"]
    assert list(one["site"])[:2] == ["Boston", "Cleveland"]
    assert list(one["Year joined NNIP"])[-2:] == [values.NOT_FOUND] * 2
    lens = key_years.year_table(frame, lens=True)
    assert list(lens.columns[:2]) == ["site", "role"]
    assert list(lens["role"]) == ["implementation"] * 3 + ["learning"] * 4


def test_key_years_view_follows_the_choice(catalog):
    every = key_years.key_years_view(catalog, ALL, False)
    assert every.chart.spec["title"]["text"] == "Key years per site"
    assert every.table.shape == (7, 7)
    assert len(every.chart.table) == 42
    assert every.table_name == "key-years-by-site"
    one = key_years.key_years_view(catalog, ALL, False, NNIP)
    assert one.chart.spec["title"]["text"] == "Year joined NNIP"
    assert one.table.shape == (7, 2)
    assert list(one.chart.table["site"]) == list(one.table["site"])  # long and wide tables in chart order
    assert one.chart.name == "key-years-nnip_join_year"
    assert one.table_name == "key-years-nnip_join_year-by-site"
    assert "Boston: 1995; Cleveland: 1995; Washington, DC: 1997" in one.chart.alt_text
    assert "St. Louis: not found in sources" in one.chart.alt_text
    assert one.not_found_markdown.count("\n- ") == 2
    unknown = key_years.key_years_view(catalog, ALL, False, "<script>")
    assert unknown.chart.spec["title"]["text"] == "Key years per site"  # an unknown choice shows every metric
    lens = key_years.key_years_view(catalog, ALL, True, NNIP)
    assert lens.comparison_markdown == ""  # the takeaway already compares the roles on this metric
    assert "implementation sites 1995 \\(Boston\\) and 1997 \\(Washington, DC\\)" in lens.chart.takeaway


def test_key_years_takeaway_counts_the_program_years(catalog):
    frame = key_years.year_frame(catalog, ALL)
    known = frame[frame["known"]]
    inside = int(known["numeric"].between(*PERIOD).sum())
    text = key_years.year_takeaway(frame, False, PERIOD)
    assert text.endswith(f"{inside} of the {len(known)} fall within the program years 2014–2018 (shaded).")
    nnip = key_years.chosen_years(frame, NNIP)
    assert key_years.year_takeaway(nnip, False, PERIOD) == (
        "Year joined NNIP: 5 of 7 sites have a value in the sources, the earliest Boston and Cleveland (1995) "
        "and the latest San Antonio (2010). None of the 5 falls within the program years 2014–2018 (shaded)."
    )
    policy = key_years.chosen_years(frame, "open_data_policy_year")
    assert key_years.year_takeaway(policy, False, PERIOD).endswith("4 of the 4 fall within the program years 2014–2018 (shaded).")
    assert key_years.year_takeaway(policy, False, None).endswith("(2016).")
    lone = policy[policy["site"].isin(["boston", "st-louis"])]
    assert key_years.year_takeaway(lone, False, PERIOD) == (
        "Open data policy year: only Boston of the 2 sites in view has a value in the sources (2014). "
        "It falls within the program years 2014–2018 (shaded)."
    )
    none = policy[policy["site"] == "st-louis"]
    assert key_years.year_takeaway(none, False, PERIOD) == "Open data policy year: no site in view has a value in the sources."


def test_key_years_text_from_the_data_is_escaped(catalog):
    sites = catalog.sites.copy()
    sites.loc[sites["id"] == "boston", "name"] = "<script>alert(1)</script> *Boston*"
    hostile = catalog.replaced(sites=sites)
    view = key_years.key_years_view(hostile, ALL, False, NNIP)
    assert "<script>" not in view.chart.takeaway
    assert "\\<script\\>" in view.chart.takeaway
    assert "\\*Boston\\*" in view.chart.takeaway
    assert "<script>alert(1)</script> *Boston*" in set(view.table["site"])  # tables hold plain text, shown as text

"""Census refresh: API URL and source records, figures and margins of error from answers in the
API's shape, the per-figure check against stored rows, and the command that reports and writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DATA_DIR, MINIMAL_DIR
from dashboard.__main__ import main
from dashboard.data import census
from dashboard.data.loading import load_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "census"
VINTAGE = "ACS 2019-2023 5-year"


def recorded(url: str):
    """Answer an API URL from the fixtures, keyed by state+place code."""
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    geoid = query["in"].removeprefix("state:") + query["for"].removeprefix("place:")
    return json.loads((FIXTURES / f"place-{geoid}.json").read_text())


def test_api_url_asks_for_estimates_and_margins_of_error_of_one_place():
    url = census.api_url("2507000", 2023)
    assert url.startswith("https://api.census.gov/data/2023/acs/acs5?get=NAME,B01003_001E,")
    assert "for=place:07000" in url
    assert "in=state:25" in url
    for name in ("B17020_002E", "B23025_005E", "B01003_001M", "B19013_001M", "B17020_001M", "B23025_003M"):
        assert name in url


def test_census_sources_name_variables_geography_and_vintage():
    sites = [
        {"id": "boston", "name": "Boston", "state": "MA", "census_geoid": "2507000"},
        {"id": "nowhere", "name": "X", "state": "MA"},
    ]
    (record,) = census.census_sources(sites, 2023)
    assert record["id"] == "census-acs5-2023-boston" == census.source_id("boston", 2023)
    assert record["url"] == census.api_url("2507000", 2023)
    assert "ACS 2019-2023 5-year" in record["title"]
    assert "2507000" in record["title"]
    assert "B19013_001" in record["title"]
    assert record["date"] is None
    assert record["kind"] == "dataset"


def test_figures_and_margins_of_error_from_an_answer():
    variables = census.fetch_acs([{"id": "boston", "census_geoid": "2507000"}, {"id": "nowhere"}], fetch=recorded, year=2023)
    assert set(variables) == {"boston"}
    got = {f.metric: f for f in census.figures("boston", variables["boston"])}
    assert got["population"].value == 663972
    assert got["population"].margin_of_error is None  # a negative code: not given
    assert got["median_household_income_usd"].margin_of_error == 1520
    assert got["poverty_rate_pct"].value == pytest.approx(16.87)
    assert got["unemployment_rate_pct"].value == pytest.approx(6.01)
    assert got["poverty_rate_pct"].margin_of_error is not None


@pytest.mark.parametrize(
    ("part_moe", "whole_moe", "expected"),
    [
        (20, 40, 4.33),  # sqrt(20² - 0.25²·40²) / 400 = sqrt(300) / 400
        (5, 40, 2.80),  # radicand negative: the ratio formula, sqrt(5² + 0.25²·40²) / 400
    ],
)
def test_margin_of_error_of_a_rate_follows_the_census_formula(part_moe, whole_moe, expected):
    values = {"B17020_002E": 100.0, "B17020_001E": 400.0, "B17020_002M": float(part_moe), "B17020_001M": float(whole_moe)}
    rate = {f.metric: f for f in census.figures("x", values)}["poverty_rate_pct"]
    assert rate.value == 25.0
    assert rate.margin_of_error == pytest.approx(expected, abs=0.005)


def test_unavailable_estimate_is_none_never_zero():
    values = census.fetch_acs([{"id": "st-louis", "census_geoid": "2965000"}], fetch=recorded)
    income = {f.metric: f for f in census.figures("st-louis", values["st-louis"])}["median_household_income_usd"]
    assert income.value is None
    assert income.margin_of_error is None


def test_shipped_boston_figures_are_confirmed_by_an_agreeing_answer(catalog):
    """The fixture agrees with the shipped Boston figures, so each becomes confirmed (API + compilation)."""
    boston = catalog.sites[catalog.sites["id"] == "boston"].to_dict("records")
    stored = yaml.safe_load((DATA_DIR / "census.yaml").read_text())
    rows, checks = census.refresh(census.fetch_acs(boston, fetch=recorded), stored, 2023)
    assert [c.status for c in checks] == [census.CONFIRMED] * 4
    assert all(row["confidence"] == "confirmed" for row in rows)
    assert all(row["sources"][:2] == ["census-acs5-2023-boston", "acs-1"] for row in rows)
    income = next(row for row in rows if row["metric"] == "median_household_income_usd")
    assert income["margin_of_error"] == 1520
    assert "boston--population--acs2023: confirmed (663972)" in [c.line() for c in checks]


def _stored(site: str, metric: str, value, sources=("acs-1",), note=None) -> dict:
    row = {
        "id": census.row_id(site, metric, 2023),
        "site": site,
        "metric": metric,
        "value": value,
        "unit": "x",
        "vintage": VINTAGE,
        "margin_of_error": None,
        "confidence": "single-source",
        "sources": [census.source_id(site, 2023), *sources],
    }
    if note:
        row["note"] = note
    return row


def test_refresh_reports_and_writes_each_outcome():
    variables = census.fetch_acs([{"id": "st-louis", "census_geoid": "2965000"}], fetch=recorded)
    stored = [
        _stored("st-louis", "population", 293109, note="City only."),
        _stored("st-louis", "median_household_income_usd", 55279),
        _stored("st-louis", "poverty_rate_pct", 19.76),
    ]
    rows, checks = census.refresh(variables, stored, 2023)
    by_id = {row["id"]: row for row in rows}
    status = {c.id: c.status for c in checks}
    lines = [c.line() for c in checks]

    population = by_id["st-louis--population--acs2023"]
    assert status[population["id"]] == census.DIFFERS
    assert (
        "st-louis--population--acs2023: differs: stored 293109 vs API 293000; margin of error ±110 (API value written)" in lines
    )
    # sqrt(2010² - 0.1976² · 900²) / 280000 · 100 = 0.715
    assert "st-louis--poverty_rate_pct--acs2023: confirmed (19.76; margin of error ±0.72)" in lines
    assert population["value"] == 293000
    assert population["sources"] == ["census-acs5-2023-st-louis"]
    assert population["confidence"] == "single-source"
    assert population["margin_of_error"] == 110
    assert population["note"].startswith("City only.")
    assert "293109" in population["note"]

    income = by_id["st-louis--median_household_income_usd--acs2023"]
    assert status[income["id"]] == census.NO_ESTIMATE
    assert income["value"] == 55279
    assert income["sources"] == ["acs-1"]
    assert income["margin_of_error"] is None

    poverty = by_id["st-louis--poverty_rate_pct--acs2023"]
    assert status[poverty["id"]] == census.CONFIRMED
    assert poverty["confidence"] == "confirmed"

    unemployment = by_id["st-louis--unemployment_rate_pct--acs2023"]
    assert status[unemployment["id"]] == census.NEW
    assert unemployment["value"] == pytest.approx(5.05)
    assert unemployment["confidence"] == "single-source"
    assert (
        census.summary(checks, VINTAGE)
        == f"Checked 4 figures ({VINTAGE}): 1 confirmed, 1 differ, 1 new, 1 without an API estimate"
    )


def test_a_rate_cut_rather_than_rounded_still_agrees():
    figure = census.Figure("x", "poverty_rate_pct", "percent", 16.88, 16.8751, 0.5)
    row, check = census._refresh_one(figure, _stored("x", "poverty_rate_pct", 16.87), 2023)
    assert check.status == census.CONFIRMED
    assert row["value"] == 16.87
    row, check = census._refresh_one(figure, _stored("x", "poverty_rate_pct", 16.85), 2023)
    assert check.status == census.DIFFERS
    assert row["value"] == 16.88


def _data_with_places(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, data)
    sites = yaml.safe_load((data / "sites.yaml").read_text())
    sites[0]["census_geoid"] = "2507000"
    sites[1]["census_geoid"] = "2965000"
    (data / "sites.yaml").write_text(yaml.safe_dump(sites, sort_keys=False))
    return data


def test_refresh_census_command_reports_writes_rows_and_adds_sources(tmp_path: Path, monkeypatch, capsys):
    data = _data_with_places(tmp_path)
    monkeypatch.setattr(census, "http_get_json", recorded)

    assert main(["refresh-census", str(data)]) == 0
    out = capsys.readouterr().out
    assert "alpha-city--population--acs2023: differs: stored 5000 vs API 663972 (API value written)" in out
    assert "beta-town--median_household_income_usd--acs2023: no estimate from the API (left null)" in out
    assert f"Checked 8 figures ({VINTAGE}): 0 confirmed, 1 differ, 6 new, 1 without an API estimate" in out
    assert (
        (data / "census.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=schema/census.json\n# Census context for each site")
    )
    assert "# Test fixture (fictional)." in (data / "sources.yaml").read_text()  # appended to, not rewritten
    catalog = load_catalog(data)
    rows = catalog.metrics[catalog.metrics["vintage"] == VINTAGE]
    assert len(rows) == 7
    assert all(sources[0].startswith("census-acs5-2023-") for sources in rows["sources"])
    assert {"census-acs5-2023-alpha-city", "census-acs5-2023-beta-town"} <= set(catalog.sources["id"])

    assert main(["refresh-census", str(data)]) == 0  # a second run adds no duplicate sources
    assert "added sources" not in capsys.readouterr().out
    load_catalog(data)


def test_refresh_census_dry_run_writes_nothing(tmp_path: Path, monkeypatch, capsys):
    data = _data_with_places(tmp_path)
    before = {name: (data / name).read_text() for name in ("census.yaml", "sources.yaml")}
    monkeypatch.setattr(census, "http_get_json", recorded)
    assert main(["refresh-census", str(data), "--dry-run"]) == 0
    assert "Dry run: nothing written." in capsys.readouterr().out
    assert {name: (data / name).read_text() for name in before} == before


def test_refresh_census_offline_is_a_clear_error(tmp_path: Path, monkeypatch, capsys):
    data = _data_with_places(tmp_path)
    before = (data / "census.yaml").read_text()

    def offline(url):
        raise OSError("network is unreachable")

    monkeypatch.setattr(census, "http_get_json", offline)
    assert main(["refresh-census", str(data)]) == 2
    assert "Could not reach the Census Bureau API" in capsys.readouterr().err
    assert (data / "census.yaml").read_text() == before

"""Census refresh: API URL, parsing of a recorded-shape response, rates, and the rewritten file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL_DIR
from dashboard import census
from dashboard.__main__ import main
from dashboard.loading import load_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "census"


def recorded(url: str):
    """Answer an API URL from the recorded responses, keyed by state+place code."""
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    geoid = query["in"].removeprefix("state:") + query["for"].removeprefix("place:")
    return json.loads((FIXTURES / f"place-{geoid}.json").read_text())


def test_api_url_names_place_state_and_variables():
    url = census.api_url("2507000", 2023)
    assert url.startswith("https://api.census.gov/data/2023/acs/acs5?get=NAME,B01003_001E,")
    assert "for=place:07000" in url and "in=state:25" in url
    assert "B17020_002E" in url and "B23025_005E" in url


def test_rows_from_recorded_response():
    sites = [{"id": "boston", "census_geoid": "2507000"}, {"id": "st-louis", "census_geoid": "2965000"}, {"id": "nowhere"}]
    variables = census.fetch_acs(sites, fetch=recorded, year=2023)
    assert set(variables) == {"boston", "st-louis"}
    rows = {row["id"]: row for row in census.census_rows(variables, "ACS 2019-2023 5-year")}
    assert rows["boston--population--acs2023"]["value"] == 663972
    assert rows["boston--median_household_income_usd--acs2023"]["value"] == 94755
    assert rows["boston--poverty_rate_pct--acs2023"]["value"] == pytest.approx(16.87)
    assert rows["boston--unemployment_rate_pct--acs2023"]["value"] == pytest.approx(6.01)
    missing = rows["st-louis--median_household_income_usd--acs2023"]
    assert missing["value"] is None and missing["confidence"] == "unconfirmed" and missing["vintage"] is None
    assert all(row["sources"] == [census.CENSUS_SOURCE_ID] for row in rows.values())


def test_refresh_census_rewrites_the_file(tmp_path: Path, monkeypatch):
    data = tmp_path / "data"
    import shutil

    shutil.copytree(MINIMAL_DIR, data)
    sites = yaml.safe_load((data / "sites.yaml").read_text())
    sites[0]["census_geoid"] = "2507000"
    (data / "sites.yaml").write_text(yaml.safe_dump(sites, sort_keys=False))
    sources = yaml.safe_load((data / "sources.yaml").read_text())
    sources.append({"id": census.CENSUS_SOURCE_ID, "title": "ACS 5-year API", "publisher": "U.S. Census Bureau",
                    "date": None, "url": "https://api.census.gov/data/2023/acs/acs5", "kind": "dataset"})
    (data / "sources.yaml").write_text(yaml.safe_dump(sources, sort_keys=False))
    monkeypatch.setattr(census, "http_get_json", recorded)

    assert main(["refresh-census", str(data)]) == 0
    text = (data / "census.yaml").read_text()
    assert text.startswith("# Census context for each site")
    catalog = load_catalog(data)
    census_rows = catalog.metrics[catalog.metrics["vintage"] == "ACS 2019-2023 5-year"]
    assert len(census_rows) == 4
    assert set(census_rows["metric"]) == {"population", "median_household_income_usd", "poverty_rate_pct", "unemployment_rate_pct"}


def test_refresh_census_offline_is_a_clear_error(tmp_path: Path, monkeypatch, capsys):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, data)
    sites = yaml.safe_load((data / "sites.yaml").read_text())
    sites[0]["census_geoid"] = "2507000"
    (data / "sites.yaml").write_text(yaml.safe_dump(sites, sort_keys=False))
    before = (data / "census.yaml").read_text()

    def offline(url):
        raise OSError("network is unreachable")

    monkeypatch.setattr(census, "http_get_json", offline)
    assert main(["refresh-census", str(data)]) == 2
    assert "Could not reach the Census Bureau API" in capsys.readouterr().err
    assert (data / "census.yaml").read_text() == before

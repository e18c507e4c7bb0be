"""Census refresh: API URL and source records, figures and margins of error from answers in the
API's shape, the per-figure check against stored rows (recording when and how), and the command that
reports and writes, run against a real HTTP server on loopback that answers like the API, fails or
is too slow."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import DATA_DIR, MINIMAL_DIR
from dashboard import constants
from dashboard.__main__ import main
from dashboard.data import census
from dashboard.data.loading import load_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "census"
VINTAGE = "ACS 2019-2023 5-year"
DAY = dt.date(2026, 12, 1)
RUN = census.Run(2023, day=DAY)


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
    answers = census.fetch_acs([{"id": "boston", "census_geoid": "2507000"}, {"id": "nowhere"}], fetch=recorded, year=2023)
    assert answers.sites == ("boston",)
    assert not answers.failures
    got = {f.metric: f for f in census.figures("boston", answers.variables["boston"])}
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
    values = census.fetch_acs([{"id": "st-louis", "census_geoid": "2965000"}], fetch=recorded).variables
    income = {f.metric: f for f in census.figures("st-louis", values["st-louis"])}["median_household_income_usd"]
    assert income.value is None
    assert income.margin_of_error is None


def test_shipped_boston_figures_are_confirmed_by_an_agreeing_answer(catalog):
    """The fixture agrees with the shipped Boston figures, so each becomes confirmed (compilation + API),
    keeps the compilation as the source of its value and records the day and how it was checked."""
    boston = catalog.sites[catalog.sites["id"] == "boston"].to_dict("records")
    stored = yaml.safe_load((DATA_DIR / "census.yaml").read_text())
    assert {row["census_check"] for row in stored if row["site"] == "boston"} == {"not yet checked"}
    rows, checks = census.refresh(census.fetch_acs(boston, fetch=recorded), stored, RUN)
    assert [c.status for c in checks] == [census.CONFIRMED] * 4
    for row in rows:
        assert row["confidence"] == "confirmed"
        assert row["sources"] == ["acs-1", "census-acs5-2023-boston"]
        assert row["value_source"] == "acs-1"
        assert row["census_query"] == "census-acs5-2023-boston"
        assert row["census_check"] == "agrees"
        assert row["census_checked"] == "2026-12-01"
        assert row["census_check_note"].startswith(
            "python -m dashboard refresh-census asked https://api.census.gov/data/2023/acs/acs5 for census-acs5-2023-boston:"
        )
    income = next(row for row in rows if row["metric"] == "median_household_income_usd")
    assert income["margin_of_error"] == 1520
    assert "its estimate 94755 (margin of error ±1520) is the same as the stored value" in income["census_check_note"]
    poverty = next(row for row in rows if row["metric"] == "poverty_rate_pct")
    assert "is within 0.01 percentage points of the stored value" in poverty["census_check_note"]
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
        "value_source": sources[0],
        "census_query": census.source_id(site, 2023),
        "census_check": "not yet checked",
        "census_checked": None,
        "sources": list(sources),
    }
    if note:
        row["note"] = note
    return row


def test_refresh_reports_and_writes_each_outcome():
    answers = census.fetch_acs([{"id": "st-louis", "census_geoid": "2965000"}], fetch=recorded)
    stored = [
        _stored("st-louis", "population", 293109, note="City only."),
        _stored("st-louis", "median_household_income_usd", 55279),
        _stored("st-louis", "poverty_rate_pct", 19.76),
    ]
    rows, checks = census.refresh(answers, stored, RUN)
    by_id = {row["id"]: row for row in rows}
    status = {c.id: c.status for c in checks}
    lines = [c.line() for c in checks]
    assert all(row["census_checked"] == "2026-12-01" and row["census_query"] == "census-acs5-2023-st-louis" for row in rows)

    population = by_id["st-louis--population--acs2023"]
    assert status[population["id"]] == census.DIFFERS == population["census_check"] == "replaced"
    assert (
        "st-louis--population--acs2023: differs: stored 293109 vs API 293000; margin of error ±110 (API value written)" in lines
    )
    # sqrt(2010² - 0.1976² · 900²) / 280000 · 100 = 0.715
    assert "st-louis--poverty_rate_pct--acs2023: confirmed (19.76; margin of error ±0.72)" in lines
    assert population["value"] == 293000
    assert population["sources"] == ["census-acs5-2023-st-louis"]
    assert population["value_source"] == "census-acs5-2023-st-louis"
    assert population["confidence"] == "single-source"
    assert population["margin_of_error"] == 110
    assert population["note"].startswith("City only.")
    assert "293109" in population["note"]
    assert (
        "its estimate 293000 (margin of error ±110) differs from the stored 293109 and replaced it"
        in population["census_check_note"]
    )

    income = by_id["st-louis--median_household_income_usd--acs2023"]
    assert status[income["id"]] == census.NO_ESTIMATE == income["census_check"]
    assert income["value"] == 55279
    assert income["sources"] == ["acs-1"]
    assert income["margin_of_error"] is None
    assert income["value_source"] == "acs-1"
    assert "it gave no estimate for this figure" in income["census_check_note"]

    poverty = by_id["st-louis--poverty_rate_pct--acs2023"]
    assert status[poverty["id"]] == census.CONFIRMED
    assert poverty["confidence"] == "confirmed"
    assert poverty["sources"] == ["acs-1", "census-acs5-2023-st-louis"]
    assert poverty["value_source"] == "acs-1"

    unemployment = by_id["st-louis--unemployment_rate_pct--acs2023"]
    assert status[unemployment["id"]] == census.NEW == unemployment["census_check"]
    assert unemployment["value"] == pytest.approx(5.05)
    assert unemployment["confidence"] == "single-source"
    assert unemployment["value_source"] == "census-acs5-2023-st-louis"
    assert (
        census.summary(checks, VINTAGE)
        == f"Checked 4 figures ({VINTAGE}): 1 confirmed, 1 differ, 1 new, 1 without an API estimate"
    )


def test_a_rate_cut_rather_than_rounded_still_agrees():
    figure = census.Figure("x", "poverty_rate_pct", "percent", 16.88, 16.8751, 0.5)
    row, check = census._refresh_one(figure, _stored("x", "poverty_rate_pct", 16.87), RUN)
    assert check.status == census.CONFIRMED
    assert row["value"] == 16.87
    row, check = census._refresh_one(figure, _stored("x", "poverty_rate_pct", 16.85), RUN)
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


class CensusAPI(http.server.BaseHTTPRequestHandler):
    """Answers like the Census Bureau's ACS 5-year API, from the fixtures, for each place code, or
    fails as ``behaviour`` says: "error" (HTTP 500), "slow" (answers after the client gave up) or
    "garbled" (not JSON)."""

    behaviour: dict[str, str] = {}
    requests: list[tuple[str, str]] = []  # (path and query, User-Agent)

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        type(self).requests.append((self.path, self.headers.get("User-Agent", "")))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        geoid = query["in"][0].removeprefix("state:") + query["for"][0].removeprefix("place:")
        how = self.behaviour.get(geoid, "ok")
        if how == "slow":
            time.sleep(1.5)
        status, body = (500, b"error: internal") if how == "error" else (200, (FIXTURES / f"place-{geoid}.json").read_bytes())
        if how == "garbled":
            body = b"<html>maintenance</html>"
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client timed out and closed the connection
            pass

    def log_message(self, *args) -> None:
        """Quiet: the tests read the requests from ``requests``."""


@contextlib.contextmanager
def census_api(**behaviour: str) -> Iterator[str]:
    """A loopback HTTP server answering like the API; yields the API address to pass as ``--api``."""
    CensusAPI.behaviour, CensusAPI.requests = behaviour, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CensusAPI)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data/{{year}}/acs/acs5"
    finally:
        server.shutdown()
        server.server_close()


def _refresh(data: Path, api: str, *extra: str) -> int:
    return main(["refresh-census", str(data), "--api", api, "--timeout", "0.5", *extra])


def test_refresh_census_against_a_loopback_api_reports_writes_and_records_the_check(tmp_path: Path, capsys):
    data = _data_with_places(tmp_path)
    with census_api() as api:
        assert _refresh(data, api) == 0
        paths = [path for path, _ in CensusAPI.requests]
        agents = {agent for _, agent in CensusAPI.requests}
    out = capsys.readouterr().out
    assert len(paths) == 2
    assert all(path.startswith("/data/2023/acs/acs5?get=NAME,B01003_001E,") for path in paths)
    assert agents == {constants.USER_AGENT}
    assert "CTDC-Atlas" in constants.USER_AGENT
    assert "alpha-city--population--acs2023: differs: stored 5000 vs API 663972 (API value written)" in out
    assert "beta-town--median_household_income_usd--acs2023: no estimate from the API (left null)" in out
    assert f"Checked 8 figures ({VINTAGE}): 0 confirmed, 1 differ, 6 new, 1 without an API estimate" in out
    text = (data / "census.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=schema/census.json\n# Census context for each site")
    assert "# Test fixture (fictional)." in (data / "sources.yaml").read_text()  # appended to, not rewritten
    catalog = load_catalog(data)
    rows = catalog.metrics[catalog.metrics["vintage"] == VINTAGE].set_index("id")
    assert len(rows) == 7
    population = rows.loc["alpha-city--population--acs2023"]
    assert population["value"] == 663972
    assert population["census_check"] == "replaced"
    assert population["value_source"] == population["census_query"] == "census-acs5-2023-alpha-city"
    assert population["census_checked"] == dt.date.today().isoformat()
    assert population["census_check_note"].startswith(f"python -m dashboard refresh-census asked {api.format(year=2023)} for ")
    assert "5000" in population["note"]
    assert {"census-acs5-2023-alpha-city", "census-acs5-2023-beta-town"} <= set(catalog.sources["id"])
    assert catalog.sources.set_index("id").loc["census-acs5-2023-alpha-city", "url"].startswith("https://api.census.gov/")

    with census_api() as api:  # a second run adds no duplicate sources
        assert _refresh(data, api) == 0
    assert "added sources" not in capsys.readouterr().out
    load_catalog(data)


def test_an_agreeing_answer_confirms_the_stored_figure(tmp_path: Path, capsys):
    data = _data_with_places(tmp_path)
    (data / "census.yaml").write_text((data / "census.yaml").read_text().replace("value: 5000", "value: 663972"))
    with census_api() as api:
        assert _refresh(data, api) == 0
    assert "alpha-city--population--acs2023: confirmed (663972)" in capsys.readouterr().out
    row = load_catalog(data).metrics.set_index("id").loc["alpha-city--population--acs2023"]
    assert row["confidence"] == "confirmed"
    assert row["census_check"] == "agrees"
    assert row["value_source"] == "example-report"
    assert list(row["sources"]) == ["example-report", "census-acs5-2023-alpha-city"]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [("error", "HTTP Error 500"), ("slow", "timed out"), ("garbled", "Expecting value")],
    ids=["error status", "time-out", "not JSON"],
)
def test_a_site_the_api_fails_for_is_reported_and_left_as_it_was(tmp_path: Path, capsys, behaviour, reason):
    data = _data_with_places(tmp_path)
    with census_api(**{"2507000": behaviour}) as api:  # alpha-city fails, beta-town answers
        assert _refresh(data, api) == 1
    out = capsys.readouterr()
    assert "alpha-city: could not be checked (" in out.err
    assert reason in out.err
    assert "its figures are left as they were" in out.err
    assert "beta-town--population--acs2023: new" in out.out
    assert "alpha-city--" not in out.out
    rows = load_catalog(data).metrics.set_index("id")
    alpha = rows.loc["alpha-city--population--acs2023"]
    assert alpha["value"] == 5000
    assert alpha["census_check"] == "not yet checked"
    assert alpha["census_checked"] is None
    assert rows.loc["beta-town--population--acs2023", "census_check"] == "new"


def test_refresh_census_dry_run_writes_nothing(tmp_path: Path, capsys):
    data = _data_with_places(tmp_path)
    before = {name: (data / name).read_text() for name in ("census.yaml", "sources.yaml")}
    with census_api() as api:
        assert _refresh(data, api, "--dry-run") == 0
    assert "Dry run: nothing written." in capsys.readouterr().out
    assert {name: (data / name).read_text() for name in before} == before


def test_refresh_census_with_no_answer_at_all_is_a_clear_error_and_writes_nothing(tmp_path: Path, capsys):
    data = _data_with_places(tmp_path)
    before = (data / "census.yaml").read_text()
    with census_api(**{"2507000": "slow", "2965000": "error"}) as api:
        assert _refresh(data, api) == 2
    err = capsys.readouterr().err
    assert "Could not reach the Census Bureau API at http://127.0.0.1:" in err
    assert "nothing checked" in err
    assert (data / "census.yaml").read_text() == before


def test_refresh_census_offline_is_a_clear_error(tmp_path: Path, capsys):
    data = _data_with_places(tmp_path)
    with census_api() as api:
        closed = api  # the server is gone once the block ends: nothing listens on its port
    assert _refresh(data, closed) == 2
    assert "Could not reach the Census Bureau API" in capsys.readouterr().err

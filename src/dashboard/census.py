"""Census context from the Census Bureau's ACS 5-year API, written to ``census.yaml``.

``fetch_acs`` asks the API for each site's place; ``census_rows`` turns the answers into metric
rows; ``write_census_yaml`` rewrites the file. The network call is injectable so it can be
tested against a recorded response.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from . import constants as C

CENSUS_SOURCE_ID = "census-acs5-api"

# metric id -> (unit, function of the variables dict)
_MEASURES: dict[str, tuple[str, Callable[[dict[str, float]], float | None]]] = {
    "population": ("people", lambda v: v["B01003_001E"]),
    "median_household_income_usd": ("USD", lambda v: v["B19013_001E"]),
    "poverty_rate_pct": ("percent", lambda v: _percent(v["B17020_002E"], v["B17020_001E"])),
    "unemployment_rate_pct": ("percent", lambda v: _percent(v["B23025_005E"], v["B23025_003E"])),
}

Fetcher = Callable[[str], Any]


def _percent(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 2)


def _number(text: Any) -> float | None:
    """ACS values arrive as strings; negative codes (e.g. -666666666) mean 'not available'."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if value < 0 else value


def api_url(geoid: str, year: int = C.CENSUS_YEAR) -> str:
    """The ACS 5-year API URL for one place, given its 7-digit state+place code."""
    query = urllib.parse.urlencode(
        {"get": ",".join(("NAME",) + C.CENSUS_VARIABLES), "for": f"place:{geoid[2:]}", "in": f"state:{geoid[:2]}"},
        safe=":,",
    )
    return C.CENSUS_API.format(year=year) + "?" + query


def http_get_json(url: str, timeout: float = 30.0) -> Any:
    """GET a URL and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed https host)
        return json.loads(response.read().decode("utf-8"))


def fetch_acs(sites: Iterable[dict[str, Any]], fetch: Fetcher | None = None, year: int = C.CENSUS_YEAR) -> dict[str, dict[str, float | None]]:
    """Variables per site id, from one API request per site with a ``census_geoid``."""
    fetch = fetch or http_get_json
    out: dict[str, dict[str, float | None]] = {}
    for site in sites:
        geoid = site.get("census_geoid")
        if not isinstance(geoid, str) or not geoid:
            continue
        table = fetch(api_url(geoid, year))
        if not isinstance(table, list) or len(table) < 2:
            raise ValueError(f"unexpected Census API answer for {site['id']}")
        header, values = table[0], table[1]
        row = dict(zip(header, values))
        out[site["id"]] = {var: _number(row.get(var)) for var in C.CENSUS_VARIABLES}
    return out


def census_rows(variables: dict[str, dict[str, float | None]], vintage: str = C.CENSUS_VINTAGE) -> list[dict[str, Any]]:
    """Metric rows (the ``census.yaml`` shape) from the variables of each site."""
    rows = []
    tag = "acs" + vintage.split("-")[1][:4] if "-" in vintage else "acs"
    for site_id, values in variables.items():
        for metric, (unit, compute) in _MEASURES.items():
            value = compute(values)
            if value is not None and unit != "percent":
                value = int(value)
            rows.append(
                {
                    "id": f"{site_id}--{metric}--{tag}",
                    "site": site_id,
                    "metric": metric,
                    "value": value,
                    "unit": unit,
                    "vintage": vintage if value is not None else None,
                    "confidence": "single-source" if value is not None else "unconfirmed",
                    "sources": [CENSUS_SOURCE_ID],
                }
            )
    return rows


HEADER = """\
# Census context for each site: population, median household income, poverty rate and
# unemployment rate, all from one American Community Survey 5-year release.
# Written by `python -m dashboard refresh-census` from the Census Bureau's API
# (B01003_001E; B19013_001E; B17020_002E / B17020_001E; B23025_005E / B23025_003E).
# Rates are computed from the counts and rounded to two decimals. Income is in dollars of the
# release's last survey year. Values the API did not give are null, never zero.
"""


def write_census_yaml(path: Path, rows: list[dict[str, Any]]) -> None:
    """Rewrite ``census.yaml`` with a header comment and the given rows."""
    body = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(HEADER + "\n" + body, encoding="utf-8")

"""Census context from the Census Bureau's ACS 5-year API, checked against ``census.yaml``.

Each figure names the source its value was taken from (``value_source``, e.g. the compilation
acs-1) and, separately, the Census Bureau API query for its Census place that would confirm it
(``census_query``; ``census_sources`` builds that source record). Until ``refresh-census`` has
compared the figure with the API its ``census_check`` is "not yet checked" and the query is not
among its sources. ``fetch_acs`` asks the API for every site's estimates and margins of error (a
site whose request fails is reported and left as it was); ``refresh`` compares them with the stored
rows, figure by figure, and returns the rows to write, each recording when and how it was checked,
with a ``Check`` per figure (agrees, replaced, new, or no estimate).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dashboard import constants as C

Fetcher = Callable[[str], Any]

# metric id -> (unit, numerator table cell, denominator table cell or None for a plain count).
# A cell is a variable name without its E (estimate) or M (margin of error) suffix.
_MEASURES: dict[str, tuple[str, str, str | None]] = {
    "population": ("people", "B01003_001", None),
    "median_household_income_usd": ("USD", "B19013_001", None),
    "poverty_rate_pct": ("percent", "B17020_002", "B17020_001"),
    "unemployment_rate_pct": ("percent", "B23025_005", "B23025_003"),
}
MOE_VARIABLES = tuple(name[:-1] + "M" for name in C.CENSUS_VARIABLES)
# A stored rate agrees with the API when it is within this many percentage points of the exact
# ratio: the precision of a rate stored to two decimals, whether it was rounded or cut.
RATE_TOLERANCE = 0.01

# What a check found: the census_check values refresh-census writes (schema.CensusCheck).
CONFIRMED, DIFFERS, NEW, NO_ESTIMATE = "agrees", "replaced", "new", "no estimate"


@dataclass(frozen=True)
class Figure:
    """One measure for one site as the API gives it."""

    site: str
    metric: str
    unit: str
    value: float | None  # as stored: counts whole, rates in percent to two decimals
    exact: float | None  # the unrounded value
    margin_of_error: float | None


@dataclass(frozen=True)
class Check:
    """The outcome of comparing one stored figure with the API."""

    id: str
    status: str
    stored: Any
    api: float | None
    margin_of_error: float | None = None

    def line(self) -> str:
        """One line of the refresh report."""
        margin = "" if self.margin_of_error is None else f"; margin of error ±{_show(self.margin_of_error)}"
        if self.status == CONFIRMED:
            return f"{self.id}: confirmed ({_show(self.stored)}{margin})"
        if self.status == DIFFERS:
            return f"{self.id}: differs: stored {_show(self.stored)} vs API {_show(self.api)}{margin} (API value written)"
        if self.status == NEW:
            return f"{self.id}: new: API {_show(self.api)}{margin} (no stored figure)"
        kept = "stored value kept" if self.stored is not None else "left null"
        return f"{self.id}: no estimate from the API ({kept})"


def _show(value: Any) -> str:
    return "null" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def vintage_label(year: int) -> str:
    """The vintage text of the 5-year release ending in ``year``, e.g. ``ACS 2019-2023 5-year``."""
    return f"ACS {year - 4}-{year} 5-year"


def source_id(site_id: str, year: int) -> str:
    """Id of the source record for one site's API query at one release."""
    return f"census-acs5-{year}-{site_id}"


def row_id(site_id: str, metric: str, year: int) -> str:
    """Id of one census row."""
    return f"{site_id}--{metric}--acs{year}"


def api_url(geoid: str, year: int = C.CENSUS_YEAR, api: str = C.CENSUS_API) -> str:
    """The ACS 5-year API URL for one place (7-digit state+place code): estimates and margins of error.

    ``api`` is the API's address (with ``{year}``); another one serves a mirror or a test server.
    """
    query = urllib.parse.urlencode(
        {
            "get": ",".join(("NAME",) + C.CENSUS_VARIABLES + MOE_VARIABLES),
            "for": f"place:{geoid[2:]}",
            "in": f"state:{geoid[:2]}",
        },
        safe=":,",
    )
    return api.format(year=year) + "?" + query


def census_sources(sites: Iterable[dict[str, Any]], year: int = C.CENSUS_YEAR) -> list[dict[str, Any]]:
    """The source record of each site's API query (sites without a ``census_geoid`` have none)."""
    cells = ", ".join(name[:-1] for name in C.CENSUS_VARIABLES)
    records = []
    for site in sites:
        geoid = site.get("census_geoid")
        if not isinstance(geoid, str) or not geoid:
            continue
        records.append(
            {
                "id": source_id(site["id"], year),
                "title": (
                    f"{vintage_label(year)} estimates (E) and margins of error (M) of {cells} "
                    f"for Census place {geoid} in {site['state']} (site: {site['name']})"
                ),
                "publisher": "U.S. Census Bureau (American Community Survey API)",
                "date": None,
                "url": api_url(geoid, year),
                "kind": "dataset",
                "note": (
                    "The Census Bureau's own API query for this site's census figures: the query that would "
                    "confirm them. Each census figure of the dataset says whether it has been checked "
                    "against this query (census_check). The release date is not recorded."
                ),
            }
        )
    return records


def http_get_json(url: str, timeout: float = 30.0) -> Any:
    """GET a URL and decode its JSON body; an error status or a time-out raises ``OSError``."""
    request = urllib.request.Request(url, headers={"User-Agent": C.USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # the Census API, or a mirror named on purpose
        return json.loads(response.read().decode("utf-8"))


def _number(text: Any) -> float | None:
    """ACS values arrive as strings; negative codes (e.g. -666666666) mean 'not available'."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if value < 0 or math.isnan(value) else value


@dataclass(frozen=True)
class Answers:
    """What the API gave: the site ids asked (in order), variables per site id, and why each site it
    could not be asked for failed."""

    sites: tuple[str, ...]
    variables: dict[str, dict[str, float | None]]
    failures: dict[str, str]


def fetch_acs(
    sites: Iterable[dict[str, Any]], fetch: Fetcher | None = None, year: int = C.CENSUS_YEAR, api: str = C.CENSUS_API
) -> Answers:
    """Estimates and margins of error per site id, from one API request per site with a ``census_geoid``.

    A request that fails (no connection, an error status, a time-out, an answer not in the API's
    shape: a list of lists, header row first) is recorded in ``failures`` and the other sites go on.
    """
    fetch = fetch or http_get_json
    out: dict[str, dict[str, float | None]] = {}
    failures: dict[str, str] = {}
    asked: list[str] = []
    for site in sites:
        geoid = site.get("census_geoid")
        if not isinstance(geoid, str) or not geoid:
            continue
        asked.append(site["id"])
        try:
            table = fetch(api_url(geoid, year, api))
        except (OSError, ValueError) as exc:  # urllib's errors, time-outs and undecodable bodies
            failures[site["id"]] = str(exc) or exc.__class__.__name__
            continue
        if not isinstance(table, list) or len(table) < 2 or not all(isinstance(row, list) for row in table[:2]):
            failures[site["id"]] = "the answer is not a table with a header row and a data row"
            continue
        row = dict(zip(table[0], table[1]))
        out[site["id"]] = {name: _number(row.get(name)) for name in C.CENSUS_VARIABLES + MOE_VARIABLES}
    return Answers(tuple(asked), out, failures)


def _proportion_moe(share: float, whole: float, part_moe: float | None, whole_moe: float | None) -> float | None:
    """Margin of error of a share in percent, by the Census Bureau's formula for derived proportions.

    It falls back to the formula for ratios when the proportion formula's radicand is negative.
    """
    if part_moe is None or whole_moe is None:
        return None
    radicand = part_moe**2 - share**2 * whole_moe**2
    if radicand < 0:
        radicand = part_moe**2 + share**2 * whole_moe**2
    return round(100 * math.sqrt(radicand) / whole, 2)


def figures(site_id: str, values: dict[str, float | None]) -> list[Figure]:
    """The four measures of one site from its API variables."""
    out = []
    for metric, (unit, part, whole) in _MEASURES.items():
        count, count_moe = values.get(part + "E"), values.get(part + "M")
        if whole is None:
            whole_count = None if count is None else int(count)
            count_margin = None if count_moe is None else int(count_moe)
            out.append(Figure(site_id, metric, unit, whole_count, count, count_margin))
            continue
        total = values.get(whole + "E")
        if count is None or not total:
            out.append(Figure(site_id, metric, unit, None, None, None))
            continue
        share = count / total
        margin = _proportion_moe(share, total, count_moe, values.get(whole + "M"))
        out.append(Figure(site_id, metric, unit, round(100 * share, 2), 100 * share, margin))
    return out


def _agrees(stored: Any, figure: Figure) -> bool:
    if not isinstance(stored, (int, float)) or figure.exact is None:
        return False
    if figure.unit == "percent":
        return abs(stored - figure.exact) < RATE_TOLERANCE
    return stored == figure.value


def _with_note(note: Any, sentence: str) -> str:
    return f"{note} {sentence}" if note else sentence


@dataclass(frozen=True)
class Run:
    """One refresh: the release's last year, the API address asked and the day it was asked."""

    year: int = C.CENSUS_YEAR
    api: str = C.CENSUS_API
    day: dt.date | None = None  # today when None

    @property
    def checked(self) -> str:
        """The day of the check as an ISO date."""
        return (self.day or dt.date.today()).isoformat()

    def how(self, query: str, answer: str) -> str:
        """The ``census_check_note`` of one figure: the address asked for which query, and what it said."""
        return f"python -m dashboard refresh-census asked {self.api.format(year=self.year)} for {query}: {answer}."


ROW_FIELDS = (
    "id",
    "site",
    "metric",
    "value",
    "unit",
    "vintage",
    "margin_of_error",
    "confidence",
    "note",
    "value_source",
    "census_query",
    "census_check",
    "census_checked",
    "census_check_note",
    "sources",
)


def _row(figure: Figure, run: Run, check: str, **fields: Any) -> dict[str, Any]:
    """A census row in file order; ``fields`` override value, margin of error, confidence, note, value source,
    sources and the check's note. Empty notes are left out."""
    query = source_id(figure.site, run.year)
    row: dict[str, Any] = {
        "id": row_id(figure.site, figure.metric, run.year),
        "site": figure.site,
        "metric": figure.metric,
        "value": fields.get("value", figure.value),
        "unit": figure.unit,
        "margin_of_error": fields.get("margin_of_error", figure.margin_of_error),
        "confidence": fields["confidence"],
        "note": fields.get("note"),
        "value_source": fields.get("value_source", query),
        "census_query": query,
        "census_check": check,
        "census_checked": run.checked,
        "census_check_note": fields.get("how"),
        "sources": fields["sources"],
    }
    row["vintage"] = vintage_label(run.year) if row["value"] is not None else None
    if row["value"] is None:
        row["value_source"] = None
    return {name: row[name] for name in ROW_FIELDS if row[name] is not None or name not in ("note", "census_check_note")}


def _refresh_one(figure: Figure, stored: dict[str, Any], run: Run) -> tuple[dict[str, Any], Check]:
    """The row to write for one figure and its check; ``stored`` is the stored row, or empty."""
    api = source_id(figure.site, run.year)
    rid = row_id(figure.site, figure.metric, run.year)
    stored_value = stored.get("value")
    others = [s for s in stored.get("sources", []) if s != api]
    origin = stored.get("value_source") or (others[0] if others else None)
    note = stored.get("note")
    margin = "" if figure.margin_of_error is None else f" (margin of error ±{_show(figure.margin_of_error)})"
    if figure.value is None:
        how = run.how(api, "it gave no estimate for this figure")
        if stored_value is not None and others:
            confidence = stored.get("confidence", "single-source") if len(others) > 1 else "single-source"
            row = _row(
                figure,
                run,
                NO_ESTIMATE,
                value=stored_value,
                margin_of_error=None,
                note=note,
                confidence=confidence,
                value_source=origin,
                sources=others,
                how=how,
            )
            return row, Check(rid, NO_ESTIMATE, stored_value, None)
        row = _row(figure, run, NO_ESTIMATE, confidence="unconfirmed", note=note, sources=[api], how=how)
        return row, Check(rid, NO_ESTIMATE, None, None)
    if stored_value is None:
        how = run.how(api, f"no figure was stored; its estimate {_show(figure.value)}{margin} was written")
        row = _row(figure, run, NEW, confidence="single-source", note=note, sources=[api], how=how)
        return row, Check(rid, NEW, None, figure.value, figure.margin_of_error)
    if _agrees(stored_value, figure):
        agreement = "within 0.01 percentage points of" if figure.unit == "percent" else "the same as"
        how = run.how(api, f"its estimate {_show(figure.value)}{margin} is {agreement} the stored value")
        row = _row(
            figure,
            run,
            CONFIRMED,
            value=stored_value,
            note=note,
            value_source=origin,
            sources=[*others, api],
            confidence="confirmed" if others else "single-source",
            how=how,
        )
        return row, Check(rid, CONFIRMED, stored_value, figure.value, figure.margin_of_error)
    changed = _with_note(note, f"The value first stored, {_show(stored_value)}, differs from the Census Bureau API's.")
    how = run.how(
        api, f"its estimate {_show(figure.value)}{margin} differs from the stored {_show(stored_value)} and replaced it"
    )
    row = _row(figure, run, DIFFERS, confidence="single-source", note=changed, sources=[api], how=how)
    return row, Check(rid, DIFFERS, stored_value, figure.value, figure.margin_of_error)


def refresh(
    answers: Answers, stored_rows: Iterable[dict[str, Any]], run: Run | None = None
) -> tuple[list[dict[str, Any]], list[Check]]:
    """Rows to write and one ``Check`` per figure, comparing the API's figures with the stored rows.

    A stored figure the API agrees with keeps its value, the source it came from and its other
    sources, gains the API's query as a source and its margin of error, and becomes ``confirmed``
    when another source stands beside the API. One that differs is replaced by the API's value
    (its source is then the query), and its note records the value first stored. A figure the API
    does not give keeps the stored value and its other sources, or is null. Every figure checked
    records the day and how (``census_check``, ``census_checked``, ``census_check_note``). The
    stored rows of a site the API could not be asked for are kept as they are; stored rows of
    other releases are not carried over.
    """
    run = run or Run()
    stored = {row["id"]: row for row in stored_rows}
    rows, checks = [], []
    for site_id in answers.sites:
        if site_id in answers.failures:
            rows += [row for row in stored.values() if row.get("site") == site_id and row["id"].endswith(f"--acs{run.year}")]
            continue
        for figure in figures(site_id, answers.variables[site_id]):
            row, check = _refresh_one(figure, stored.get(row_id(site_id, figure.metric, run.year), {}), run)
            rows.append(row)
            checks.append(check)
    return rows, checks


def summary(checks: list[Check], vintage: str) -> str:
    """A one-line count of the checks by outcome."""
    counts = {status: sum(c.status == status for c in checks) for status in (CONFIRMED, DIFFERS, NEW, NO_ESTIMATE)}
    return (
        f"Checked {len(checks)} figures ({vintage}): {counts[CONFIRMED]} confirmed, {counts[DIFFERS]} differ, "
        f"{counts[NEW]} new, {counts[NO_ESTIMATE]} without an API estimate"
    )


HEADER = """\
# yaml-language-server: $schema=schema/census.json
# Census context for each site: population, median household income, poverty rate and
# unemployment rate, all from one American Community Survey (ACS) 5-year release: B01003_001
# population; B19013_001 median household income, in dollars of the release's last year; poverty
# rate = B17020_002 / B17020_001; unemployment rate = B23025_005 / B23025_003. Rates are in percent
# to two decimals, and their margins of error follow the Census Bureau's formula for derived
# proportions.
# Each figure names where its value was taken from (value_source): acs-1, a third-party
# compilation of the Census Bureau API's figures, for every figure first stored. Separately, it
# names the Census Bureau's own API query for the site's Census place that would confirm it
# (census_query, source id census-acs5-<year>-<site>), and whether it has been checked against
# that query (census_check: "not yet checked", or what refresh-census found, with the day in
# census_checked and how in census_check_note). The query is cited among a figure's sources only
# once it has confirmed or given the value. A figure is `confirmed` when two independent sources
# agree: the API and the compilation, or the compilation and another page cited on the row.
# `python -m dashboard refresh-census` (make refresh-census) checks each figure against the API,
# reports it and rewrites this file. Until it has run with network access, values are the
# compilation's, not yet checked, and margin_of_error is null (not found in sources). Values not
# found in sources are null, never zero.
"""


def write_census_yaml(path: Path, rows: list[dict[str, Any]]) -> None:
    """Rewrite ``census.yaml`` with the header comment and the given rows."""
    body = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(HEADER + "\n" + body, encoding="utf-8")


def append_missing_sources(path: Path, records: list[dict[str, Any]]) -> list[str]:
    """Append to ``sources.yaml`` the records whose ids it lacks; return the ids added.

    The file is appended to, not rewritten, so its comments and layout stay as they are.
    """
    existing = {row.get("id") for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []}
    missing = [record for record in records if record["id"] not in existing]
    if missing:
        text = path.read_text(encoding="utf-8")
        body = yaml.safe_dump(missing, sort_keys=False, allow_unicode=True, width=100)
        path.write_text(text.rstrip("\n") + "\n" + body, encoding="utf-8")
    return [record["id"] for record in missing]

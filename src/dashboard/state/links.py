"""Reading and writing the URL: raw query-parameter values in, known values and notices out, and the
parameters that reproduce a view.

Pure functions: the page layer passes in what the URL holds and the catalog's names; nothing
here reads Streamlit's state. Unknown or hostile values never raise; they fall back to defaults.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dashboard.state.filters import ALL_ROLES, Filters

MAX_PARAM_LENGTH = 200
Params = dict[str, list[str] | str]


@dataclass(frozen=True)
class PageSpec:
    """One page: its key, script in ``app_pages/``, title, icon and the URL path people share.

    The scripts are not in a folder called ``pages/``: Streamlit treats that one as its legacy
    multipage app, and a fresh server's first deep link would open under "Page not found"."""

    key: str
    script: str
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec("overview", "app_pages/home.py", "Overview", ":material/home:", "overview", default=True),
    PageSpec("map", "app_pages/sites_map.py", "Map", ":material/map:", "map"),
    PageSpec("site", "app_pages/site_profile.py", "Site profile", ":material/location_city:", "site"),
    PageSpec("networks", "app_pages/partner_networks.py", "Partner networks", ":material/hub:", "networks"),
    PageSpec("themes", "app_pages/theme_browser.py", "Themes", ":material/category:", "themes"),
    PageSpec("metrics", "app_pages/ecosystem_metrics.py", "Ecosystem metrics", ":material/monitoring:", "metrics"),
    PageSpec("ecosystem", "app_pages/your_ecosystem.py", "Your ecosystem", ":material/upload_file:", "ecosystem"),
    PageSpec("library", "app_pages/source_library.py", "Library", ":material/menu_book:", "library"),
)
PAGES_BY_KEY = {spec.key: spec for spec in PAGE_SPECS}

# Every URL parameter a page reads, and what it sets (README.md documents each; a test checks it).
URL_PARAMETERS = {
    "sites": "global filter: sites, repeated (sites=Boston&sites=St.+Louis)",
    "themes": "global filter: themes, repeated",
    "role": "global filter: all, implementation or learning",
    "site": "Site profile: the site shown",
    "compare": "Site profile: the site compared with; Your ecosystem: the CTDC site shown beside your map",
    "networks_tab": "Partner networks: the open tab",
    "themes_tab": "Themes: the open tab",
    "metrics_tab": "Ecosystem metrics: the open tab",
    "ecosystem_tab": "Your ecosystem: the open tab",
    "library_tab": "Library: the open tab",
    "theme": "Themes: the theme in the One theme tab",
    "section": "Themes: the synthesis section whose lessons are listed",
    "q": "Themes: the search words",
    "lens": "Ecosystem metrics and Partner networks: compare implementation and learning sites (true)",
    "ties": "Partner networks and Site profile: count every documented tie (all), not only those during CTDC",
    "census_vintage": "Ecosystem metrics: the census release shown, when there are several",
    "year_metric": "Ecosystem metrics: the one key year shown, by its name (all when absent or unknown)",
    "example": "Your ecosystem: show the worked example, a fictional city (true)",
    "my_place": "Your ecosystem, self-check: the name of your place (text, at most 60 characters)",
    "my_nnip": "Your ecosystem, self-check: an NNIP partner (yes, no, or the year it began)",
    "my_brigade": "Your ecosystem, self-check: a civic tech group (yes, no, or the year it began)",
    "my_policy": "Your ecosystem, self-check: an open data policy (yes, no, or its year)",
    "my_portal": "Your ecosystem, self-check: an open data portal (yes, no, or its launch year)",
    "my_wwc": "Your ecosystem, self-check: What Works Cities certification (yes, no, or the first year)",
    "my_data_lead": "Your ecosystem, self-check: a data or innovation executive (yes, no, or the first year)",
}


FILTER_PARAMETERS = ("sites", "themes", "role")


@dataclass(frozen=True)
class Cleaned:
    """Known values kept from a list of raw URL values, and the unknown ones dropped."""

    kept: tuple[str, ...]
    ignored: tuple[str, ...] = field(default=())


def short_text(value: str, limit: int = 40) -> str:
    """A value cut to ``limit`` characters for a notice."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fold(value: str) -> str:
    """A URL value as compared: any case, spacing collapsed, '+' read as a space ("ST.+louis " -> "st. louis")."""
    return " ".join(value.replace("+", " ").split()).casefold()


def spellings(values: Iterable[str], names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every accepted spelling -> its canonical value: each value in any case, and with ``names``
    (value -> display name) the name in any case too."""
    accepted = {fold(value): value for value in values}
    accepted.update({fold(name): value for value, name in (names or {}).items()})
    return accepted


def clean_values(raw: Iterable[str], accepted: Mapping[str, str] | Iterable[str]) -> Cleaned:
    """The known values among ``raw`` as their canonical form (in order, once each), and the rest,
    shortened for display. ``accepted`` maps spellings to canonical values (see ``spellings``); a
    plain list of values is accepted in any case."""
    lookup = accepted if isinstance(accepted, Mapping) else spellings(accepted)
    kept: list[str] = []
    ignored: list[str] = []
    for value in raw:
        canonical = lookup.get(fold(value[:MAX_PARAM_LENGTH])) if value.strip() else None
        if canonical is not None:
            if canonical not in kept:
                kept.append(canonical)
        elif value.strip():
            ignored.append(short_text(value))
    return Cleaned(tuple(kept), tuple(ignored))


def _clip(raw: object) -> str:
    """A URL value as bounded, stripped text ('' when absent or not text)."""
    return raw[:MAX_PARAM_LENGTH].strip() if isinstance(raw, str) else ""


def site_id(raw: object, names: Mapping[str, str]) -> str | None:
    """The id of the site a URL value names, by its id or its name in any case (``names``: id -> name)."""
    value = _clip(raw)
    return spellings(names, names).get(fold(value)) if value else None


def resolve_site(raw: object, names: dict[str, str], in_view: list[str]) -> tuple[str, str | None]:
    """The site id to show for a URL value (its id or name, any case; ``names``: site id -> name), and a
    notice when it was not usable.

    A known site is shown even outside ``in_view`` (the sites the filters keep), with a notice.
    Anything else (missing, empty, unknown, hostile) falls back to the first site in view, or the
    first site of all when nothing is in view.
    """
    fallback = next((s for s in in_view if s in names), next(iter(names)))
    value = _clip(raw)
    found = site_id(value, names)
    if found:
        if found in in_view:
            return found, None
        return found, f"{names[found]} is outside the current filters; it is shown because the link asks for it."
    if not value:
        return fallback, None
    return fallback, f"No site called {short_text(value)!r}; showing {names[fallback]} instead."


def resolve_compare(raw: object, names: dict[str, str], shown: str) -> tuple[str | None, str | None]:
    """The site to compare with (None for no comparison), and a notice when the value was not usable."""
    value = _clip(raw)
    found = site_id(value, names)
    if not value or found == shown:
        return None, None
    if found:
        return found, None
    return None, f"No site called {short_text(value)!r} to compare with; showing no comparison."


def site_param(site: str, names: Mapping[str, str]) -> str:
    """How a link names a site (``site=``, ``compare=``, ``sites=``): by its display name, the form the
    sites filter writes, so every link spells a site the same way."""
    return names[site]


def filter_params(filters: Filters, names: dict[str, str]) -> Params:
    """Query parameters that reproduce the global view, for links between pages (sites travel by name)."""
    params: Params = {}
    if filters.sites:
        params["sites"] = [site_param(s, names) for s in filters.sites]
    if filters.themes:
        params["themes"] = list(filters.themes)
    if filters.role != ALL_ROLES:
        params["role"] = filters.role
    return params


def canonical_query(page_params: Params, filters: Filters, names: dict[str, str]) -> str:
    """The shortest query string that reproduces a view, in one order: the page's own parameters (in
    ``URL_PARAMETERS`` order, each value once), then the global filters (sites by name, themes, role)."""
    order = {name: index for index, name in enumerate(URL_PARAMETERS)}
    pairs: list[tuple[str, str]] = []
    for name in sorted((n for n in page_params if n in order and n not in FILTER_PARAMETERS), key=order.__getitem__):
        values = page_params[name]
        pairs += [(name, value) for value in dict.fromkeys([values] if isinstance(values, str) else values) if value != ""]
    for name, values in filter_params(filters, names).items():
        pairs += [(name, value) for value in ([values] if isinstance(values, str) else values)]
    return urllib.parse.urlencode(pairs)


def page_href(key: str, params: Params) -> str:
    """A relative link to a page of the app with ``params`` (for Markdown): ``site?site=boston``."""
    spec = PAGES_BY_KEY[key]
    path = "./" if spec.default else spec.url_path
    pairs = [(name, value) for name, values in params.items() for value in ([values] if isinstance(values, str) else values)]
    return path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


# Streamlit's heading anchors (the slug its Markdown gives a heading): "&" read as "and", a few letters
# spelled out, accents dropped, dashes as hyphens, words run together split apart ("YourSTLCourts" ->
# "your-stl-courts"), "'s" and "'t" joined, then every run of other characters one hyphen.
_ANCHOR_LETTERS = str.maketrans({"&": " and ", "ß": "ss", "ä": "ae", "Ä": "Ae", "ö": "oe", "Ö": "Oe", "ü": "ue", "Ü": "Ue"})
_ANCHOR_DASH = re.compile(
    r"[\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d]"
)
_ANCHOR_CAMEL = (
    (re.compile(r"([A-Z]{2})(\d+)"), r"\1 \2"),
    (re.compile(r"([a-z\d])([A-Z])"), r"\1 \2"),
    (re.compile(r"([A-Z])([A-Z](?!s(?![a-z]))[a-z\d]+)"), r"\1 \2"),
)
_ANCHOR_APOSTROPHE = re.compile(r"([a-z\d])['\u2019]([ts])(?![a-z\d])")
_ANCHOR_OTHER = re.compile(r"[^a-z\d]+")


def heading_anchor(heading: str) -> str:
    """The id Streamlit gives a Markdown heading (or a title) reading ``heading``, for a link to that
    place of a page: "What St. Louis built" -> "what-st-louis-built"."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", heading).translate(_ANCHOR_LETTERS))
    text = _ANCHOR_DASH.sub("-", "".join(ch for ch in text if not unicodedata.combining(ch)))
    for pattern, spaced in _ANCHOR_CAMEL:
        text = pattern.sub(spaced, text)
    text = _ANCHOR_APOSTROPHE.sub(r"\1\2", text.lower())
    return _ANCHOR_OTHER.sub("-", text).strip("-")


def record_href(key: str, params: Params, heading: str) -> str:
    """A relative link to the place of a page under ``heading`` (see ``page_href`` and ``heading_anchor``)."""
    return f"{page_href(key, params)}#{heading_anchor(heading)}"

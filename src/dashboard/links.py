"""Reading and writing the URL: raw query-parameter values in, known values and notices out, and the
parameters that reproduce a view.

Pure functions: the page layer passes in what the URL holds and the catalog's names; nothing
here reads Streamlit's state. Unknown or hostile values never raise; they fall back to defaults.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from .filters import ALL_ROLES, Filters

MAX_PARAM_LENGTH = 200
Params = dict[str, list[str] | str]


@dataclass(frozen=True)
class PageSpec:
    """One page: its key, script in ``pages/``, title, icon and the URL path people share.

    A script's file stem must differ from every ``url_path``: on a freshly started server Streamlit
    runs ``pages/map.py`` on its own for a link to ``/map``, without the app's shell
    (tests/test_structure.py keeps it so).
    """

    key: str
    script: str
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec("overview", "pages/home.py", "Overview", ":material/home:", "overview", default=True),
    PageSpec("map", "pages/sites_map.py", "Map", ":material/map:", "map"),
    PageSpec("site", "pages/site_profile.py", "Site profile", ":material/location_city:", "site"),
    PageSpec("themes", "pages/theme_browser.py", "Themes", ":material/category:", "themes"),
    PageSpec("metrics", "pages/ecosystem_metrics.py", "Ecosystem metrics", ":material/monitoring:", "metrics"),
    PageSpec("library", "pages/source_library.py", "Library", ":material/menu_book:", "library"),
)
PAGES_BY_KEY = {spec.key: spec for spec in PAGE_SPECS}

# Every URL parameter a page reads, and what it sets (README.md documents each; a test checks it).
URL_PARAMETERS = {
    "sites": "global filter: site names, repeated (sites=Boston&sites=St.+Louis)",
    "themes": "global filter: themes, repeated",
    "role": "global filter: all, implementation or learning",
    "site": "Site profile: the site shown, by id",
    "compare": "Site profile: the site compared with, by id",
    "tab": "the open tab on Themes, Ecosystem metrics and Library",
    "theme": "Themes: the theme in the One theme tab",
    "section": "Themes: the synthesis section whose lessons are listed",
    "q": "Themes: the search words",
    "lens": "Ecosystem metrics: compare implementation and learning sites (true)",
    "year_metric": "Ecosystem metrics: the one key year shown, by its name (all when absent or unknown)",
}


@dataclass(frozen=True)
class Cleaned:
    """Known values kept from a list of raw URL values, and the unknown ones dropped."""

    kept: tuple[str, ...]
    ignored: tuple[str, ...] = field(default=())


def short_text(value: str, limit: int = 40) -> str:
    """A value cut to ``limit`` characters for a notice."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_values(raw: Iterable[str], allowed: Iterable[str]) -> Cleaned:
    """Keep known values (in order, once each); report the rest, shortened for display."""
    allowed_set = set(allowed)
    kept: list[str] = []
    ignored: list[str] = []
    for value in raw:
        if value in allowed_set:
            if value not in kept:
                kept.append(value)
        elif value != "":
            ignored.append(short_text(value))
    return Cleaned(tuple(kept), tuple(ignored))


def _clip(raw: object) -> str:
    """A URL value as bounded, stripped text ('' when absent or not text)."""
    return raw[:MAX_PARAM_LENGTH].strip() if isinstance(raw, str) else ""


def resolve_site(raw: object, names: dict[str, str], in_view: list[str]) -> tuple[str, str | None]:
    """The site id to show for a URL value (``names``: site id -> name), and a notice when it was not usable.

    A known site is shown even outside ``in_view`` (the sites the filters keep), with a notice.
    Anything else (missing, empty, unknown, hostile) falls back to the first site in view, or the
    first site of all when nothing is in view.
    """
    fallback = next((s for s in in_view if s in names), next(iter(names)))
    value = _clip(raw)
    if value in names:
        if value in in_view:
            return value, None
        return value, f"{names[value]} is outside the current filters; it is shown because the link asks for it."
    if not value:
        return fallback, None
    return fallback, f"No site with the id {short_text(value)!r}; showing {names[fallback]} instead."


def resolve_compare(raw: object, names: dict[str, str], site_id: str) -> tuple[str | None, str | None]:
    """The site to compare with (None for no comparison), and a notice when the value was not usable."""
    value = _clip(raw)
    if not value or value == site_id:
        return None, None
    if value in names:
        return value, None
    return None, f"No site with the id {short_text(value)!r} to compare with; showing no comparison."


def filter_params(filters: Filters, names: dict[str, str]) -> Params:
    """Query parameters that reproduce the global view, for links between pages (sites travel by name)."""
    params: Params = {}
    if filters.sites:
        params["sites"] = [names[s] for s in filters.sites]
    if filters.themes:
        params["themes"] = list(filters.themes)
    if filters.role != ALL_ROLES:
        params["role"] = filters.role
    return params


def page_href(key: str, params: Params) -> str:
    """A relative link to a page of the app with ``params`` (for Markdown): ``site?site=boston``."""
    spec = PAGES_BY_KEY[key]
    path = "./" if spec.default else spec.url_path
    pairs = [(name, value) for name, values in params.items() for value in ([values] if isinstance(values, str) else values)]
    return path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")

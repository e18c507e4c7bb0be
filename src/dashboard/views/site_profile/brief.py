"""A printable brief of one site (PDF, A4 or US Letter, at most two pages): the site, its role and grant,
what it built with status and dates, its partners by type, key metrics, its network picture (vector), three
to five lessons, the numbered sources with their URLs and the link back to its profile.

Built from the same assembled profile the page uses (``assembly.SiteProfile``) into one JSON document that
the Typst template ``brief.typ`` lays out with the fonts shipped beside it (``fonts/``). Typst and
vl-convert are imported only when a brief is made.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.citations import cited_ids, numbered_sources
from dashboard.data.text import is_http_url
from dashboard.data.values import NOT_FOUND, date_text, format_usd
from dashboard.network import views as network_views
from dashboard.network.model import network_metrics, site_ecosystem
from dashboard.network.picture import network_layers
from dashboard.ui.caching import page_cache
from dashboard.views.metrics.census import CENSUS_METRICS
from dashboard.views.metrics.site_metrics import YEAR_METRICS
from dashboard.views.site_profile.assembly import SiteProfile, metric_context, metric_value_text, site_profile
from dashboard.views.site_profile.markdown import outcome_line, url_label

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "brief.typ"
FONT_DIR = HERE / "fonts"
FONT_FAMILY = "Source Sans Pro"
# Paper sizes offered: Typst's name -> the label on the download button.
PAPERS = {"a4": "A4", "us-letter": "US Letter"}
KEY_METRICS = (*YEAR_METRICS, *CENSUS_METRICS)
MIN_LESSONS, MAX_LESSONS = 3, 5
MAX_PAGES = 2
TEXT_SIZES = (8.8, 8.4, 8.0, 7.6)  # points: the body text, tried in turn until the brief fits on MAX_PAGES
# The network picture's drawing area in pixels, printed at 0.75 pt a pixel (96 dpi): its 12-pixel labels
# print at 9 pt.
NETWORK_WIDTH, NETWORK_HEIGHT = 380, 280
MAX_PARTNER_NAMES = 8  # per type; more are counted, the profile lists them all
_ESCAPED = re.compile(r"\\(.)")
_PAGE_TREE = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


def plain(markdown: str) -> str:
    """Text escaped for Markdown (``escape_markdown``) back as plain text."""
    return _ESCAPED.sub(r"\1", markdown)


def pick_lessons(profile: SiteProfile) -> list[dict[str, Any]]:
    """Three to five lessons: the site's own, one from each synthesis section in turn; when the site has
    fewer than three, lessons drawn across all sites that share a theme with its products come first to
    fill the three. Each lesson gets ``where``: "" for the site's own, "across all sites" for the others."""
    own = [dict(lesson, where="") for lesson in _round_robin(profile.lessons)]
    if len(own) >= MIN_LESSONS:
        return own[:MAX_LESSONS]
    themes = {theme for product in profile.products for theme in product["themes"]}
    shared = sorted(_round_robin(profile.cross_site_lessons), key=lambda lesson: -len(themes & set(lesson["themes"])))
    return own + [dict(lesson, where="across all sites") for lesson in shared[: MIN_LESSONS - len(own)]]


def _round_robin(groups: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    order: list[dict[str, Any]] = []
    depth = max((len(group) for group in groups.values()), default=0)
    for index in range(depth):
        order += [group[index] for group in groups.values() if index < len(group)]
    return order


def _partners(profile: SiteProfile) -> list[dict[str, Any]]:
    rows = []
    for kind, organizations in profile.partners.items():
        names = [o["name"] for o in organizations[:MAX_PARTNER_NAMES]]
        more = len(organizations) - len(names)
        rows.append(
            {
                "type": kind.capitalize(),
                "names": ", ".join(names) + (f" and {more} more" if more > 0 else ""),
                "sources": cited_ids(organizations),
            }
        )
    return rows


def _metrics(profile: SiteProfile) -> list[dict[str, Any]]:
    rows = profile.metrics[profile.metrics["metric_id"].isin(KEY_METRICS)].to_dict("records")
    return [
        {
            "label": row["metric"],
            "value": metric_value_text(row),
            "context": metric_context(row) if row["value"] != NOT_FOUND else "",
            "sources": set(row["sources"]),
        }
        for row in rows
    ]


def _products(profile: SiteProfile) -> list[dict[str, Any]]:
    return [
        {
            "name": product["name"],
            "status": f"{product['status'].capitalize()} as of {product['status_as_of']} · launched "
            f"{product['launched'] or NOT_FOUND}",
            "description": product["description"],
            "links": [{"label": url_label(u), "url": u} for u in [*product["urls"], *product["code"]] if is_http_url(u)],
            "outcomes": [
                {"value": value, "text": text, "sources": set(o["sources"])}
                for o in product["outcomes"]
                for value, text in [plain(outcome_line(o)).removeprefix("**").split("**: ", 1)]
            ],
            "sources": set(product["sources"]),
        }
        for product in profile.products
    ]


def _numbered(document: Any, numbers: dict[str, int]) -> Any:
    """``document`` with every ``sources`` set replaced by ``cites``: the sorted source numbers."""
    if isinstance(document, list):
        return [_numbered(item, numbers) for item in document]
    if isinstance(document, dict):
        out = {key: _numbered(value, numbers) for key, value in document.items() if key != "sources"}
        if "sources" in document:
            out["cites"] = sorted(numbers[s] for s in document["sources"] if s in numbers)
        return out
    return document


def _cited(document: Any) -> set[str]:
    if isinstance(document, list):
        return set().union(*(_cited(item) for item in document)) if document else set()
    if isinstance(document, dict):
        return set(document.get("sources", ())) | _cited(list(document.values()))
    return set()


def brief_document(catalog: Catalog, profile: SiteProfile, profile_url: str, network: dict[str, Any]) -> dict[str, Any]:
    """The brief's content as one JSON-ready document (plain text, http(s) links only), its sources
    numbered from 1 in the source list's order; ``network`` holds the picture's ``alt`` text and ``note``."""
    site = profile.site
    program = catalog.program
    content: dict[str, Any] = {
        "site": {
            "name": profile.name,
            "role": C.ROLE_LABELS.get(site["role"], site["role"]),
            "grant": format_usd(site["grant_usd"]),
            "landmark": site["landmark"],
            "summary": site["summary"],
            "sources": set(site["sources"]),
        },
        "products": _products(profile),
        "partners": _partners(profile),
        "metrics": _metrics(profile),
        "lessons": [
            {
                "text": lesson["text"],
                "label": ", ".join(x for x in (lesson["section"], lesson["where"]) if x),
                "sources": set(lesson["sources"]),
            }  # fmt: skip
            for lesson in pick_lessons(profile)
        ],
    }
    sources = numbered_sources(catalog, _cited(content))
    numbers = dict(zip(sources["id"], sources["number"]))
    atlas = f"{program['short_name']} Atlas"
    return {
        **_numbered(content, numbers),
        "title": f"{profile.name}: a site brief ({atlas})",
        "author": atlas,
        "keywords": [program["name"], profile.name, "site brief"],
        "kicker": f"{atlas} · site brief · {program['name']} ({program['short_name']}, {program['years']})",
        "network": network,
        "sources": [
            {
                "number": int(row["number"]),
                "title": row["title"],
                "publisher": row["publisher"],
                "date": date_text(row["date"]),
                "url": row["url"],
            }  # fmt: skip
            for row in sources.to_dict("records")
            if is_http_url(row["url"])
        ],
        "back": {
            "text": f"{profile.name}'s whole record (every partner, tie, lesson and metric) is on its profile:",
            "url": profile_url if is_http_url(profile_url) else "",
        },
        "footer": f"{atlas}, {profile.name}. Data as of {program['data_as_of']}. Values not found in sources are "
        "shown as such, never as zero.",
    }


@functools.cache
def _register_fonts() -> None:
    import vl_convert

    vl_convert.register_font_directory(str(FONT_DIR))


@page_cache(max_entries=16)
def network_svg(catalog: Catalog, site_id: str) -> str:
    """The site's network picture (the page's, without its title, its names placed for the brief's size)
    as SVG, its text set in the brief's typeface; built once per site."""
    import vl_convert

    _register_fonts()
    ecosystem = site_ecosystem(catalog, site_id)
    picture = network_layers(ecosystem, network_metrics(ecosystem), file_plot=(NETWORK_WIDTH, NETWORK_HEIGHT), whole=False)
    spec = picture.configure(font=FONT_FAMILY).configure_view(stroke=None).to_dict()
    spec.pop("title", None)
    return str(vl_convert.vegalite_to_svg(spec))


def brief_pdf(catalog: Catalog, profile: SiteProfile, paper: str = "a4", profile_url: str = "") -> bytes:
    """The brief of ``profile``'s site as PDF bytes on ``paper`` (a key of ``PAPERS``), linking back to
    ``profile_url`` when it is an http(s) address."""
    import typst

    if paper not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r} (use one of {', '.join(PAPERS)})")
    view = network_views.site_network(catalog, profile.site_id).view
    network = {"alt": view.alt_text, "note": plain(view.evidence), "width": NETWORK_WIDTH}
    document = brief_document(catalog, profile, profile_url, network)
    inputs = {"brief": json.dumps(document, ensure_ascii=False), "network": network_svg(catalog, profile.site_id), "paper": paper}
    for size in TEXT_SIZES:  # the largest text that fits on two pages (the smallest whatever happens)
        inputs["size"] = str(size)
        pdf = typst.compile(TEMPLATE, format="pdf", font_paths=[FONT_DIR], ignore_system_fonts=True, sys_inputs=inputs)
        if page_count(pdf) <= MAX_PAGES:
            break
    return pdf


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF that Typst wrote (its page tree's ``/Count``)."""
    found = _PAGE_TREE.search(pdf)
    if found is None:
        raise ValueError("no page tree found in the PDF")
    return int(found.group(1))


def site_brief(catalog: Catalog, site_id: str, paper: str = "a4", profile_url: str = "") -> bytes:
    """The brief of the site ``site_id`` (see ``brief_pdf``), from its assembled profile."""
    return brief_pdf(catalog, site_profile(catalog, site_id), paper, profile_url)

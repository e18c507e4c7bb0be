"""The site profile page as Markdown: each part of one site's record (products, partners, ties, lessons,
metrics, further reading) with claim-level citations, the side-by-side comparison, and the whole page
built once per site and comparison."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.citations import citer, numbered_sources, sources_markdown
from dashboard.data.cite import correction_markdown, repository_url
from dashboard.data.text import escape_markdown, is_http_url, markdown_link, section_markdown
from dashboard.data.values import NOT_FOUND, date_text, format_usd, format_value, is_missing, status_in
from dashboard.ui.caching import page_cache
from dashboard.views.site_profile.assembly import (
    SiteProfile,
    compact_source_ids,
    compare_sites,
    metric_context,
    metric_value_text,
    site_profile,
)

SECTION_BASIS_LABELS = {"editorial": "editorial tag", "source": "section from source"}
# A status holds for its date only: the badge says when, and this says nothing later is known.
LAST_REPORTED = "last reported status; no later source is implied"
STATUS_COLORS = {"active": "green", "merged": "blue", "archived": "gray", "discontinued": "red", "unknown": "orange"}


def page_sources(catalog: Catalog, profile: SiteProfile, compared: SiteProfile | None = None) -> pd.DataFrame:
    """Every source cited on the page, in the source list's order, numbered from 1."""
    ids = set(profile.sources["id"])
    if compared is not None:
        ids |= compact_source_ids(compared)
    return numbered_sources(catalog, ids)


def url_label(url: str) -> str:
    """A short readable label for a link: host and path without the scheme or 'www.'."""
    parsed = urlparse(url)
    host = parsed.netloc.removeprefix("www.")
    return (host + parsed.path).rstrip("/") or url


def links_markdown(urls: Iterable[str]) -> str:
    """Comma-separated Markdown links (http(s) only) labelled by their short form."""
    return ", ".join(markdown_link(url_label(u), u) for u in urls if is_http_url(u))


def status_markdown(product: dict[str, Any]) -> str:
    """A coloured status badge that reads as history ("Active in 2018-01"), marked as the last reported status."""
    status = product["status"]
    color = STATUS_COLORS.get(status, "gray")
    return f":{color}-badge[{escape_markdown(status_in(status, product['status_as_of']))}] :small[{LAST_REPORTED}]"


def outcome_line(outcome: dict[str, Any]) -> str:
    """One reported outcome as escaped Markdown: value and unit in bold, measure, year and note."""
    if outcome["unit"] == "rank" and not is_missing(outcome["value"]):
        value = f"Rank {format_value(outcome['value'])}"
    else:
        value = format_value(outcome["value"], unit=outcome["unit"])
    year = f" ({outcome['year']})" if not is_missing(outcome.get("year")) else ""
    note = f". {outcome['note']}" if outcome.get("note") else ""
    return f"**{escape_markdown(value)}**: {escape_markdown(outcome['measure'] + year + note)}"


# How each kind of tie reads between two names (a kind not listed reads as itself: "X funded Y").
RELATIONSHIP_VERBS = {
    "co-led": "co-led with",
    "co-initiated": "started a joint effort with",
    "partnered": "partnered with",
    "built": "built for",
    "sponsored": "was the fiscal sponsor of",
    "event host": "hosted an event with",
    "institutional home": "was the institutional home of",
    "member of": "was a member of",
}
PERIOD_ORDER = {period: i for i, period in enumerate(C.TIE_PERIOD_LABELS)}


def relationship_sentence(relationship: dict[str, Any]) -> str:
    """Plain text such as "Rise started a joint effort with OpenDataSTL — during CTDC (2014–2018)", with
    the note when there is one."""
    verb = RELATIONSHIP_VERBS.get(relationship["kind"], relationship["kind"])
    sentence = f"{relationship['source_name']} {verb} {relationship['target_name']}"
    if relationship.get("period") in C.TIE_PERIOD_LABELS:
        sentence += f" — {C.TIE_PERIOD_LABELS[relationship['period']]}"
    return f"{sentence}. {relationship['note']}" if relationship.get("note") else sentence


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def role_badge(site: dict[str, Any]) -> str:
    """A coloured badge naming the site's role."""
    label = C.ROLE_LABELS.get(site["role"], site["role"])
    return f":{C.ROLE_COLOR_NAMES.get(site['role'], 'gray')}-badge[{escape_markdown(label)}]"


def intro_markdown(profile: SiteProfile, sources: pd.DataFrame, repository: str | None = None) -> str:
    """Role badge, grant and place, then the site's summary with its citations (and, with a ``repository``,
    a link to suggest a correction)."""
    site = profile.site
    return (
        f"{role_badge(site)} **{format_usd(site['grant_usd'])} grant** · "
        f":material/location_on: {escape_markdown(site['landmark'])}\n\n"
        f"{escape_markdown(site['summary'])} {citer(sources)(site['sources'])}"
        + correction_markdown(repository, "sites.yaml", site)
    )


def product_markdown(product: dict[str, Any], sources: pd.DataFrame, repository: str | None = None) -> str:
    """A product's name as a heading, then its status, description, facts, links, reported outcomes (each cited) and
    sources (and, with a ``repository``, a link to suggest a correction)."""
    cite = citer(sources)
    facts = [
        f"**Themes:** {escape_markdown(', '.join(product['themes']))}",
        f"**Launched:** {escape_markdown(product['launched'] or NOT_FOUND)}",
        f"**License:** {escape_markdown(product['license'] or NOT_FOUND)}",
    ]
    if product["urls"]:
        facts.append(f"**Website:** {links_markdown(product['urls'])}")
    if product["code"]:
        facts.append(f"**Code repositories:** {links_markdown(product['code'])}")
    if product.get("note"):
        facts.append(f"**Note:** {escape_markdown(product['note'])}")
    parts = [
        f"### {escape_markdown(product['name'])}",
        f"{status_markdown(product)} — {escape_markdown(product['status_note'])}",
        escape_markdown(product["description"]),
        _bullets(facts),
    ]
    if product["outcomes"]:
        lines = (f"{outcome_line(o)} {cite(o['sources'])}" for o in product["outcomes"])
        parts.append("**Reported outcomes**\n\n" + _bullets(lines))
    parts.append(cite(product["sources"]) + correction_markdown(repository, "products.yaml", product))
    return "\n\n".join(parts)


def products_markdown(profile: SiteProfile, sources: pd.DataFrame, repository: str | None = None) -> str:
    """Every product of the site (see ``product_markdown``), separated by rules."""
    if not profile.products:
        return "No product or activity of this site is recorded."
    return "\n\n---\n\n".join(product_markdown(product, sources, repository) for product in profile.products)


def partners_markdown(profile: SiteProfile, sources: pd.DataFrame, repository: str | None = None) -> str:
    """Partner organizations under their type, each linked (http(s) only) with its role and citations (and,
    with a ``repository``, a link to suggest a correction)."""
    cite = citer(sources)
    return "\n\n".join(
        f"**{escape_markdown(kind.capitalize())}**\n\n"
        + _bullets(
            markdown_link(x["name"], x["url"])
            + (f" — {escape_markdown(x['role'])}" if x["role"] else "")
            + f" {cite(x['sources'])}"
            + correction_markdown(repository, "organizations.yaml", x)
            for x in orgs
        )
        for kind, orgs in profile.partners.items()
    )


def relationships_markdown(profile: SiteProfile, sources: pd.DataFrame, repository: str | None = None) -> str:
    """The documented ties between the site's organizations, one cited sentence each saying when the tie
    held: those during CTDC first, then those before and after it, then standing affiliations (and, with
    a ``repository``, a link to suggest a correction to each)."""
    cite = citer(sources)
    ordered = sorted(profile.relationships, key=lambda x: PERIOD_ORDER.get(x.get("period", ""), len(PERIOD_ORDER)))
    return _bullets(
        f"{escape_markdown(relationship_sentence(x))} {cite(x['sources'])}"
        + correction_markdown(repository, "relationships.yaml", x)
        for x in ordered
    )


def lessons_markdown(groups: dict[str, list[dict[str, Any]]], sources: pd.DataFrame, repository: str | None = None) -> str:
    """Lessons under their synthesis section headings, each with its section basis and citations (and, with a
    ``repository``, a link to suggest a correction)."""
    cite = citer(sources)
    return "\n\n".join(
        f"**{escape_markdown(section)}**\n\n"
        + _bullets(
            f"{escape_markdown(x['text'])} :small[({SECTION_BASIS_LABELS[x['section_basis']]})]"
            + (f" :small[*{escape_markdown(x['note'])}*]" if x.get("note") else "")
            + f" {cite(x['sources'])}"
            + correction_markdown(repository, "lessons.yaml", x)
            for x in lessons
        )
        for section, lessons in groups.items()
    )


def metrics_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """The site's metrics grouped as in the metric set: value and unit in bold, vintage and confidence,
    the note, and citations; unknown values read "not found in sources"."""
    cite = citer(sources)
    groups: dict[str, list[str]] = {}
    for row in profile.metrics.to_dict("records"):
        context = metric_context(row)
        line = f"{escape_markdown(row['metric'])}: **{escape_markdown(metric_value_text(row))}**"
        line += f" ({escape_markdown(context)})" if context else ""
        line += f" — {escape_markdown(row['note'])}" if row["note"] else ""
        groups.setdefault(row["group"], []).append(f"{line} {cite(row['sources'])}".rstrip())
    return "\n\n".join(f"**{escape_markdown(group)}**\n\n{_bullets(lines)}" for group, lines in groups.items())


def resources_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """The site's further reading: linked title, kind, publisher, date, summary and citations."""
    cite = citer(sources)
    return _bullets(
        f"{markdown_link(x['title'], x['url'])} — {escape_markdown(x['kind'])}, {escape_markdown(x['publisher'])}"
        + f", {escape_markdown(date_text(x['date']))}"
        + f". {escape_markdown(x['summary'])} {cite(x['sources'])}"
        for x in profile.resources
    )


def comparison_markdown(table: pd.DataFrame, profiles: tuple[SiteProfile, SiteProfile], sources: pd.DataFrame) -> str:
    """Two sites side by side as one Markdown table (every cell escaped; long cells wrap), then what
    each site's column rests on."""
    cite = citer(sources)
    first, second = (escape_markdown(p.name) for p in profiles)
    lines = [f"| | {first} | {second} |", "|---|---|---|"]
    lines += [
        f"| **{escape_markdown(row[0])}** | {escape_markdown(row[1])} | {escape_markdown(row[2])} |"
        for row in table.itertuples(index=False, name=None)
    ]
    sourced = "  \n".join(f"{escape_markdown(p.name)}: {cite(compact_source_ids(p))}" for p in profiles)
    return "\n".join(lines) + "\n\n" + sourced


@dataclass(frozen=True)
class Comparison:
    """The side-by-side view of two sites: their names, the table as Markdown (with citations) and as a frame for CSV."""

    names: tuple[str, str]
    markdown: str
    table: pd.DataFrame


@dataclass(frozen=True)
class SitePage:
    """Every block of one site's profile page as Markdown (headings included), with the tables for CSV."""

    site_id: str
    name: str
    intro: str
    products: str
    partners: str
    ties_label: str
    ties: str
    lessons: str
    cross_site_lessons: str
    metrics: str
    metrics_table: pd.DataFrame
    resources: str
    sources: str
    comparison: Comparison | None


LESSONS_NOTE = (
    "*Grouped by the sections of the program's cross-site synthesis. “Section from source”: the source "
    "files the lesson there; “editorial tag”: the section was assigned by this atlas.*"
)
METRICS_NOTE = (
    "*Confidence: confirmed (two or more independent sources), single-source, or unconfirmed. "
    "Values not found in sources are shown as such, never as zero.*"
)


@page_cache()
def site_page(catalog: Catalog, site_id: str, compare_id: str | None = None) -> SitePage:
    """One site's profile page (``site_id`` must be a known site), compared with ``compare_id`` when given."""
    profile = site_profile(catalog, site_id)
    compared = site_profile(catalog, compare_id) if compare_id else None
    sources = page_sources(catalog, profile, compared)
    name = escape_markdown(profile.name)
    comparison = None
    if compared is not None:
        table = compare_sites(profile, compared)
        comparison = Comparison((profile.name, compared.name), comparison_markdown(table, (profile, compared), sources), table)
    repository = repository_url()  # configuration: read here, a change takes a restart
    lessons = (
        lessons_markdown(profile.lessons, sources, repository)
        if profile.lessons
        else f"No lessons specific to {name} are recorded."
    )
    return SitePage(
        site_id=profile.site_id,
        name=profile.name,
        intro=intro_markdown(profile, sources, repository),
        products=section_markdown(f"What {profile.name} built", products_markdown(profile, sources, repository)),
        partners=section_markdown("Who took part", partners_markdown(profile, sources, repository)),
        ties_label=f"The {len(profile.relationships)} documented ties in words, each with when it held and its sources"
        if profile.relationships
        else "",
        ties=relationships_markdown(profile, sources, repository),
        lessons=section_markdown(f"Lessons from {profile.name}", LESSONS_NOTE, lessons),
        cross_site_lessons=lessons_markdown(profile.cross_site_lessons, sources, repository),
        metrics=section_markdown(f"Ecosystem metrics for {profile.name}", METRICS_NOTE, metrics_markdown(profile, sources)),
        metrics_table=profile.metrics,
        resources=section_markdown("Further reading", resources_markdown(profile, sources)) if profile.resources else "",
        sources=section_markdown("Sources cited on this page", sources_markdown(sources)),
        comparison=comparison,
    )

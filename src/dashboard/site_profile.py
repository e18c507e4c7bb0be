"""Pure builders for the site profile page: one site's partners, products, lessons, metrics and sources.

Nothing here reads widgets or session state; the page passes the catalog and ids in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from . import constants as C
from . import text as T
from .data import Catalog
from .filters import MAX_PARAM_LENGTH, short_text, site_names
from .metrics import format_usd, format_value, is_missing
from .schema import LESSON_SECTIONS, ORGANIZATION_TYPES

SECTION_BASIS_LABELS = {"editorial": "editorial tag", "source": "section from source"}
ROLE_COLORS = {"implementation": "blue", "learning": "orange"}
STATUS_COLORS = {"active": "green", "merged": "blue", "archived": "gray", "discontinued": "red", "unknown": "orange"}
NO_COMPARISON = ""


@dataclass(frozen=True)
class SiteProfile:
    """Everything the dataset holds about one site, grouped for display.

    ``partners`` and ``lessons`` map a group (organization type, synthesis section) to its
    records, in the vocabulary's order and with empty groups left out. Each product dict has an
    ``outcomes`` list. ``metrics`` is one row per metric and vintage, joined with its definition.
    ``sources`` holds the source rows cited by any of these records, in the source list's order.
    """

    site: dict[str, Any]
    partners: dict[str, list[dict[str, Any]]]
    products: list[dict[str, Any]]
    lessons: dict[str, list[dict[str, Any]]]
    cross_site_lessons: dict[str, list[dict[str, Any]]]
    metrics: pd.DataFrame
    relationships: list[dict[str, Any]]
    resources: list[dict[str, Any]]
    sources: pd.DataFrame

    @property
    def site_id(self) -> str:
        """The site's id."""
        return self.site["id"]

    @property
    def name(self) -> str:
        """The site's display name."""
        return self.site["name"]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts, with pandas' NaN turned back into None."""
    return [{k: (None if is_missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _grouped(records: list[dict[str, Any]], field: str, order: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    groups = {key: [r for r in records if r[field] == key] for key in order}
    return {key: rows for key, rows in groups.items() if rows}


def _clip(raw: object) -> str:
    """A URL value as bounded text ('' when absent or not text)."""
    return raw[: MAX_PARAM_LENGTH] if isinstance(raw, str) else ""


def resolve_site(raw_value: object, catalog: Catalog, allowed_ids: list[str]) -> tuple[str, str | None]:
    """The site id to show for a URL value, and a notice when the value was not usable.

    A known site id is shown even outside ``allowed_ids`` (the sites in view), with a notice.
    Anything else (missing, empty, unknown, hostile) falls back to the first allowed site, or the
    first site of the catalog when nothing is in view.
    """
    names = site_names(catalog)
    fallback = next((s for s in allowed_ids if s in names), next(iter(names)))
    raw = _clip(raw_value).strip()
    if raw in names:
        if raw in allowed_ids:
            return raw, None
        return raw, f"{names[raw]} is outside the current filters; it is shown because the link asks for it."
    if not raw:
        return fallback, None
    return fallback, f"No site with the id {short_text(raw)!r}; showing {names[fallback]} instead."


def resolve_compare(raw_value: object, catalog: Catalog, site_id: str) -> tuple[str | None, str | None]:
    """The site to compare with (None for no comparison), and a notice when the value was not usable."""
    names = site_names(catalog)
    raw = _clip(raw_value).strip()
    if not raw or raw == site_id:
        return None, None
    if raw in names:
        return raw, None
    return None, f"No site with the id {short_text(raw)!r} to compare with; showing no comparison."


def site_choices(catalog: Catalog, allowed_ids: list[str], *required: str | None) -> list[str]:
    """Options for the site selectbox: the sites in view, plus any required site outside them."""
    known = set(site_names(catalog))
    choices = [s for s in allowed_ids if s in known]
    choices += [s for s in required if s and s in known and s not in choices]
    return choices or list(site_names(catalog))


def _metrics(catalog: Catalog, site_id: str) -> pd.DataFrame:
    definitions = catalog.metric_definitions[["id", "label", "group", "value_type"]].reset_index(drop=True)
    order = {metric: index for index, metric in enumerate(definitions["id"])}
    rows = catalog.metrics[catalog.metrics["site"] == site_id]
    joined = rows.merge(definitions.rename(columns={"id": "metric"}), on="metric", how="left")
    joined = joined.assign(_order=joined["metric"].map(order)).sort_values(["_order", "vintage"], na_position="last")
    values = [format_value(v, t) for v, t in zip(joined["value"], joined["value_type"])]
    frame = pd.DataFrame(
        {
            "group": joined["group"],
            "metric": joined["label"],
            "value": values,
            "unit": joined["unit"].fillna(""),
            "vintage": joined["vintage"].fillna(""),
            "confidence": joined["confidence"],
            "note": joined["note"].fillna(""),
            "sources": joined["sources"],
        }
    )
    return frame.reset_index(drop=True)


def _actor_names(catalog: Catalog) -> dict[str, str]:
    names = dict(zip(catalog.national_partners["id"], catalog.national_partners["name"]))
    names.update(zip(catalog.organizations["id"], catalog.organizations["name"]))
    return names


def _cited(*groups: Iterable[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    for records in groups:
        for record in records:
            out.update(record.get("sources") or [])
    return out


def site_profile(catalog: Catalog, site_id: str) -> SiteProfile:
    """Gather one site's records from the catalog; ``site_id`` must be a known site."""
    site_rows = _records(catalog.sites[catalog.sites["id"] == site_id])
    if not site_rows:
        raise KeyError(site_id)
    site = site_rows[0]
    orgs = catalog.organizations[catalog.organizations["sites"].map(lambda sites: site_id in sites)]
    partners = _records(orgs)
    products = _records(catalog.products[catalog.products["site"] == site_id])
    for product in products:
        product["outcomes"] = _records(catalog.outcomes[catalog.outcomes["product"] == product["id"]])
    lessons = _records(catalog.lessons[catalog.lessons["site"] == site_id])
    cross = _records(catalog.lessons[catalog.lessons["site"] == C.CROSS_SITE])
    org_ids = set(orgs["id"])
    rels = catalog.relationships
    touching = rels[(rels["site"] == site_id) | rels["source"].isin(org_ids) | rels["target"].isin(org_ids)]
    actors = _actor_names(catalog)
    relationships = [
        {**r, "source_name": actors.get(r["source"], r["source"]), "target_name": actors.get(r["target"], r["target"])}
        for r in _records(touching)
    ]
    resources = _records(catalog.resources[catalog.resources["sites"].map(lambda sites: site_id in sites)])
    metrics = _metrics(catalog, site_id)
    outcomes = [o for p in products for o in p["outcomes"]]
    ids = _cited([site], partners, products, outcomes, lessons, cross, relationships, resources)
    ids.update(s for cell in metrics["sources"] for s in cell)
    return SiteProfile(
        site=site,
        partners=_grouped(partners, "type", ORGANIZATION_TYPES),
        products=products,
        lessons=_grouped(lessons, "section", LESSON_SECTIONS),
        cross_site_lessons=_grouped(cross, "section", LESSON_SECTIONS),
        metrics=metrics,
        relationships=relationships,
        resources=resources,
        sources=catalog.sources[catalog.sources["id"].isin(ids)].reset_index(drop=True),
    )


def compact_source_ids(profile: SiteProfile) -> set[str]:
    """Sources behind the compact comparison view: the site, its products, partners and metrics."""
    partners = [p for group in profile.partners.values() for p in group]
    ids = _cited([profile.site], profile.products, partners)
    ids.update(s for cell in profile.metrics["sources"] for s in cell)
    return ids


def page_sources(catalog: Catalog, profile: SiteProfile, compared: SiteProfile | None = None) -> pd.DataFrame:
    """Every source cited on the page, in the source list's order, numbered from 1."""
    ids = set(profile.sources["id"])
    if compared is not None:
        ids |= compact_source_ids(compared)
    rows = catalog.sources[catalog.sources["id"].isin(ids)].reset_index(drop=True)
    return rows.assign(number=range(1, len(rows) + 1))


def citer(sources: pd.DataFrame) -> Callable[[Iterable[str]], str]:
    """For one page's numbered sources, a function giving the small "Sources: [1] [2]" Markdown of
    some source ids, each number linking to its source's URL (the lookup is built once)."""
    lookup = {row["id"]: row for row in sources.to_dict("records")}

    def cite(ids: Iterable[str]) -> str:
        rows = sorted((lookup[i] for i in set(ids) if i in lookup), key=lambda row: row["number"])
        links = [T.markdown_link(f"[{row['number']}]", row["url"]) for row in rows]
        return f":small[Sources: {' '.join(links)}]" if links else ""

    return cite


def source_line(row: dict[str, Any]) -> str:
    """One entry of the page's source list: number, linked title, publisher, date and id."""
    date = f", {T.escape_markdown(row['date'])}" if not is_missing(row.get("date")) else ""
    return (
        f"\\[{row['number']}\\] {T.markdown_link(row['title'], row['url'])} — "
        f"{T.escape_markdown(row['publisher'])}{date} · {T.escape_markdown(row['id'])}"
    )


def url_label(url: str) -> str:
    """A short readable label for a link: host and path without the scheme or 'www.'."""
    parsed = urlparse(url)
    host = parsed.netloc.removeprefix("www.")
    return (host + parsed.path).rstrip("/") or url


def links_markdown(urls: Iterable[str]) -> str:
    """Comma-separated Markdown links (http(s) only) labelled by their short form."""
    return ", ".join(T.markdown_link(url_label(u), u) for u in urls if T.is_http_url(u))


def status_markdown(product: dict[str, Any]) -> str:
    """A coloured status badge with its "as of" date."""
    status = product["status"]
    color = STATUS_COLORS.get(status, "gray")
    return f":{color}-badge[{T.escape_markdown(status.capitalize())}] as of {T.escape_markdown(product['status_as_of'])}"


def outcome_line(outcome: dict[str, Any]) -> str:
    """One reported outcome as escaped Markdown: value and unit in bold, measure, year and note."""
    if outcome["unit"] == "rank" and not is_missing(outcome["value"]):
        value = f"Rank {format_value(outcome['value'])}"
    else:
        value = format_value(outcome["value"], unit=outcome["unit"])
    year = f" ({outcome['year']})" if not is_missing(outcome.get("year")) else ""
    note = f". {outcome['note']}" if outcome.get("note") else ""
    return f"**{T.escape_markdown(value)}**: {T.escape_markdown(outcome['measure'] + year + note)}"


def key_facts(profile: SiteProfile) -> list[tuple[str, str]]:
    """Label and value pairs summarizing a site for the comparison view."""
    partner_count = sum(len(group) for group in profile.partners.values())
    lesson_count = sum(len(group) for group in profile.lessons.values())
    return [
        ("Role", C.ROLE_LABELS.get(profile.site["role"], profile.site["role"])),
        ("Grant", format_usd(profile.site["grant_usd"])),
        ("Where", profile.site["landmark"]),
        ("Products and activities", str(len(profile.products))),
        ("Partner organizations", str(partner_count)),
        ("Lessons", str(lesson_count)),
    ]


def partner_counts(profile: SiteProfile) -> list[tuple[str, int]]:
    """Number of partner organizations of each type present, in the vocabulary's order."""
    return [(kind, len(group)) for kind, group in profile.partners.items()]


def _metric_value(row: dict[str, Any]) -> str:
    """A metric row's value with its unit (years and unknown values stand alone)."""
    if row["value"] == C.NOT_FOUND or row["unit"] in ("", "year"):
        return row["value"]
    return f"{row['value']} {row['unit']}"


def _metric_context(row: dict[str, Any]) -> str:
    """A metric row's vintage (unless it repeats the value) and confidence, comma-separated."""
    vintage = row["vintage"] if row["vintage"] != row["value"] else ""
    return ", ".join(x for x in (vintage, row["confidence"]) if x)


def _metric_cell(row: dict[str, Any]) -> str:
    if row["value"] == C.NOT_FOUND:
        return C.NOT_FOUND
    return f"{_metric_value(row)} ({_metric_context(row)})"


def compare_metrics(first: SiteProfile, second: SiteProfile) -> pd.DataFrame:
    """Both sites' metrics side by side: one row per metric, each cell "value unit (vintage, confidence)"."""
    columns = {}
    for profile in (first, second):
        cells: dict[str, list[str]] = {}
        for row in profile.metrics.to_dict("records"):
            cells.setdefault(row["metric"], []).append(_metric_cell(row))
        columns[profile.name] = {metric: "; ".join(values) for metric, values in cells.items()}
    metrics = list(dict.fromkeys([*columns[first.name], *columns[second.name]]))
    return pd.DataFrame(
        [{"metric": m, **{name: cells.get(m, C.NOT_FOUND) for name, cells in columns.items()}} for m in metrics]
    )


RELATIONSHIP_VERBS = {"co-led": "co-led with", "partnered": "partnered with", "built": "built for"}


def relationship_sentence(relationship: dict[str, Any]) -> str:
    """Plain text such as "Rise co-led with OpenDataSTL", with the note when there is one."""
    verb = RELATIONSHIP_VERBS.get(relationship["kind"], relationship["kind"])
    sentence = f"{relationship['source_name']} {verb} {relationship['target_name']}"
    return f"{sentence}: {relationship['note']}" if relationship.get("note") else sentence


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def role_badge(site: dict[str, Any]) -> str:
    """A coloured badge naming the site's role."""
    label = C.ROLE_LABELS.get(site["role"], site["role"])
    return f":{ROLE_COLORS.get(site['role'], 'gray')}-badge[{T.escape_markdown(label)}]"


def intro_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """Role badge, grant and place, then the site's summary with its citations."""
    site = profile.site
    return (
        f"{role_badge(site)} **{format_usd(site['grant_usd'])} grant** · "
        f":material/location_on: {T.escape_markdown(site['landmark'])}\n\n"
        f"{T.escape_markdown(site['summary'])} {citer(sources)(site['sources'])}"
    )


def product_markdown(product: dict[str, Any], sources: pd.DataFrame) -> str:
    """A product's name as a heading, then its status, description, facts, links, reported outcomes (each cited) and sources."""
    cite = citer(sources)
    facts = [
        f"**Themes:** {T.escape_markdown(', '.join(product['themes']))}",
        f"**Launched:** {T.escape_markdown(product['launched'] or C.NOT_FOUND)}",
        f"**License:** {T.escape_markdown(product['license'] or C.NOT_FOUND)}",
    ]
    if product["urls"]:
        facts.append(f"**Website:** {links_markdown(product['urls'])}")
    if product["code"]:
        facts.append(f"**Code repositories:** {links_markdown(product['code'])}")
    parts = [
        f"### {T.escape_markdown(product['name'])}",
        f"{status_markdown(product)} — {T.escape_markdown(product['status_note'])}",
        T.escape_markdown(product["description"]),
        _bullets(facts),
    ]
    if product["outcomes"]:
        lines = (f"{outcome_line(o)} {cite(o['sources'])}" for o in product["outcomes"])
        parts.append("**Reported outcomes**\n\n" + _bullets(lines))
    parts.append(cite(product["sources"]))
    return "\n\n".join(parts)


def products_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """Every product of the site (see ``product_markdown``), separated by rules."""
    if not profile.products:
        return "No product or activity of this site is recorded."
    return "\n\n---\n\n".join(product_markdown(product, sources) for product in profile.products)


def partners_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """Partner organizations under their type, each linked (http(s) only) with its role and citations."""
    cite = citer(sources)
    return "\n\n".join(
        f"**{T.escape_markdown(kind.capitalize())}**\n\n"
        + _bullets(
            T.markdown_link(x["name"], x["url"]) + (f" — {T.escape_markdown(x['role'])}" if x["role"] else "")
            + f" {cite(x['sources'])}"
            for x in orgs
        )
        for kind, orgs in profile.partners.items()
    )


def relationships_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """The documented ties between the site's organizations, one cited sentence each."""
    cite = citer(sources)
    return _bullets(f"{T.escape_markdown(relationship_sentence(x))} {cite(x['sources'])}" for x in profile.relationships)


def lessons_markdown(groups: dict[str, list[dict[str, Any]]], sources: pd.DataFrame) -> str:
    """Lessons under their synthesis section headings, each with its section basis and citations."""
    cite = citer(sources)
    return "\n\n".join(
        f"**{T.escape_markdown(section)}**\n\n"
        + _bullets(
            f"{T.escape_markdown(x['text'])} :small[({SECTION_BASIS_LABELS[x['section_basis']]})] {cite(x['sources'])}"
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
        context = _metric_context(row)
        line = f"{T.escape_markdown(row['metric'])}: **{T.escape_markdown(_metric_value(row))}**"
        line += f" ({T.escape_markdown(context)})" if context else ""
        line += f" — {T.escape_markdown(row['note'])}" if row["note"] else ""
        groups.setdefault(row["group"], []).append(f"{line} {cite(row['sources'])}".rstrip())
    return "\n\n".join(f"**{T.escape_markdown(group)}**\n\n{_bullets(lines)}" for group, lines in groups.items())


def resources_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """The site's further reading: linked title, kind, publisher, date, summary and citations."""
    cite = citer(sources)
    return _bullets(
        f"{T.markdown_link(x['title'], x['url'])} — {T.escape_markdown(x['kind'])}, {T.escape_markdown(x['publisher'])}"
        + (f", {T.escape_markdown(x['date'])}" if x["date"] else "")
        + f". {T.escape_markdown(x['summary'])} {cite(x['sources'])}"
        for x in profile.resources
    )


def sources_markdown(sources: pd.DataFrame) -> str:
    """The page's numbered source list."""
    return _bullets(source_line(row) for row in sources.to_dict("records"))


def compact_markdown(profile: SiteProfile, sources: pd.DataFrame) -> str:
    """One column of the side-by-side view: key facts, products, partner counts, with citations."""
    cite = citer(sources)
    partner_sources = sorted({s for group in profile.partners.values() for x in group for s in x["sources"]})
    return "\n\n".join([
        _bullets(f"**{label}:** {T.escape_markdown(value)}" for label, value in key_facts(profile)),
        cite(profile.site["sources"]),
        "**Products and activities**",
        _bullets(f"{T.escape_markdown(x['name'])} {status_markdown(x)} {cite(x['sources'])}" for x in profile.products),
        "**Partner organizations by type**",
        _bullets(f"{T.escape_markdown(kind.capitalize())}: {count}" for kind, count in partner_counts(profile)),
        cite(partner_sources),
    ])

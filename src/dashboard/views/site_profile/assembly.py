"""One site's records gathered from the catalog: partners, products with outcomes, lessons, metrics,
ties, further reading and the sources they cite, and two sites' metrics side by side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.schema import CROSS_SITE, LESSON_SECTIONS, ORGANIZATION_TYPES
from dashboard.data.values import NOT_FOUND, format_usd, format_value, records, status_in


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
        return str(self.site["id"])

    @property
    def name(self) -> str:
        """The site's display name."""
        return str(self.site["name"])


def _grouped(rows: list[dict[str, Any]], field: str, order: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    groups = {key: [r for r in rows if r[field] == key] for key in order}
    return {key: rows for key, rows in groups.items() if rows}


def _metrics(catalog: Catalog, site_id: str) -> pd.DataFrame:
    definitions = catalog.metric_definitions[["id", "label", "group", "value_type"]].reset_index(drop=True)
    order = {metric: index for index, metric in enumerate(definitions["id"])}
    rows = catalog.metrics[catalog.metrics["site"] == site_id]
    joined = rows.merge(definitions.rename(columns={"id": "metric"}), on="metric", how="left")
    joined = joined.assign(_order=joined["metric"].map(order)).sort_values(["_order", "vintage"], na_position="last")
    values = [format_value(v, t) for v, t in zip(joined["value"], joined["value_type"])]
    frame = pd.DataFrame(
        {
            "metric_id": joined["metric"],
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
    for group in groups:
        for record in group:
            out.update(record.get("sources") or [])
    return out


def site_profile(catalog: Catalog, site_id: str) -> SiteProfile:
    """Gather one site's records from the catalog; ``site_id`` must be a known site."""
    site_rows = records(catalog.sites[catalog.sites["id"] == site_id])
    if not site_rows:
        raise KeyError(site_id)
    site = site_rows[0]
    orgs = catalog.organizations[catalog.organizations["sites"].map(lambda sites: site_id in sites)]
    partners = records(orgs)
    products = records(catalog.products[catalog.products["site"] == site_id])
    for product in products:
        product["outcomes"] = records(catalog.outcomes[catalog.outcomes["product"] == product["id"]])
    lessons = records(catalog.lessons[catalog.lessons["site"] == site_id])
    cross = records(catalog.lessons[catalog.lessons["site"] == CROSS_SITE])
    org_ids = set(orgs["id"])
    rels = catalog.relationships
    touching = rels[(rels["site"] == site_id) | rels["source"].isin(org_ids) | rels["target"].isin(org_ids)]
    actors = _actor_names(catalog)
    relationships = [
        {**r, "source_name": actors.get(r["source"], r["source"]), "target_name": actors.get(r["target"], r["target"])}
        for r in records(touching)
    ]
    resources = records(catalog.resources[catalog.resources["sites"].map(lambda sites: site_id in sites)])
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


def metric_value_text(row: dict[str, Any]) -> str:
    """A metric row's value with its unit (years and unknown values stand alone)."""
    if row["value"] == NOT_FOUND or row["unit"] in ("", "year"):
        return str(row["value"])
    return f"{row['value']} {row['unit']}"


def metric_context(row: dict[str, Any]) -> str:
    """A metric row's vintage (unless it repeats the value) and confidence, comma-separated."""
    vintage = row["vintage"] if row["vintage"] != row["value"] else ""
    return ", ".join(x for x in (vintage, row["confidence"]) if x)


def _metric_cell(row: dict[str, Any]) -> str:
    if row["value"] == NOT_FOUND:
        return NOT_FOUND
    return f"{metric_value_text(row)} ({metric_context(row)})"


def _facts(profile: SiteProfile) -> dict[str, str]:
    """The comparison's rows for one site: what it was and did, then each metric (several values of one
    metric joined by '; '). Labels are unique: a metric whose label another row already has carries its group."""
    products = "; ".join(f"{p['name']} ({status_in(p['status'], p['status_as_of'])}, last reported)" for p in profile.products)
    partners = "; ".join(
        f"{kind.capitalize()}: {', '.join(x['name'] for x in group)}" for kind, group in profile.partners.items()
    )
    facts = {
        "Role": C.ROLE_LABELS.get(profile.site["role"], profile.site["role"]),
        "Grant": format_usd(profile.site["grant_usd"]),
        "Products and activities": products or NOT_FOUND,
        "Partner organizations": partners or NOT_FOUND,
        "Lessons recorded": str(sum(len(group) for group in profile.lessons.values())),
    }
    cells: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for row in profile.metrics.to_dict("records"):
        cells.setdefault(row["metric_id"], []).append(_metric_cell(row))
        label = row["metric"]
        taken = set(facts) | {v for k, v in labels.items() if k != row["metric_id"]}
        labels.setdefault(row["metric_id"], label if label not in taken else f"{label} ({row['group']})")
    facts.update({labels[metric]: "; ".join(values) for metric, values in cells.items()})
    return facts


def compare_sites(first: SiteProfile, second: SiteProfile) -> pd.DataFrame:
    """Two sites side by side, one row per fact or metric (unique labels): what each was and did (products
    by name and status, partners by name and type), then each ecosystem metric as "value unit (vintage,
    confidence)"; what the sources do not give reads "not found in sources"."""
    columns = (_facts(first), _facts(second))
    labels = list(dict.fromkeys([*columns[0], *columns[1]]))
    return pd.DataFrame(
        [
            {"measure": label, first.name: columns[0].get(label, NOT_FOUND), second.name: columns[1].get(label, NOT_FOUND)}
            for label in labels
        ]
    )


def site_choices(names: dict[str, str], in_view: list[str], *required: str | None) -> list[str]:
    """Options for the site picker: the sites in view, plus any required site outside them (all when none)."""
    choices = [s for s in in_view if s in names]
    choices += [s for s in required if s and s in names and s not in choices]
    return choices or list(names)

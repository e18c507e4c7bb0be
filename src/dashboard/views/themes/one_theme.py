"""The Themes page's One theme tab: the products of the sites in view that carry one theme (cards with
their sites, to link to each profile) and the lessons that carry it (cited), as Markdown and as tables.
The theme it opens with is the Themes by site grid's (``by_site.theme_in_focus``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.data.cite import correction_markdown
from dashboard.data.text import escape_markdown, markdown_link, plural
from dashboard.data.values import status_in
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.themes.lessons import LessonLinks, lesson_links, lesson_list_markdown, lessons_in_view, site_labels


def products_by_theme(catalog: Catalog, filters: F.Filters, theme: str) -> pd.DataFrame:
    """Products of the sites in view that carry ``theme`` (the picked theme replaces the theme filter)."""
    products = F.filter_products(catalog, replace(filters, themes=(theme,)))
    return pd.DataFrame(
        {
            "id": products["id"],
            "name": products["name"],
            "site": products["site"],
            "site_name": products["site"].map(site_labels(catalog)),
            "status": products["status"],
            "status_as_of": products["status_as_of"],
            "description": products["description"],
            "urls": products["urls"],
            "sources": products["sources"],
        }
    ).reset_index(drop=True)


def lessons_by_theme(catalog: Catalog, filters: F.Filters, theme: str) -> pd.DataFrame:
    """Lessons (site and cross-site) in view that carry ``theme``, by synthesis section."""
    lessons = lessons_in_view(catalog, replace(filters, themes=(theme,)))
    return lessons[["id", "text", "site", "site_name", "section", "section_basis", "note", "sources"]]


def product_cards(
    products: pd.DataFrame, repository: str | None = None, records: Mapping[str, Mapping[str, Any]] | None = None
) -> list[dict[str, str]]:
    """Each product as escaped Markdown (name, site and status, description, websites; with a ``repository``,
    a link to suggest a correction to its record in ``records``, by id) with its site id and name."""
    cards = []
    for product in products.to_dict("records"):
        body = (
            f"**{escape_markdown(product['name'])}**  \n"
            f"*{escape_markdown(product['site_name'])} · "
            f"{escape_markdown(status_in(product['status'], product['status_as_of']))} (last reported status)*\n\n"
            f"{escape_markdown(product['description'])}"
        )
        if product["urls"]:
            body += "\n\nWebsite: " + ", ".join(markdown_link(url, url) for url in product["urls"])
        if repository and records and product["id"] in records:
            body += "\n\n" + correction_markdown(repository, "products.yaml", records[product["id"]]).strip()
        cards.append({"site": product["site"], "site_name": product["site_name"], "markdown": body})
    return cards


def _carry(count: int) -> str:
    return "carries" if count == 1 else "carry"


def theme_products_markdown(products: pd.DataFrame, theme: str, cards: list[dict[str, str]] | None = None) -> str:
    """How many products carry ``theme``, then each product's card (``cards``, by default ``product_cards``),
    separated by rules."""
    name = escape_markdown(theme)
    if products.empty:
        return f"No product of the sites in view carries the theme *{name}*."
    count = f"**{len(products)} {plural('product', len(products))}** {_carry(len(products))} the theme *{name}*:"
    shown = product_cards(products) if cards is None else cards
    return "\n\n---\n\n".join([count, *(card["markdown"] for card in shown)])


def theme_lessons_markdown(lessons: pd.DataFrame, theme: str, links: LessonLinks | None = None) -> str:
    """How many lessons carry ``theme``, then the list (site and section after each)."""
    name = escape_markdown(theme)
    if lessons.empty:
        return f"No lesson in view carries the theme *{name}*."
    count = f"**{len(lessons)} {plural('lesson', len(lessons))}** {_carry(len(lessons))} the theme *{name}*:"
    return f"{count}\n\n{lesson_list_markdown(lessons, links)}"


@dataclass(frozen=True)
class ThemeView:
    """The One theme tab: its products (Markdown, and each product's site to link to) and lessons, and
    both as tables."""

    products_markdown: str
    product_sites: tuple[tuple[str, str], ...]
    lessons_markdown: str
    products: pd.DataFrame
    lessons: pd.DataFrame


@page_cache()
def theme_view(catalog: Catalog, filters: F.Filters, theme: str, repository: str | None = None) -> ThemeView:
    """One theme's products and lessons at the sites in view (the picked theme replaces the theme filter);
    with a ``repository``, each with a link to suggest a correction."""
    products = products_by_theme(catalog, filters, theme)
    lessons = lessons_by_theme(catalog, filters, theme)
    links = lesson_links(catalog, filters, lessons, repository)
    records = {record["id"]: record for record in catalog.products.to_dict("records")}
    cards = product_cards(products, repository, records)
    return ThemeView(
        products_markdown=theme_products_markdown(products, theme, cards),
        product_sites=tuple((card["site"], card["site_name"]) for card in cards),
        lessons_markdown="\n\n".join(
            part for part in (theme_lessons_markdown(lessons, theme, links), links.sources_markdown) if part
        ),
        products=products,
        lessons=lessons,
    )

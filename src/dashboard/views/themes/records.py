"""The Themes page's data and text: which themes each site worked on (theme × site counts), one theme's
products and lessons, lessons by synthesis section, and the page's tabs. The charts are in ``theme_charts``."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.citations import Cite, citer, numbered_sources, sources_markdown
from dashboard.data.schema import CROSS_SITE, LESSON_SECTIONS, ROLES, SECTION_BASES, THEMES
from dashboard.data.text import escape_markdown, markdown_link, plural
from dashboard.data.values import status_in
from dashboard.state import filters as F
from dashboard.state.links import filter_params, page_href, site_param
from dashboard.ui.caching import page_cache

CROSS_SITE_LABEL = "Cross-site"


GROUP_ORDER = ("implementation", "learning", CROSS_SITE)


GROUP_LABELS = {**C.ROLE_LABELS, CROSS_SITE: "Cross-site lesson"}


MATRIX_COLUMNS = ["theme", "site", "site_name", "role", "products", "lessons", "records"]


SECTION_COLUMNS = ["section", "group", "section_basis", "lessons"]


def themes_in_view(filters: F.Filters) -> list[str]:
    """The themes the view covers: the chosen ones, else all, in vocabulary order."""
    return [t for t in THEMES if t in filters.themes] if filters.themes else list(THEMES)


def theme_site_matrix(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """One row per theme × site in view: counts of product records and site lesson records.

    Sites and role narrow the columns, chosen themes narrow the rows. Cross-site lessons
    belong to no site and are not counted here.
    """
    sites = F.filter_sites(catalog, filters)
    products = catalog.products[catalog.products["site"].isin(sites["id"])]
    lessons = catalog.lessons[catalog.lessons["site"].isin(sites["id"])]
    rows = []
    for theme in themes_in_view(filters):
        product_sites = products.loc[
            products["themes"].map(lambda t, theme=theme: F.has_theme(t, (theme,))), "site"
        ].value_counts()
        lesson_sites = lessons.loc[lessons["themes"].map(lambda t, theme=theme: F.has_theme(t, (theme,))), "site"].value_counts()
        for site in sites.itertuples():
            n_products = int(product_sites.get(site.id, 0))
            n_lessons = int(lesson_sites.get(site.id, 0))
            rows.append((theme, site.id, site.name, site.role, n_products, n_lessons, n_products + n_lessons))
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def summed_by_role(matrix: pd.DataFrame) -> pd.DataFrame:
    """The theme × site counts summed per site role, with the matrix's columns: one "site" per role
    in view, named with its number of sites (for views with too many sites to draw one column each)."""
    rows = []
    for role in ROLES:
        part = matrix[matrix["role"] == role]
        if part.empty:
            continue
        label = f"All {part['site'].nunique()} {C.ROLE_LABELS[role].lower()}s"
        for theme, group in part.groupby("theme", sort=False):
            rows.append((theme, role, label, role, *(int(group[c].sum()) for c in ("products", "lessons", "records"))))
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def theme_totals(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per theme: records in view and the number of sites with at least one, in vocabulary order."""
    grouped = matrix.groupby("theme", sort=False)
    return pd.DataFrame(
        {"records": grouped["records"].sum(), "sites": grouped["records"].apply(lambda s: int((s > 0).sum()))}
    ).reset_index()


def default_theme(matrix: pd.DataFrame, filters: F.Filters) -> str:
    """The theme to show first: the first chosen theme, else the first with records in view."""
    if filters.themes:
        return themes_in_view(filters)[0]
    totals = theme_totals(matrix)
    with_records = totals[totals["records"] > 0]
    return str(with_records["theme"].iloc[0]) if len(with_records) else THEMES[0]


def matrix_takeaway(matrix: pd.DataFrame) -> str:
    """One sentence on the theme × site grid, saying that it counts records in the dataset."""
    if matrix.empty:
        return "No sites are in view, so there is nothing to count."
    totals = theme_totals(matrix)
    top = totals.sort_values("records", ascending=False, kind="stable").iloc[0]
    n_sites = matrix["site"].nunique()
    empty = int((totals["records"] == 0).sum())
    if top["records"] == 0:
        return "Counting records in this dataset, none of these themes has a product or lesson at the sites in view."
    sentence = (
        f"Counting records in this dataset (products and site lessons), **{top['theme']}** has the most: "
        f"{int(top['records'])}, at {int(top['sites'])} of {n_sites} {plural('site', n_sites)}"
    )
    if empty:
        sentence += f"; {empty} of {len(totals)} themes have no record at the sites in view"
    return sentence + "."


def lessons_by_section(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Lesson counts per synthesis section × group (implementation, learning, cross-site) × section basis."""
    lessons = F.filter_lessons(catalog, filters)
    roles = dict(zip(catalog.sites["id"], catalog.sites["role"]))
    groups = lessons["site"].map(lambda s: CROSS_SITE if s == CROSS_SITE else roles.get(s, CROSS_SITE))
    counts = lessons.assign(group=groups).groupby(["section", "group", "section_basis"]).size().rename("lessons").reset_index()
    counts["section"] = pd.Categorical(counts["section"], categories=LESSON_SECTIONS, ordered=True)
    counts["group"] = pd.Categorical(counts["group"], categories=GROUP_ORDER, ordered=True)
    counts = counts.sort_values(["section", "group", "section_basis"]).reset_index(drop=True)
    counts["section"] = counts["section"].astype(str)
    counts["group"] = counts["group"].astype(str)
    return counts[SECTION_COLUMNS]


def basis_split(sections: pd.DataFrame) -> dict[str, int]:
    """How many lessons carry a section taken from the source, and how many an editorial one."""
    return {basis: int(sections.loc[sections["section_basis"] == basis, "lessons"].sum()) for basis in SECTION_BASES}


def basis_note(sections: pd.DataFrame) -> str:
    """How many section tags come from the source and how many are editorial, as an italic note."""
    split = basis_split(sections)
    return (
        f"*Section tags: {split['source']} taken from the source, {split['editorial']} editorial "
        "(filed under a section for this dataset where the source does not file the lesson itself).*"
    )


def section_takeaway(sections: pd.DataFrame) -> str:
    """One sentence: the busiest section and the source/editorial split of section tags."""
    total = int(sections["lessons"].sum())
    if total == 0:
        return "No lessons match the current filters."
    per_section = sections.groupby("section", sort=False)["lessons"].sum()
    top = per_section.idxmax()
    split = basis_split(sections)
    if split["editorial"] == total:
        basis = f"all {total} section tags are editorial (assigned for this dataset, not by the source)"
    elif split["source"] == total:
        basis = f"all {total} section tags come from the source"
    else:
        basis = f"{split['source']} section tags come from the source and {split['editorial']} are editorial"
    return f"**{top}** holds the most lessons ({int(per_section[top])} of {total}); {basis}."


def site_labels(catalog: Catalog) -> dict[str, str]:
    """Site id -> display name, with the cross-site label for lessons not tied to a site."""
    return {**catalog.site_names(), CROSS_SITE: CROSS_SITE_LABEL}


def lessons_in_view(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Lessons in view with site names, ordered by synthesis section then catalog order."""
    lessons = F.filter_lessons(catalog, filters)
    names = site_labels(catalog)
    out = pd.DataFrame(
        {
            "section": lessons["section"],
            "text": lessons["text"],
            "site": lessons["site"],
            "site_name": lessons["site"].map(lambda s: names.get(s, s)),
            "section_basis": lessons["section_basis"],
            "themes": lessons["themes"],
            "note": lessons["note"],
            "sources": lessons["sources"],
        }
    )
    rank = {s: i for i, s in enumerate(LESSON_SECTIONS)}
    return out.iloc[out["section"].map(rank).argsort(kind="stable")].reset_index(drop=True)


def products_by_theme(catalog: Catalog, filters: F.Filters, theme: str) -> pd.DataFrame:
    """Products of the sites in view that carry ``theme`` (the picked theme replaces the theme filter)."""
    products = F.filter_products(catalog, replace(filters, themes=(theme,)))
    return pd.DataFrame(
        {
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
    return lessons[["text", "site", "site_name", "section", "section_basis", "note", "sources"]]


@dataclass(frozen=True)
class LessonLinks:
    """How a list of lessons cites and links: numbered citations of their sources, and a link for each
    site to its profile (carrying the filters); the numbered list of those sources."""

    cite: Cite
    site_href: dict[str, str]
    sources_markdown: str


def lesson_links(catalog: Catalog, filters: F.Filters, lessons: pd.DataFrame) -> LessonLinks:
    """Citations and profile links for ``lessons`` (records with ``site`` and ``sources``)."""
    sources = numbered_sources(catalog, {s for ids in lessons["sources"] for s in ids})
    names = catalog.site_names()
    params = filter_params(filters, names)
    hrefs = {site: page_href("site", {"site": site_param(site, names), **params}) for site in names}
    listed = f"**Sources cited in these lessons**\n\n{sources_markdown(sources)}" if len(sources) else ""
    return LessonLinks(citer(sources), hrefs, listed)


def lesson_list_markdown(lessons: pd.DataFrame, links: LessonLinks | None = None, *, with_section: bool = True) -> str:
    """The lessons as one escaped Markdown list, each ending with its site (a link to its profile, with
    ``links``), its section, any caveat on its wording, and its citations."""
    lines = []
    for lesson in lessons.to_dict("records"):
        site = escape_markdown(lesson["site_name"])
        href = links.site_href.get(lesson["site"]) if links else None
        where = f"[{site}]({href})" if href else site
        if with_section:
            where += f", {escape_markdown(lesson['section'])}"
        note = f" :small[*{escape_markdown(lesson['note'])}*]" if lesson.get("note") else ""
        cited = f" {links.cite(lesson['sources'])}" if links else ""
        lines.append(f"- {escape_markdown(lesson['text'])} — *{where}*{note}{cited}")
    return "\n".join(lines)


def section_lessons_markdown(lessons: pd.DataFrame, section: str, links: LessonLinks | None = None) -> str:
    """The lessons filed under one synthesis section: a count line, then the list (site after each)."""
    rows = lessons[lessons["section"] == section]
    count = f"**{escape_markdown(section)}: {len(rows)} {plural('lesson', len(rows))}**"
    if rows.empty:
        return count + "\n\nNo lessons under this section in the current view."
    return count + "\n\n" + lesson_list_markdown(rows, links, with_section=False)


def cross_site_count(lessons: pd.DataFrame) -> int:
    """How many of ``lessons`` belong to no single site."""
    return int((lessons["site"] == CROSS_SITE).sum())


def product_cards(products: pd.DataFrame) -> list[dict[str, str]]:
    """Each product as escaped Markdown (name, site and status, description, websites) with its site id and name."""
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
        cards.append({"site": product["site"], "site_name": product["site_name"], "markdown": body})
    return cards


TABS = ("Themes by site", "One theme", "Lessons by section", "Search")


# The tab that reads each page parameter, in the order they win when a link carries several.
TAB_FOR_PARAM = {"q": "Search", "section": "Lessons by section", "theme": "One theme"}


def default_tab(url_keys: list[str]) -> int:
    """Index in ``TABS`` of the tab a link opens when it names none: the one that reads its search,
    section or theme."""
    if "themes_tab" in url_keys or "tab" in url_keys:
        return 0
    return next((TABS.index(TAB_FOR_PARAM[key]) for key in TAB_FOR_PARAM if key in url_keys), 0)


def _carry(count: int) -> str:
    return "carries" if count == 1 else "carry"


def theme_products_markdown(products: pd.DataFrame, theme: str) -> str:
    """How many products carry ``theme``, then each product's card, separated by rules."""
    name = escape_markdown(theme)
    if products.empty:
        return f"No product of the sites in view carries the theme *{name}*."
    count = f"**{len(products)} {plural('product', len(products))}** {_carry(len(products))} the theme *{name}*:"
    return "\n\n---\n\n".join([count, *(card["markdown"] for card in product_cards(products))])


def theme_lessons_markdown(lessons: pd.DataFrame, theme: str, links: LessonLinks | None = None) -> str:
    """How many lessons carry ``theme``, then the list (site and section after each)."""
    name = escape_markdown(theme)
    if lessons.empty:
        return f"No lesson in view carries the theme *{name}*."
    count = f"**{len(lessons)} {plural('lesson', len(lessons))}** {_carry(len(lessons))} the theme *{name}*:"
    return f"{count}\n\n{lesson_list_markdown(lessons, links)}"


@page_cache()
def theme_in_focus(catalog: Catalog, filters: F.Filters) -> str:
    """The theme the One theme tab shows first (see ``default_theme``)."""
    return default_theme(theme_site_matrix(catalog, filters), filters)


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
def theme_view(catalog: Catalog, filters: F.Filters, theme: str) -> ThemeView:
    """One theme's products and lessons at the sites in view (the picked theme replaces the theme filter)."""
    products = products_by_theme(catalog, filters, theme)
    lessons = lessons_by_theme(catalog, filters, theme)
    links = lesson_links(catalog, filters, lessons)
    return ThemeView(
        products_markdown=theme_products_markdown(products, theme),
        product_sites=tuple((card["site"], card["site_name"]) for card in product_cards(products)),
        lessons_markdown="\n\n".join(
            part for part in (theme_lessons_markdown(lessons, theme, links), links.sources_markdown) if part
        ),
        products=products,
        lessons=lessons,
    )

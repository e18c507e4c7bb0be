"""What the Themes page's tabs share about lessons: site labels (with "Cross-site" for lessons tied to
no site), the lessons in view in synthesis-section order, and a list of lessons as Markdown with
numbered citations and links to each site's profile (the One theme and Lessons by section tabs)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.data.citations import Cite, citer, numbered_sources, sources_markdown
from dashboard.data.cite import correction_markdown
from dashboard.data.schema import CROSS_SITE, LESSON_SECTIONS
from dashboard.data.text import escape_markdown
from dashboard.state import filters as F
from dashboard.state.links import filter_params, page_href, site_param

CROSS_SITE_LABEL = "Cross-site"


def site_labels(catalog: Catalog) -> dict[str, str]:
    """Site id -> display name, with the cross-site label for lessons not tied to a site."""
    return {**catalog.site_names(), CROSS_SITE: CROSS_SITE_LABEL}


def lessons_in_view(catalog: Catalog, filters: F.Filters) -> pd.DataFrame:
    """Lessons in view with site names, ordered by synthesis section then catalog order."""
    lessons = F.filter_lessons(catalog, filters)
    names = site_labels(catalog)
    out = pd.DataFrame(
        {
            "id": lessons["id"],
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


@dataclass(frozen=True)
class LessonLinks:
    """How a list of lessons cites and links: numbered citations of their sources, and a link for each
    site to its profile (carrying the filters); the numbered list of those sources; and the repository
    that each lesson's "Suggest a correction" link opens (none without one)."""

    cite: Cite
    site_href: dict[str, str]
    sources_markdown: str
    repository: str | None = None


def lesson_links(catalog: Catalog, filters: F.Filters, lessons: pd.DataFrame, repository: str | None = None) -> LessonLinks:
    """Citations and profile links for ``lessons`` (records with ``site`` and ``sources``), and with a
    ``repository`` links to suggest a correction."""
    sources = numbered_sources(catalog, {s for ids in lessons["sources"] for s in ids})
    names = catalog.site_names()
    params = filter_params(filters, names)
    hrefs = {site: page_href("site", {"site": site_param(site, names), **params}) for site in names}
    listed = f"**Sources cited in these lessons**\n\n{sources_markdown(sources)}" if len(sources) else ""
    return LessonLinks(citer(sources), hrefs, listed, repository)


def lesson_list_markdown(lessons: pd.DataFrame, links: LessonLinks | None = None, *, with_section: bool = True) -> str:
    """The lessons as one escaped Markdown list, each ending with its site (a link to its profile, with
    ``links``), its section, any caveat on its wording, its citations and (with the links' repository) a
    link to suggest a correction."""
    lines = []
    for lesson in lessons.to_dict("records"):
        site = escape_markdown(lesson["site_name"])
        href = links.site_href.get(lesson["site"]) if links else None
        where = f"[{site}]({href})" if href else site
        if with_section:
            where += f", {escape_markdown(lesson['section'])}"
        note = f" :small[*{escape_markdown(lesson['note'])}*]" if lesson.get("note") else ""
        cited = (
            f" {links.cite(lesson['sources'])}{correction_markdown(links.repository, 'lessons.yaml', lesson)}" if links else ""
        )
        lines.append(f"- {escape_markdown(lesson['text'])} — *{where}*{note}{cited}")
    return "\n".join(lines)

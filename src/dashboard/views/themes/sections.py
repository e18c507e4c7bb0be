"""The Themes page's Lessons by section tab: lessons in view counted by synthesis section × group
(implementation, learning, cross-site) × section basis, drawn as Altair stacked bars with a takeaway
and a note on source and editorial section tags, and the lessons filed under one section (cited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.data.catalog import Catalog
from dashboard.data.schema import CROSS_SITE, LESSON_SECTIONS, SECTION_BASES
from dashboard.data.text import escape_markdown, plural, wrap_label
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.themes.lessons import LessonLinks, lesson_links, lesson_list_markdown, lessons_in_view

GROUP_ORDER = ("implementation", "learning", CROSS_SITE)


GROUP_LABELS = {**C.ROLE_LABELS, CROSS_SITE: "Cross-site lesson"}


SECTION_COLUMNS = ["section", "group", "section_basis", "lessons"]


GROUP_COLORS = {**C.ROLE_COLORS, CROSS_SITE: C.CATEGORY_COLORS[2]}


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


def section_lessons_markdown(lessons: pd.DataFrame, section: str, links: LessonLinks | None = None) -> str:
    """The lessons filed under one synthesis section: the section as a heading (a search result's link lands
    on it), a count line, then the list (site after each)."""
    rows = lessons[lessons["section"] == section]
    count = f"### {escape_markdown(section)}\n\n**{len(rows)} {plural('lesson', len(rows))}**"
    if rows.empty:
        return count + "\n\nNo lessons under this section in the current view."
    return count + "\n\n" + lesson_list_markdown(rows, links, with_section=False)


def section_chart(sections: pd.DataFrame) -> alt.TopLevelMixin:
    """Horizontal stacked bars: lessons per synthesis section, coloured by implementation, learning or cross-site."""
    data = sections.assign(
        group_label=sections["group"].map(GROUP_LABELS),
        stack=sections["group"].map(GROUP_ORDER.index),
        section_label=sections["section"].map(wrap_label),
    )
    order = [wrap_label(s) for s in LESSON_SECTIONS]
    present = [g for g in GROUP_ORDER if g in set(sections["group"])] or list(GROUP_ORDER)
    return cast(
        "alt.TopLevelMixin",
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "section_label:N",
                sort=order,
                scale=alt.Scale(domain=order),
                title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=160),
            ),
            x=alt.X("sum(lessons):Q", title="Lessons", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "group_label:N",
                title=None,
                scale=alt.Scale(domain=[GROUP_LABELS[g] for g in present], range=[GROUP_COLORS[g] for g in present]),
                legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=200),
            ),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("section:N", title="Section"),
                alt.Tooltip("group_label:N", title="Lessons from"),
                alt.Tooltip("section_basis:N", title="Section tag"),
                alt.Tooltip("sum(lessons):Q", title="Lessons"),
            ],
        )
        .properties(
            height=alt.Step(44),
            width="container",
            description=(
                "Bar chart: number of lessons filed under each of the five synthesis sections, "
                "split by implementation-site, learning-site and cross-site lessons."
            ),
        ),
    )


SECTIONS_ALT = (
    "Bar chart of the number of lessons under each of the five sections of the program's synthesis, "
    "split into implementation-site, learning-site and cross-site lessons."
)


@dataclass(frozen=True)
class SectionsView:
    """The Lessons by section tab: the chart (None when no lesson is in view) and one section's lessons."""

    chart: ChartView | None
    lessons_markdown: str


@page_cache()
def sections_view(catalog: Catalog, filters: F.Filters, section: str, repository: str | None = None) -> SectionsView:
    """Lessons in view counted by synthesis section, and the lessons filed under ``section`` (with a
    ``repository``, each with a link to suggest a correction)."""
    sections = lessons_by_section(catalog, filters)
    if sections.empty:
        return SectionsView(None, "")
    chart = chart_view(
        "Lessons by synthesis section",
        section_takeaway(sections),
        section_chart(sections),
        sections,
        "lessons-by-section",
        SECTIONS_ALT,
        basis_note(sections),
    )
    lessons = lessons_in_view(catalog, filters)
    shown = lessons[lessons["section"] == section]
    links = lesson_links(catalog, filters, shown, repository)
    listed = section_lessons_markdown(lessons, section, links)
    return SectionsView(chart, "\n\n".join(part for part in (listed, links.sources_markdown) if part))

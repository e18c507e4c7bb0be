"""The Themes page's charts (Altair): the theme × site heatmap and lessons by synthesis section, with the
chart views the page shows (built once per view and cached)."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.data.catalog import Catalog
from dashboard.data.schema import CROSS_SITE, LESSON_SECTIONS
from dashboard.data.text import wrap_label
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.themes.records import (
    GROUP_LABELS,
    GROUP_ORDER,
    basis_note,
    cross_site_count,
    lesson_links,
    lessons_by_section,
    lessons_in_view,
    matrix_takeaway,
    section_lessons_markdown,
    section_takeaway,
    summed_by_role,
    theme_site_matrix,
)

GROUP_COLORS = {**C.ROLE_COLORS, CROSS_SITE: C.CATEGORY_COLORS[2]}


def theme_site_chart(matrix: pd.DataFrame) -> alt.TopLevelMixin:
    """Heatmap of themes (rows) × sites (columns) coloured by record count, with the count on each cell."""
    themes = list(dict.fromkeys(matrix["theme"]))
    site_names = list(dict.fromkeys(matrix["site_name"]))
    peak = max(int(matrix["records"].max()) if len(matrix) else 0, 1)
    y = alt.Y("theme:N", sort=themes, title=None, axis=alt.Axis(labelLimit=140))
    x = alt.X(
        "site_name:N",
        sort=site_names,
        title=None,
        axis=alt.Axis(labelAngle=-55, labelLimit=130, orient="top", labelAlign="left", labelOverlap=False),
    )
    tooltip = [
        alt.Tooltip("theme:N", title="Theme"),
        alt.Tooltip("site_name:N", title="Site"),
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("products:Q", title="Products"),
        alt.Tooltip("lessons:Q", title="Lessons"),
        alt.Tooltip("records:Q", title="Records"),
    ]
    base = alt.Chart(matrix).encode(x=x, y=y, tooltip=tooltip)
    cells = base.mark_rect(stroke="#8888", strokeWidth=0.5).encode(
        color=alt.Color(
            "records:Q",
            title="Records",
            scale=alt.Scale(scheme="blues", domain=[0, peak]),
            legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=160),
        )
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("records:Q"),
        color=alt.condition(f"datum.records > {peak / 2}", alt.value("white"), alt.value("#1a1a1a")),
    )
    return (cells + labels).properties(
        height=alt.Step(30),
        width="container",
        description=(
            "Heatmap: one row per theme and one column per site; each cell counts the product and "
            "lesson records in the dataset that carry that theme at that site."
        ),
    )


def section_chart(sections: pd.DataFrame) -> alt.TopLevelMixin:
    """Horizontal stacked bars: lessons per synthesis section, coloured by implementation, learning or cross-site."""
    data = sections.assign(
        group_label=sections["group"].map(GROUP_LABELS),
        stack=sections["group"].map(GROUP_ORDER.index),
        section_label=sections["section"].map(wrap_label),
    )
    order = [wrap_label(s) for s in LESSON_SECTIONS]
    present = [g for g in GROUP_ORDER if g in set(sections["group"])] or list(GROUP_ORDER)
    return (
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
        )
    )


MAX_HEATMAP_SITES = 30  # more sites in view than this, and the heatmap sums them by role
MATRIX_ALT = (
    "Heatmap of themes by site. Each cell gives the number of product and lesson records in this "
    "dataset that carry the theme at the site; the table below the chart lists every cell."
)
SECTIONS_ALT = (
    "Bar chart of the number of lessons under each of the five sections of the program's synthesis, "
    "split into implementation-site, learning-site and cross-site lessons."
)


@page_cache()
def matrix_view(catalog: Catalog, filters: F.Filters) -> ChartView | None:
    """The Themes by site tab (None when no site is in view)."""
    matrix = theme_site_matrix(catalog, filters)
    if matrix.empty:
        return None
    note = (
        "*Counts are of records in this dataset, not of all local work on a theme. "
        f"Cross-site lessons ({cross_site_count(lessons_in_view(catalog, filters))} in view) belong to no single site "
        "and are not counted in the grid.*"
    )
    drawn = matrix
    sites = matrix["site"].nunique()
    if sites > MAX_HEATMAP_SITES:  # one column per site would be unreadable (and too much data to send)
        drawn = summed_by_role(matrix)
        note += f" *With {sites} sites in view the grid sums them by site role; the table below lists every site.*"
    return chart_view(
        "Themes by site", matrix_takeaway(matrix), theme_site_chart(drawn), matrix, "themes-by-site", MATRIX_ALT, note
    )


@dataclass(frozen=True)
class SectionsView:
    """The Lessons by section tab: the chart (None when no lesson is in view) and one section's lessons."""

    chart: ChartView | None
    lessons_markdown: str


@page_cache()
def sections_view(catalog: Catalog, filters: F.Filters, section: str) -> SectionsView:
    """Lessons in view counted by synthesis section, and the lessons filed under ``section``."""
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
    links = lesson_links(catalog, filters, shown)
    listed = section_lessons_markdown(lessons, section, links)
    return SectionsView(chart, "\n\n".join(part for part in (listed, links.sources_markdown) if part))

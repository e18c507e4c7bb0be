"""The Themes page's Themes by site tab: which themes each site worked on, counted as product and site
lesson records per theme × site (cross-site lessons belong to no site and are left out), drawn as an
Altair heatmap with its takeaway; and the theme the One theme tab opens with, the grid's first theme
with records."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.data.catalog import Catalog
from dashboard.data.schema import CROSS_SITE, ROLES, THEMES
from dashboard.data.text import plural
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.themes.lessons import lessons_in_view

MATRIX_COLUMNS = ["theme", "site", "site_name", "role", "products", "lessons", "records"]


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


def cross_site_count(lessons: pd.DataFrame) -> int:
    """How many of ``lessons`` belong to no single site."""
    return int((lessons["site"] == CROSS_SITE).sum())


@page_cache()
def theme_in_focus(catalog: Catalog, filters: F.Filters) -> str:
    """The theme the One theme tab shows first (see ``default_theme``)."""
    return default_theme(theme_site_matrix(catalog, filters), filters)


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
    return cast(
        "alt.TopLevelMixin",
        (cells + labels).properties(
            height=alt.Step(30),
            width="container",
            description=(
                "Heatmap: one row per theme and one column per site; each cell counts the product and "
                "lesson records in the dataset that carry that theme at that site."
            ),
        ),
    )


MAX_HEATMAP_SITES = 30  # more sites in view than this, and the heatmap sums them by role


MATRIX_ALT = (
    "Heatmap of themes by site. Each cell gives the number of product and lesson records in this "
    "dataset that carry the theme at the site; the table below the chart lists every cell."
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

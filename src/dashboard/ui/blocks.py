"""Page blocks shared by the pages: a chart with its takeaway and data, a table with its CSV, an
expander built only while open, a network picture with its tables, and the data problems box."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import streamlit as st

from dashboard.data.cite import CORRECTION_COLUMN, CORRECTION_LABEL
from dashboard.data.export import safe_csv, screen_frame
from dashboard.data.text import escape_markdown, section_markdown

if TYPE_CHECKING:  # Altair (behind ChartView) and the network modules load only on the pages that draw them
    from dashboard.charts.chart_view import ChartView
    from dashboard.network.views import NetworkView

MAX_PROBLEMS_SHOWN = 200
# A CTDC organization's web address is shown as a link (only http(s) addresses reach the tables).
LINK_COLUMNS = {"url": st.column_config.LinkColumn("url")}
# A table's column of correction links reads "Suggest a correction" (only http(s) links are made).
CORRECTION_LINKS = {CORRECTION_COLUMN: st.column_config.LinkColumn(CORRECTION_COLUMN, display_text=CORRECTION_LABEL)}


def show_problems(problems: list[Any]) -> None:
    """An error box listing what is wrong with the data, one line per problem."""
    lines = "\n".join(f"- {escape_markdown(problem)}" for problem in problems[:MAX_PROBLEMS_SHOWN])
    more = f"\n\n…and {len(problems) - MAX_PROBLEMS_SHOWN} more." if len(problems) > MAX_PROBLEMS_SHOWN else ""
    st.error(
        f"The data did not pass validation ({len(problems)} problem(s)). Fix the files listed below, "
        "then run `make validate`.\n\n" + lines + more,
        icon=":material/error:",
    )


def csv_download(frame: pd.DataFrame, name: str) -> None:
    """A button downloading ``frame`` as spreadsheet-safe CSV, generated only when clicked."""
    st.download_button(
        f"Download {name} (CSV)",
        functools.partial(safe_csv, frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download-{name}",
        icon=":material/download:",
        on_click="ignore",
    )


def table_with_download(
    frame: pd.DataFrame,
    name: str,
    *,
    column_config: dict[str, Any] | None = None,
    pinned: str | None = None,
    height: int | Literal["auto"] = "auto",
    row_height: int | None = None,
) -> None:
    """A table of ``frame`` (lists joined, missing dates in words) and a spreadsheet-safe CSV download of it;
    the ``pinned`` column (e.g. "site" of a wide site × measure table) stays in view while the others
    scroll; rows of ``row_height`` (e.g. ``WRAPPED_ROW_PX``) wrap long cells within their columns'
    widths; a ``correction`` column shows its links as "Suggest a correction"."""
    if CORRECTION_COLUMN in frame.columns:
        column_config = {**CORRECTION_LINKS, **(column_config or {})}
    if pinned:
        column_config = {**(column_config or {}), pinned: st.column_config.TextColumn(pinned, pinned=True)}
    st.dataframe(screen_frame(frame), hide_index=True, column_config=column_config, height=height, row_height=row_height)
    csv_download(frame, name)


def text_table(frame: pd.DataFrame, index: str) -> None:
    """A small static table whose cells wrap at word breaks on any screen (a data grid cuts long cells), the
    ``index`` column as its row labels; ``st.table`` reads Markdown, so every cell and label is escaped."""
    st.table(frame.map(escape_markdown).rename(columns=escape_markdown).set_index(escape_markdown(index)))


# On a narrow screen (a phone) a wide table gives way to a list of its rows, which wraps; on a wider
# screen the list is hidden (printed, the list is shown: the interactive table does not print).
NARROW_PX = 640
NARROW_STYLE = f"""<style>
@media (max-width: {NARROW_PX}px) {{ [class*="st-key-wide-"] {{ display: none !important; }} }}
@media screen and (min-width: {NARROW_PX + 1}px) {{ [class*="st-key-narrow-"] {{ display: none !important; }} }}
</style>"""


def table_or_list(frame: pd.DataFrame, name: str, rows_markdown: str, *, column_config: dict[str, Any] | None = None) -> None:
    """A table of ``frame`` on a wide screen and the same rows as a Markdown list (``rows_markdown``) on a
    phone, where a table of many columns would show one truncated column; the CSV download under both."""
    if CORRECTION_COLUMN in frame.columns:
        column_config = {**CORRECTION_LINKS, **(column_config or {})}
    st.html(NARROW_STYLE)
    with st.container(key=f"wide-{name}"):
        st.dataframe(screen_frame(frame), hide_index=True, column_config=column_config)
    with st.container(key=f"narrow-{name}"):
        st.markdown(rows_markdown)
    csv_download(frame, name)


@contextlib.contextmanager
def lazy_expander(label: str, key: str) -> Iterator[bool]:
    """An expander whose content is built only while it is open; yields whether it is open.

    Opening or closing it reruns the page, so closed expanders cost nothing on other reruns.
    """
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def chart_block(view: ChartView) -> None:
    """A chart with its title, takeaway (and note), alt text, and its data as a table with CSV, built when opened."""
    st.markdown(section_markdown(view.title, view.takeaway, view.note))
    st.vega_lite_chart(view.spec, width="stretch")
    with lazy_expander(f"Data behind “{view.title}”", f"data-{view.name}") as is_open:
        if is_open:
            table_with_download(view.table, view.name)


def network_block(view: NetworkView, *, tables: bool = True) -> None:
    """A network picture with its evidence note (a callout above it when few ties are documented, else a
    line under it), its legend in words, takeaways, and (with ``tables``) its organizations and ties as
    tables with CSV, built when opened. A tap or click on a mark or a line shows its details and sources
    right under the picture."""
    if view.few_ties:  # said first and plainly, so nobody reads missing evidence as missing ties
        st.info(view.evidence, icon=":material/info:")
    from dashboard.network.details import picked_details  # here: the network modules load only where one is drawn

    event = st.vega_lite_chart(view.spec, width="stretch", on_select="rerun", key=f"picture-{view.stem}")
    shown = picked_details(event, view.details)
    if shown:  # right under the picture: on a phone the tapped mark's details are in view
        st.container(border=True).markdown(shown)
    else:
        st.caption("Tap or click a mark or a line: its details and sources appear here.")
    notes = " ".join(n for n in (view.legend, view.drawing_note, "" if view.few_ties else view.evidence) if n)
    st.markdown(f":small[{notes}]\n\n{view.takeaways}")
    if tables:
        label = f"{view.name}: every organization and tie as a table, counting {view.counting}"
        with lazy_expander(label, f"data-{view.stem}") as is_open:
            if is_open:
                links = LINK_COLUMNS if view.links else None  # an upload's addresses stay text
                table_or_list(view.organizations, f"{view.stem}-organizations", view.organization_list, column_config=links)
                table_with_download(view.ties, f"{view.stem}-ties")

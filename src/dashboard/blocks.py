"""Page blocks shared by the pages: a chart with its takeaway and data, a table with its CSV, an
expander built only while open, and the data problems box."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any, Literal

import pandas as pd
import streamlit as st

from .chart_view import ChartView
from .export import display_frame, safe_csv
from .text import escape_markdown, section_markdown

MAX_PROBLEMS_SHOWN = 200


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
    frame: pd.DataFrame, name: str, *, column_config: dict | None = None, height: int | Literal["auto"] = "auto"
) -> None:
    """A table of ``frame`` (lists joined) and a spreadsheet-safe CSV download of it."""
    st.dataframe(display_frame(frame), hide_index=True, column_config=column_config, height=height)
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

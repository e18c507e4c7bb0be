"""A chart ready for a page: title, computed takeaway, the Vega-Lite spec with its alt text, and the
table behind it (shown, and downloaded as CSV, on request)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import altair as alt
import pandas as pd
import pyarrow as pa


@dataclass(frozen=True)
class ChartView:
    """Everything a page shows for one chart. ``name`` names its CSV download."""

    title: str
    takeaway: str
    spec: dict[str, Any]
    alt_text: str
    table: pd.DataFrame
    name: str
    note: str = ""


def arrow_ipc(rows: list[dict[str, Any]]) -> bytes | None:
    """Rows as an Arrow IPC stream, the form Streamlit sends chart data in; None when Arrow cannot
    type a column (the rows are then left for Streamlit to convert)."""
    try:
        table = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return cast("bytes | None", sink.getvalue().to_pybytes())


def vega_lite_spec(chart: alt.TopLevelMixin, description: str) -> dict[str, Any]:
    """The chart as a Vega-Lite spec with ``description`` as its accessible name (alt text).

    Not validated against the Vega-Lite schema here (the chart builders' tests do that) and
    without Altair's own theme (the page applies Streamlit's). Its named datasets are already Arrow
    bytes, which ``st.vega_lite_chart`` sends as they are, so a cached spec costs no conversion on
    each rerun (tests/test_page_metrics.py checks the chart carries these bytes).
    """
    with alt.theme.enable("none"):
        spec: dict[str, Any] = chart.properties(description=description).to_dict(validate=False)
    for name, rows in spec.get("datasets", {}).items():
        spec["datasets"][name] = arrow_ipc(rows) or rows
    return spec


def chart_view(
    title: str, takeaway: str, chart: alt.TopLevelMixin, table: pd.DataFrame, name: str, alt_text: str, note: str = ""
) -> ChartView:
    """A ``ChartView`` of ``chart`` (converted to its spec once)."""
    return ChartView(title, takeaway, vega_lite_spec(chart, alt_text), alt_text, table, name, note)

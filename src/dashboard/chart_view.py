"""A chart ready for a page: title, computed takeaway, the Vega-Lite spec with its alt text, and the
table behind it (shown, and downloaded as CSV, on request)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd


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


def vega_lite_spec(chart: alt.TopLevelMixin, description: str) -> dict[str, Any]:
    """The chart as a Vega-Lite spec with ``description`` as its accessible name (alt text).

    Not validated against the Vega-Lite schema here (the chart builders' tests do that) and
    without Altair's own theme (the page applies Streamlit's).
    """
    with alt.theme.enable("none"):
        spec: dict[str, Any] = chart.properties(description=description).to_dict(validate=False)
    return spec


def chart_view(
    title: str, takeaway: str, chart: alt.TopLevelMixin, table: pd.DataFrame, name: str, alt_text: str, note: str = ""
) -> ChartView:
    """A ``ChartView`` of ``chart`` (converted to its spec once)."""
    return ChartView(title, takeaway, vega_lite_spec(chart, alt_text), alt_text, table, name, note)

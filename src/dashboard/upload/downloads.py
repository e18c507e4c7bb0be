"""The result files of a map: per-organization metrics and summaries as spreadsheet-safe CSV, the network
as GraphML (Gephi, yEd) and as a Kumu JSON blueprint, and the picture as SVG or PNG. Formula-like text
is neutralised; GraphML, JSON and SVG writers escape the rest."""

from __future__ import annotations

import io
import json
from typing import Any

import altair as alt
import networkx as nx
import pandas as pd

from dashboard.data.export import neutralize, safe_csv
from dashboard.network.model import Ecosystem, NetworkMetrics, network_metrics
from dashboard.network.picture import network_layers

# The plotting area of each downloaded picture, in pixels (width, height).
IMAGE_PLOT = (640, 520)


def metrics_csv(metrics: NetworkMetrics) -> bytes:
    """Per-organization metrics as spreadsheet-safe CSV (the ecosystem's name on every row)."""
    frame = metrics.organizations.drop(columns="id").assign(ecosystem=metrics.name)
    return safe_csv(frame[["ecosystem", *[c for c in frame.columns if c != "ecosystem"]]])


def summary_csv(frame: pd.DataFrame) -> bytes:
    """Summary rows (``NetworkMetrics.summary``, ``side_by_side`` or ``compare_sites``) as safe CSV."""
    return safe_csv(frame)


def _safe(value: Any) -> Any:
    """Text for GraphML and JSON: formula-like text neutralised; numbers as plain numbers."""
    if isinstance(value, str):
        return neutralize(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _attributed_graph(ecosystem: Ecosystem, metrics: NetworkMetrics) -> nx.Graph:
    per_org = metrics.organizations.set_index("id")
    graph = nx.Graph(name=_safe(ecosystem.name))
    for org in ecosystem.organizations.to_dict("records"):
        m = per_org.loc[org["id"]]
        graph.add_node(
            str(org["id"]),
            label=_safe(org["name"]),
            type=_safe(org["type"]),
            url=_safe(org["url"]),
            notes=_safe(org["notes"]),
            partners=int(m["partners"]),
            ties=int(m["ties"]),
            betweenness=float(m["betweenness"]),
            types_connected=int(m["types_connected"]),
        )
    for tie in ecosystem.ties.to_dict("records"):
        a, b = str(tie["source"]), str(tie["target"])
        if graph.has_edge(a, b):
            edge = graph.edges[a, b]
            edge["kind"] = f"{edge['kind']}; {_safe(tie['kind'])}"
            edge["note"] = " ".join(n for n in (edge["note"], _safe(tie["note"])) if n)
        else:
            graph.add_edge(a, b, kind=_safe(tie["kind"]), note=_safe(tie["note"]))
    return graph


def graphml_bytes(ecosystem: Ecosystem, metrics: NetworkMetrics) -> bytes:
    """The network as GraphML (for Gephi and others): node label, type, url, notes and metrics;
    edge kind and note. XML-escaped by the writer; formula-like text neutralised."""
    buffer = io.BytesIO()
    nx.write_graphml(_attributed_graph(ecosystem, metrics), buffer, encoding="utf-8")
    return buffer.getvalue()


def kumu_json_bytes(ecosystem: Ecosystem, metrics: NetworkMetrics) -> bytes:
    """The network as a Kumu JSON blueprint: ``elements`` (label, type, description, metrics) and
    ``connections`` (from, to, type, description)."""
    graph = _attributed_graph(ecosystem, metrics)
    elements = [
        {
            "label": a["label"],
            "type": a["type"],
            "description": a["notes"],
            "url": a["url"],
            "partners": a["partners"],
            "ties": a["ties"],
            "betweenness": a["betweenness"],
            "types connected": a["types_connected"],
        }
        for _, a in graph.nodes(data=True)
    ]
    labels = dict(graph.nodes(data="label"))
    connections = [
        {"from": labels[a], "to": labels[b], "type": e["kind"], "description": e["note"]} for a, b, e in graph.edges(data=True)
    ]
    document = {"name": _safe(ecosystem.name), "elements": elements, "connections": connections}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def chart_image(ecosystem: Ecosystem, metrics: NetworkMetrics, fmt: str, beside: Ecosystem | None = None) -> bytes:
    """The network picture as an ``"svg"`` or ``"png"`` file (white background), every drawn organization
    named in full; with ``beside`` (the CTDC site the page shows next to the map), both pictures side by side."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown image format '{fmt}' (use svg or png)")
    pictures = [network_layers(ecosystem, metrics, file_plot=IMAGE_PLOT)]
    if beside is not None:
        pictures.append(network_layers(beside, network_metrics(beside), file_plot=IMAGE_PLOT))
    chart: alt.TopLevelMixin = (
        alt.hconcat(*pictures, spacing=40)
        .resolve_legend(color="independent", shape="independent")
        .configure_view(stroke=None)
        .properties(background="white")
    )
    if fmt == "svg":
        text = io.StringIO()
        chart.save(text, format="svg")
        return text.getvalue().encode("utf-8")
    image = io.BytesIO()
    chart.save(image, format="png", scale_factor=2)
    return image.getvalue()

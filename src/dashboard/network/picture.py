"""The network picture: a deterministic layout of the most connected organizations, the records
it draws, and an Altair chart legible on a phone (colour and shape by type, a legend and alt text
in words). No Streamlit here; every text is plain and escaped by Vega when drawn.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from typing import Any, Literal, cast

import altair as alt
import pandas as pd

from dashboard import constants as C
from dashboard.charts.scales import MULTILINE
from dashboard.data.text import wrap_label
from dashboard.network.details import org_key, pair_key
from dashboard.network.marks import (
    FONT_PX,
    LINE_PX,
    PHONE_PLOT,
    X_EXTENT,
    Y_EXTENT,
    kind_room,
    label_lines,
    mark_px,
    place_names,
)
from dashboard.network.model import NETWORK_TYPES, TYPE_STYLES, Ecosystem, NetworkMetrics, counted, sources_text

# Drawing: at most this many organizations (the most connected; each mark at least a fingertip
# across on a phone), edge labels only on small pictures, at most this many names written.
MAX_DRAWN = 24
MAX_EDGE_LABELS = 25
MAX_LABELS = 20
ROUND = 4
# A spoke's kind label sits this far out from the centre (where spokes lie further apart).
SPOKE_LABEL_AT = 0.62
# A tap on a mark or a line selects it by its key (see ``details``).
PICK_ORG, PICK_TIE = "organization", "tie"
TIE_TARGET_PX = 16


def drawing_note(metrics: NetworkMetrics, limit: int = MAX_DRAWN) -> str | None:
    """Plain text saying the picture shows only part of a large network (None when it shows all)."""
    n = len(metrics.organizations)
    if n <= limit:
        return None
    return (
        f"The picture shows the {limit} organizations with the most ties, of {n:,}, and the ties among them; "
        "the tables and downloads have every organization and tie."
    )


def layout(metrics: NetworkMetrics, limit: int = MAX_DRAWN) -> pd.DataFrame:
    """Deterministic positions (columns id, x, y) of the drawn organizations: the ``limit`` most connected.

    The main bridge (the one organization with the highest betweenness, when a single one leads)
    sits at the centre; the others sit on a unit circle, clockwise from the top, grouped by type
    in vocabulary order and, within a type, most connected first, then by name. No randomness and
    coordinates rounded to four decimals, so every run on every machine gives the same picture.
    """
    drawn = metrics.organizations.head(limit)
    ranked = drawn["betweenness"].sort_values(ascending=False, kind="mergesort")
    centre = None
    if len(drawn) > 2 and ranked.iloc[0] > 0 and ranked.iloc[0] > ranked.iloc[1]:
        centre = drawn.loc[ranked.index[0], "id"]
    order = {t: i for i, t in enumerate(NETWORK_TYPES)}
    ring = (
        drawn[drawn["id"] != centre]
        .assign(_type=lambda f: f["type"].map(order).fillna(len(order)), _name=lambda f: f["name"].astype(str).str.casefold())
        .sort_values(["_type", "partners", "_name", "id"], ascending=[True, False, True, True], kind="mergesort")
    )
    rows = [{"id": centre, "x": 0.0, "y": 0.0}] if centre is not None else []
    for i, org_id in enumerate(ring["id"]):
        angle = math.pi / 2 - 2 * math.pi * i / len(ring)
        # + 0.0 turns a rounded -0.0 into 0.0, so equal layouts compare and print equal.
        rows.append({"id": org_id, "x": round(math.cos(angle), ROUND) + 0.0, "y": round(math.sin(angle), ROUND) + 0.0})
    return pd.DataFrame(rows, columns=["id", "x", "y"])


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_data(
    ecosystem: Ecosystem, metrics: NetworkMetrics, limit: int = MAX_DRAWN, plot: tuple[int, int] = PHONE_PLOT, whole: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records the picture draws, as plain JSON-ready values: one per drawn organization, and
    one per drawn connected pair with the kinds, notes and sources of its ties joined. Names are
    placed for a ``plot`` (width, height) picture: a phone's, or with ``whole`` a downloaded file's,
    which names every organization drawn in full."""
    positions = layout(metrics, limit).set_index("id")
    per_org = metrics.organizations.set_index("id")
    info = ecosystem.organizations.set_index("id")
    labelled = set(metrics.organizations["id"].head(limit if whole else MAX_LABELS))
    top = int(metrics.organizations["partners"].max()) if len(metrics.organizations) else 0
    nodes = []
    for org_id in metrics.organizations["id"].head(limit):  # the most connected first: they are named first
        m, o, pos = per_org.loc[org_id], info.loc[org_id], positions.loc[org_id]
        diameter = mark_px(int(m["partners"]), top)
        nodes.append(
            {
                "key": org_key(org_id),
                "name": str(o["name"]),
                "type": str(o["type"]),
                "x": float(pos["x"]),
                "y": float(pos["y"]),
                "mark_px": diameter,
                "size": diameter**2,  # Vega's symbol size is the area of its square
                "label": "\n".join(label_lines(str(o["name"]), whole)) if org_id in labelled else "",
                "partners": int(m["partners"]),
                "ties": int(m["ties"]),
                "betweenness": float(m["betweenness"]),
                "types_connected": int(m["types_connected"]),
                "notes": _clip(str(o["notes"])),
                "sources": _clip(sources_text(ecosystem, o["sources"])),
            }
        )
    taken = place_names(nodes, plot)
    names = info["name"].astype(str)
    ties = ecosystem.ties
    drawn = ties[ties["source"].isin(positions.index) & ties["target"].isin(positions.index)]
    pairs: dict[frozenset[Hashable], dict[str, list[str]]] = {}
    for t in drawn.to_dict("records"):
        a, b = t["source"], t["target"]
        pair = pairs.setdefault(frozenset((a, b)), {"ends": [a, b], "kinds": [], "ties": [], "notes": [], "sources": []})
        pair["kinds"].append(str(t["kind"]))
        pair["ties"].append(f"{names[a]} {t['kind']} {names[b]}")
        if t["note"]:
            pair["notes"].append(str(t["note"]))
        pair["sources"] += [s for s in t["sources"] if s not in pair["sources"]]
    edges = []
    for pair in pairs.values():
        (xa, ya), (xb, yb) = (tuple(float(v) for v in positions.loc[end, ["x", "y"]]) for end in pair["ends"])
        # A spoke from the centre carries its label out towards the ring, where spokes lie further apart.
        t = SPOKE_LABEL_AT if (xa, ya) == (0.0, 0.0) else 1 - SPOKE_LABEL_AT if (xb, yb) == (0.0, 0.0) else 0.5
        edges.append(
            {
                "key": pair_key(*pair["ends"]),
                "x": xa,
                "y": ya,
                "x2": xb,
                "y2": yb,
                "mx": round(xa + t * (xb - xa), ROUND),
                "my": round(ya + t * (yb - ya), ROUND),
                "kind": ", ".join(dict.fromkeys(pair["kinds"])),
                "tie": _clip("; ".join(pair["ties"])),
                "note": _clip(" ".join(pair["notes"])),
                "sources": _clip(sources_text(ecosystem, pair["sources"])),
            }
        )
    for edge, room in zip(edges, kind_room(edges, taken, plot)):
        edge["labelled"] = room and len(edges) <= MAX_EDGE_LABELS
    return nodes, edges


def _x(field_name: str) -> alt.X:
    return alt.X(f"{field_name}:Q", scale=alt.Scale(domain=[-X_EXTENT, X_EXTENT]), axis=None)


def _y(field_name: str) -> alt.Y:
    return alt.Y(f"{field_name}:Q", scale=alt.Scale(domain=[-Y_EXTENT, Y_EXTENT]), axis=None)


def _type_scale(attribute: str) -> alt.Scale:
    return alt.Scale(domain=list(NETWORK_TYPES), range=[getattr(TYPE_STYLES[t], attribute) for t in NETWORK_TYPES])


def network_chart(
    ecosystem: Ecosystem, metrics: NetworkMetrics, width: int | Literal["container"] = "container", limit: int = MAX_DRAWN
) -> alt.LayerChart:
    """The network picture for a page: ties as lines (labelled by kind where there is room), organizations
    as marks coloured and shaped by type and sized by partners, short labels, tooltips with sources, and
    a tap or click selecting a mark or a line (``PICK_ORG``, ``PICK_TIE``).

    Data are passed as inline values built here (never a DataFrame), so no row limit applies;
    at most ``limit`` organizations are drawn (see ``drawing_note``).
    """
    return cast("alt.LayerChart", network_layers(ecosystem, metrics, width, limit).configure_view(stroke=None))


def network_layers(
    ecosystem: Ecosystem,
    metrics: NetworkMetrics,
    width: int | Literal["container"] = "container",
    limit: int = MAX_DRAWN,
    file_plot: tuple[int, int] | None = None,
    whole: bool = True,
) -> alt.LayerChart:
    """The layers of ``network_chart``, not yet configured (so that pictures can stand side by side);
    with ``file_plot`` (the plotting area's width and height in pixels), the picture of a file (a
    download, the brief): names placed for that size (every drawn organization named in full unless
    ``whole`` is False), and nothing to select."""
    plot = file_plot or PHONE_PLOT
    nodes, edges = chart_data(ecosystem, metrics, limit, plot, whole=file_plot is not None and whole)
    present = [t for t in NETWORK_TYPES if any(n["type"] == t for n in nodes)]
    legend = alt.Legend(
        title="Organization type", values=present, orient="bottom", columns=2, labelLimit=220, symbolStrokeWidth=0.8
    )
    # Sources are shown where the ecosystem cites any (a CTDC site), not as an empty line for uploads.
    cited = [alt.Tooltip("sources:N", title="Sources")] if ecosystem.source_titles else []
    edge_tooltip = [alt.Tooltip("tie:N", title="Tie"), alt.Tooltip("note:N", title="Note"), *cited]
    node_tooltip = [
        alt.Tooltip("name:N", title="Organization"),
        alt.Tooltip("type:N", title="Type"),
        alt.Tooltip("partners:Q", title="Partners"),
        alt.Tooltip("ties:Q", title="Ties"),
        alt.Tooltip("betweenness:Q", title="Betweenness", format=".2f"),
        alt.Tooltip("types_connected:Q", title="Types connected"),
        alt.Tooltip("notes:N", title="Notes"),
        *cited,
    ]
    edge_data = alt.Data(values=edges)  # type: ignore[no-untyped-call]
    pick_tie = alt.selection_point(name=PICK_TIE, fields=["key"], on="click", clear="dblclick")
    pick_org = alt.selection_point(name=PICK_ORG, fields=["key"], on="click", clear="dblclick")
    layers: list[alt.Chart] = []
    if edges:  # no empty layer: Vega would draw it as an unlabelled graphic, which screen readers trip on
        layers += [
            alt.Chart(edge_data)
            .mark_rule(color=C.CHART_TEXT, strokeWidth=1.5)
            .encode(
                x=_x("x"),
                y=_y("y"),
                x2="x2:Q",
                y2="y2:Q",
                opacity=alt.value(0.7) if file_plot else alt.condition(pick_tie, alt.value(0.9), alt.value(0.5)),
            ),
            # A wide, almost invisible line over each tie: a fingertip's target for its tooltip and details.
            alt.Chart(edge_data)
            .mark_rule(color=C.CHART_TEXT, strokeWidth=TIE_TARGET_PX, opacity=0.01, cursor="pointer")
            .encode(x=_x("x"), y=_y("y"), x2="x2:Q", y2="y2:Q", tooltip=edge_tooltip)
            .add_params(*([] if file_plot else [pick_tie])),
        ]
    if any(e["labelled"] for e in edges):
        layers.append(
            alt.Chart(edge_data)
            .transform_filter("datum.labelled")
            .mark_text(fontSize=FONT_PX, color=C.CHART_TEXT, fontStyle="italic")
            .encode(x=_x("mx"), y=_y("my"), text="kind:N", tooltip=edge_tooltip)
        )
    layers.append(
        alt.Chart(alt.Data(values=nodes))  # type: ignore[no-untyped-call]
        .mark_point(filled=True, opacity=1, stroke=C.CHART_TEXT, cursor="pointer")
        .encode(
            x=_x("x"),
            y=_y("y"),
            color=alt.Color("type:N", scale=_type_scale("color"), legend=legend),
            shape=alt.Shape("type:N", scale=_type_scale("shape"), legend=legend),
            size=alt.Size("size:Q", scale=None, legend=None),
            strokeWidth=alt.value(0.8) if file_plot else alt.condition(pick_org, alt.value(3), alt.value(0.8)),
            tooltip=node_tooltip,
        )
        .add_params(*([] if file_plot else [pick_org]))
    )
    named = [n for n in nodes if n["label"]]
    if named:
        layers.append(
            alt.Chart(alt.Data(values=named))  # type: ignore[no-untyped-call]
            .mark_text(
                fontSize=FONT_PX,
                lineBreak="\n",
                lineHeight=LINE_PX,
                dx=alt.ExprRef("datum.dx"),
                dy=alt.ExprRef("datum.dy"),
                align=alt.ExprRef("datum.align"),
                baseline=alt.ExprRef("datum.baseline"),
            )
            .encode(x=_x("x"), y=_y("y"), text="label:N", tooltip=node_tooltip)
        )
    title = alt.Title(
        text=[ecosystem.name],
        subtitle=[f"Organizations and {ecosystem.tie_word}s; size shows partners"],
        subtitleColor=C.CHART_TEXT,
        anchor="start",
    )
    # A page's picture fits its column; a file's plotting area is exactly ``file_plot``, where its names were placed.
    size = (
        {"width": file_plot[0]}
        if file_plot
        else {"width": width, "autosize": alt.AutoSizeParams(type="fit-x", contains="padding")}
    )
    return cast(
        "alt.LayerChart",
        alt.layer(*layers).properties(title=title, height=plot[1], description=chart_alt_text(ecosystem, metrics), **size),
    )


def legend_text(types: Iterable[str]) -> str:
    """The legend in words, for the given types (plain text)."""
    parts = [f"{t}: {TYPE_STYLES[t].color_name} {TYPE_STYLES[t].shape_name}" for t in NETWORK_TYPES if t in set(types)]
    return (
        "Colour and shape show each organization's type (" + "; ".join(parts) + "). "
        "Larger marks have more partners. Lines are ties, labelled by kind where there is room; every tie's kind "
        "is in its tooltip and in the table of ties."
    )


def chart_alt_text(ecosystem: Ecosystem, metrics: NetworkMetrics) -> str:
    """A one-paragraph description of the picture for screen readers (plain text)."""
    summary = metrics.summary.iloc[0]
    n, ties = int(summary["organizations"]), int(summary["ties"])
    text = (
        f"Network picture of {ecosystem.name}: {counted(n, 'organization')} as marks coloured and shaped by type, "
        f"and {counted(ties, ecosystem.tie_word)} as lines."
    )
    if ties:
        top = metrics.organizations.iloc[0]
        text += f" {top['name']} has the most partners ({top['partners']})."
    note = drawing_note(metrics)
    return text + (f" {note}" if note else " The tables list every organization and tie.")


# ---------------------------------------------------------------- the sites compared

# The two shares compared across sites, and their colours (Okabe–Ito, distinct from the role colours).
SHARES = {"density": "Density", "cross-type share": "Cross-type share"}
SHARE_COLORS = ("#009E73", "#D55E00")
NO_TIES = "no documented ties"


def comparison_frame(summary: pd.DataFrame, lens: bool = False) -> pd.DataFrame:
    """The shares of each site in long form (site_name, role, axis label, measure, value, display),
    sites in the summary's order (implementation sites first under ``lens``, with the role on a second line)."""
    rows = []
    for row in summary.to_dict("records"):
        axis = wrap_label(str(row["ecosystem"]), 15) + (f"\n{row['role']}" if lens else "")
        for column, label in SHARES.items():
            value = row[column]
            known = isinstance(value, (int, float)) and not math.isnan(value)
            rows.append(
                {
                    "site_name": row["ecosystem"],
                    "role": row["role"],
                    "site_axis": axis,
                    "measure": label,
                    "value": float(value) if known else None,
                    "display": f"{value:.0%}" if known else NO_TIES,
                }
            )
    return pd.DataFrame(rows, columns=["site_name", "role", "site_axis", "measure", "value", "display"])


def comparison_alt_text(frame: pd.DataFrame) -> str:
    """Alt text of the comparison chart: each site's two shares in words."""
    parts = []
    for name, group in frame.groupby("site_name", sort=False):
        values = dict(zip(group["measure"], group["display"]))
        parts.append(f"{name}: density {values[SHARES['density']]}, cross-type share {values[SHARES['cross-type share']]}")
    return "Bar chart of each site's network density and cross-type share. " + "; ".join(parts) + "."


def comparison_chart(frame: pd.DataFrame, lens: bool = False) -> alt.TopLevelMixin:
    """Two bars per site (density and cross-type share, 0–100%), labelled with the value; a site without
    documented ties reads so instead of a bar. With ``lens``, sites are grouped by role and each role's
    average is marked with a tick."""
    order = list(dict.fromkeys(frame["site_axis"]))
    measures = list(SHARES.values())
    y = alt.Y("site_axis:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=alt.Axis(labelExpr=MULTILINE))
    offset = alt.YOffset("measure:N", sort=measures, scale=alt.Scale(domain=measures))
    x = alt.X("value:Q", title=None, scale=alt.Scale(domain=[0, 1.25]), axis=alt.Axis(format="%", values=[0, 0.5, 1]))
    color = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=measures, range=list(SHARE_COLORS)),
        legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=360),
    )
    tooltip = [
        alt.Tooltip("site_name:N", title="Site"),
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("display:N", title="Value"),
    ]
    known = frame[frame["value"].notna()]
    layers: list[alt.Chart] = [
        alt.Chart(known).mark_bar().encode(x=x, y=y, yOffset=offset, color=color, tooltip=tooltip),
        alt.Chart(frame)
        .mark_text(align="left", dx=4, color=C.CHART_TEXT)
        .encode(x=alt.X("label_x:Q", scale=alt.Scale(domain=[0, 1.25]), axis=None), y=y, yOffset=offset, text="display:N")
        .transform_calculate(label_x="isValid(datum.value) ? datum.value : 0"),
    ]
    if lens:
        means = known.groupby(["role", "measure"], as_index=False)["value"].mean()
        means = means.merge(frame[["role", "site_axis", "measure"]], on=["role", "measure"])
        layers.append(
            alt.Chart(means)
            .mark_tick(thickness=2, size=14, color="black")
            .encode(
                x="value:Q",
                y=y,
                yOffset=offset,
                tooltip=[
                    alt.Tooltip("role:N", title="Role"),
                    alt.Tooltip("measure:N", title="Measure"),
                    alt.Tooltip("value:Q", title="Role average", format=".0%"),
                ],
            )
        )
    subtitle = ["Grouped by role; tick: the role's average"] if lens else []
    title = alt.Title("Each site's documented network", subtitle=subtitle, subtitleColor=C.CHART_TEXT)
    return alt.layer(*layers).properties(
        title=title,
        width="container",
        height=alt.Step(18),
        description=comparison_alt_text(frame),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )

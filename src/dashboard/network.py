"""Ecosystem networks: organizations as nodes, ties as edges, for a CTDC site or an uploaded map.

One model (``Ecosystem``) serves both. From it come the metrics (computed with networkx: ties,
betweenness, types connected, density, cross-type share), a deterministic layout, an Altair
picture legible on a phone, table alternatives, and the mapping prompts with the lessons and
products the editorial link table ties to them. No Streamlit here.

Every text returned is plain text, names included as given; escape it (``sentences_markdown``,
``text.escape_markdown``) before it goes into Markdown.
"""

from __future__ import annotations

import math
import re
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import altair as alt
import networkx as nx
import pandas as pd

from . import constants as C
from .catalog import Catalog
from .schema import ORGANIZATION_TYPES
from .text import escape_markdown, plural, wrap_label

# ---------------------------------------------------------------- vocabulary and style

NATIONAL_PARTNER = "national partner"
# The types a network node can have: the seven local types, then the national partners of the
# CTDC (Living Cities, Code for America, NNIP, MacArthur) when a site's ties reach them.
NETWORK_TYPES: tuple[str, ...] = (*ORGANIZATION_TYPES, NATIONAL_PARTNER)

# Five-pointed star, drawn at the same size as Vega's built-in shapes.
STAR = "M0,-1L0.225,-0.309L0.951,-0.309L0.363,0.118L0.588,0.809L0,0.382L-0.588,0.809L-0.363,0.118L-0.951,-0.309L-0.225,-0.309Z"


@dataclass(frozen=True)
class TypeStyle:
    """How one organization type is drawn, and the words that describe it."""

    color: str
    shape: str
    color_name: str
    shape_name: str


# Okabe–Ito colours (colour-blind safe); the shape alone also tells every type apart. "other" is
# the grey used for chart text, which reads on the light and the dark theme.
TYPE_STYLES: dict[str, TypeStyle] = {
    "local government": TypeStyle("#0072B2", "square", "blue", "square"),
    "civic tech group": TypeStyle("#E69F00", "triangle-up", "orange", "triangle"),
    "data intermediary": TypeStyle("#009E73", "diamond", "green", "diamond"),
    "community organization": TypeStyle("#CC79A7", "circle", "pink", "circle"),
    "university": TypeStyle("#56B4E9", "triangle-down", "sky blue", "upside-down triangle"),
    "funder": TypeStyle("#D55E00", "cross", "vermilion", "cross"),
    "other": TypeStyle(C.CHART_TEXT, "triangle-right", "grey", "right-pointing triangle"),
    NATIONAL_PARTNER: TypeStyle("#F0E442", STAR, "yellow", "star"),
}

# The three kinds of organization the CTDC brought together; the summary says what each is tied to.
ANCHOR_TYPES = ("local government", "data intermediary", "civic tech group")

Origin = Literal["site", "upload", "example"]

# Exact betweenness costs one breadth-first search per organization. Above this many node and
# edge visits in all, it is estimated from a fixed, seeded sample of organizations instead.
BETWEENNESS_BUDGET = 300_000
BETWEENNESS_SEED = 0
# Drawing: at most this many organizations (the most connected), edge labels only on small pictures.
MAX_DRAWN = 40
MAX_EDGE_LABELS = 25
LABEL_WIDTH = 14
CHART_HEIGHT = 440
# Half-width and half-height of the drawing area in layout units (the ring has radius 1).
X_EXTENT = 1.9
Y_EXTENT = 1.35
ROUND = 4
# Betweenness shown with this many decimals.
BETWEENNESS_DECIMALS = 3

# Labels: at most this many (the most connected) are written on the picture; how a label sits
# beside its mark, by the side of the picture the mark is on.
MAX_LABELS = 20
LABEL_PLACEMENT: dict[str, dict[str, Any]] = {
    "right": {"align": "left", "baseline": "middle", "dx": 10, "dy": 0},
    "left": {"align": "right", "baseline": "middle", "dx": -10, "dy": 0},
    "top": {"align": "center", "baseline": "bottom", "dx": 0, "dy": -11},
    "bottom": {"align": "center", "baseline": "top", "dx": 0, "dy": 11},
}
# A spoke's kind label sits this far out from the centre (where spokes lie further apart); the
# centre organization's label this far from it, in layout units.
SPOKE_LABEL_AT = 0.62
CENTRE_LABEL_AT = 0.12

# The key players the CTDC handout names, as far as the type vocabulary has them (civic hackers,
# data experts, local government, community groups, philanthropies).
KEY_PLAYER_TYPES = ("local government", "civic tech group", "data intermediary", "community organization", "funder")
DATA_AND_TECH_TYPES = ("civic tech group", "data intermediary")
MAX_NAMED = 5

# Each type as a countable noun (singular, plural), for sentences.
TYPE_NOUNS: dict[str, tuple[str, str]] = {
    "local government": ("local government organization", "local government organizations"),
    "civic tech group": ("civic tech group", "civic tech groups"),
    "data intermediary": ("data intermediary", "data intermediaries"),
    "community organization": ("community organization", "community organizations"),
    "university": ("university", "universities"),
    "funder": ("funder", "funders"),
    "other": ("other organization", "other organizations"),
    NATIONAL_PARTNER: ("national partner", "national partners"),
}

ORGANIZATION_COLUMNS = ["id", "name", "type", "url", "notes", "sources"]
TIE_COLUMNS = ["source", "target", "kind", "note", "sources"]


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Ecosystem:
    """A network of organizations and ties, from a CTDC site or from an upload.

    ``organizations`` has columns id, name, type, url, notes, sources; ``ties`` has source,
    target (organization ids), kind, note, sources. ``sources`` cells are tuples of source ids
    (empty for uploads); ``source_titles`` maps each cited id to a readable title.
    """

    name: str
    organizations: pd.DataFrame
    ties: pd.DataFrame
    origin: Origin
    site: str | None = None
    role: str | None = None
    source_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def fictional(self) -> bool:
        """True for the packaged worked example."""
        return self.origin == "example"

    @property
    def tie_word(self) -> str:
        """'documented tie' for a CTDC site (ties are what sources describe), else 'tie'."""
        return "documented tie" if self.origin == "site" else "tie"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _source_title(row: Mapping[str, Any]) -> str:
    return f"{row['title']} ({row['publisher']})"


def site_ecosystem(catalog: Catalog, site_id: str) -> Ecosystem:
    """The documented network of one CTDC site.

    Nodes are the site's organizations plus every organization or national partner that one of
    the site's relationships reaches; national partners get the type ``"national partner"``.
    Edges are the relationships recorded for the site (national-only links are left out).
    """
    sites = catalog.sites.set_index("id")
    if site_id not in sites.index:
        raise ValueError(f"unknown site '{site_id}'")
    ties = catalog.relationships[catalog.relationships["site"] == site_id]
    orgs = catalog.organizations
    local = orgs[[site_id in s for s in orgs["sites"]]]
    reached = set(ties["source"]) | set(ties["target"])
    members = pd.concat([local, orgs[orgs["id"].isin(reached - set(local["id"]))]])
    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "type": r["type"],
            "url": _text(r["url"]),
            "notes": _text(r["role"]),
            "sources": tuple(r["sources"]),
        }
        for r in members.to_dict("records")
    ]
    national = catalog.national_partners
    rows += [
        {
            "id": r["id"],
            "name": r["name"],
            "type": NATIONAL_PARTNER,
            "url": _text(r["url"]),
            "notes": _text(r["role"]),
            "sources": tuple(r["sources"]),
        }
        for r in national[national["id"].isin(reached)].to_dict("records")
    ]
    tie_rows = [
        {
            "source": r["source"],
            "target": r["target"],
            "kind": r["kind"],
            "note": _text(r["note"]),
            "sources": tuple(r["sources"]),
        }
        for r in ties.to_dict("records")
    ]
    cited = {s for row in rows + tie_rows for s in row["sources"]}
    titles = {r["id"]: _source_title(r) for r in catalog.sources.to_dict("records") if r["id"] in cited}
    return Ecosystem(
        name=str(sites.loc[site_id, "name"]),
        organizations=pd.DataFrame(rows, columns=ORGANIZATION_COLUMNS),
        ties=pd.DataFrame(tie_rows, columns=TIE_COLUMNS),
        origin="site",
        site=site_id,
        role=str(sites.loc[site_id, "role"]),
        source_titles=titles,
    )


def build_graph(ecosystem: Ecosystem) -> nx.Graph:
    """The undirected simple graph: one node per organization (attribute ``type``), one edge per
    connected pair (attribute ``kinds``: the kinds of its ties, in file order, without repeats)."""
    graph = nx.Graph()
    orgs, ties = ecosystem.organizations, ecosystem.ties
    graph.add_nodes_from((i, {"type": t}) for i, t in zip(orgs["id"].tolist(), orgs["type"].tolist()))
    kinds: dict[frozenset[Hashable], list[str]] = {}
    for source, target, kind in zip(ties["source"].tolist(), ties["target"].tolist(), ties["kind"].tolist()):
        pair = kinds.setdefault(frozenset((source, target)), [])
        if kind not in pair:
            pair.append(kind)
    graph.add_edges_from((*pair, {"kinds": k}) for pair, k in kinds.items())
    return graph


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True)
class NetworkMetrics:
    """What the network shows, computed once.

    ``organizations``: one row per organization (id, name, type, partners, ties, betweenness,
    types_connected), most connected first. ``summary``: one row for the whole ecosystem (see
    ``summary_columns``). ``sentences``: plain-text takeaways. ``betweenness_sample`` is the
    number of organizations betweenness was estimated from, or None when it is exact. ``graph`` is
    the graph they were computed on (see ``build_graph``); treat it as read-only.
    """

    name: str
    organizations: pd.DataFrame
    summary: pd.DataFrame
    sentences: tuple[str, ...]
    betweenness_sample: int | None
    graph: nx.Graph = field(repr=False, compare=False, default_factory=nx.Graph)


def betweenness(graph: nx.Graph) -> tuple[dict[Hashable, float], int | None]:
    """Normalised betweenness of every node, and the sample size when it had to be estimated.

    Exact for graphs within ``BETWEENNESS_BUDGET``; otherwise networkx's pivot sampling with a
    fixed seed (so the estimate is the same on every run for the same file).
    """
    n = graph.number_of_nodes()
    k = max(1, BETWEENNESS_BUDGET // max(1, n + graph.number_of_edges()))
    if k >= n:
        return nx.betweenness_centrality(graph, normalized=True), None
    return nx.betweenness_centrality(graph, k=k, normalized=True, seed=BETWEENNESS_SEED), k


def _types_of(graph: nx.Graph) -> dict[Hashable, str]:
    return dict(graph.nodes(data="type"))


def _tied_to(graph: nx.Graph, types: Mapping[Hashable, str], anchor: str) -> str:
    members = [n for n, t in types.items() if t == anchor]
    if not members:
        return "none in the map"
    reached = {types[m] for n in members for m in graph[n]}
    ordered = [t for t in NETWORK_TYPES if t in reached]
    return "; ".join(ordered) if ordered else "no ties"


def summary_columns() -> list[str]:
    """The columns of ``NetworkMetrics.summary``, in order."""
    return [
        "ecosystem",
        "site",
        "role",
        "organizations",
        *NETWORK_TYPES,
        "ties",
        "connected pairs",
        "density",
        "cross-type share",
        "isolated",
        "groups",
        *[f"{t} tied to" for t in ANCHOR_TYPES],
        "sources cited",
    ]


def network_metrics(ecosystem: Ecosystem) -> NetworkMetrics:
    """Per-organization and whole-network metrics of an ecosystem, with takeaway sentences."""
    graph = build_graph(ecosystem)
    types = _types_of(graph)
    between, sample = betweenness(graph)
    orgs = ecosystem.organizations
    ids = orgs["id"].tolist()
    tie_counts = Counter(ecosystem.ties["source"].tolist() + ecosystem.ties["target"].tolist())
    adjacency = graph.adj
    per_org = pd.DataFrame(
        {
            "id": ids,
            "name": orgs["name"].tolist(),
            "type": orgs["type"].tolist(),
            "partners": [len(adjacency[i]) for i in ids],
            "ties": [tie_counts[i] for i in ids],
            "betweenness": [round(between[i], BETWEENNESS_DECIMALS) for i in ids],
            "types_connected": [len({types[m] for m in adjacency[i]}) for i in ids],
        }
    )
    per_org = _rank(per_org)
    pairs = graph.number_of_edges()
    crossing = sum(1 for a, b in graph.edges if types[a] != types[b])
    components = [c for c in nx.connected_components(graph) if len(c) > 1]
    cited = {s for cell in list(orgs["sources"]) + list(ecosystem.ties["sources"]) for s in cell}
    row: dict[str, Any] = {
        "ecosystem": ecosystem.name,
        "site": ecosystem.site,
        "role": ecosystem.role,
        "organizations": len(orgs),
        **{t: int((orgs["type"] == t).sum()) for t in NETWORK_TYPES},
        "ties": len(ecosystem.ties),
        "connected pairs": pairs,
        "density": round(nx.density(graph), 3) if len(orgs) > 1 else math.nan,
        "cross-type share": round(crossing / pairs, 3) if pairs else math.nan,
        "isolated": int((per_org["partners"] == 0).sum()),
        "groups": len(components),
        **{f"{t} tied to": _tied_to(graph, types, t) for t in ANCHOR_TYPES},
        "sources cited": len(cited),
    }
    summary = pd.DataFrame([row], columns=summary_columns())
    return NetworkMetrics(ecosystem.name, per_org, summary, tuple(_sentences(ecosystem, per_org, row, sample)), sample, graph)


def _rank(per_org: pd.DataFrame) -> pd.DataFrame:
    """Most connected first: partners, then betweenness, then name (case-insensitive), then id."""
    key = per_org.assign(_name=per_org["name"].str.casefold())
    ordered = key.sort_values(["partners", "betweenness", "_name", "id"], ascending=[False, False, True, True], kind="mergesort")
    return ordered.drop(columns="_name").reset_index(drop=True)


def _count(value: int, word: str) -> str:
    return f"{value:,} {plural(word, value)}"


def _names(frame: pd.DataFrame, column: str, fmt: Callable[[Any], str], limit: int = 3) -> str:
    return ", ".join(f"{r['name']} ({fmt(r[column])})" for r in frame.head(limit).to_dict("records"))


def _sentences(ecosystem: Ecosystem, per_org: pd.DataFrame, row: Mapping[str, Any], sample: int | None) -> list[str]:
    n, ties = row["organizations"], row["ties"]
    tie_word = ecosystem.tie_word
    out = [f"{_count(n, 'organization')} and {_count(ties, tie_word)}."]
    if ties:
        hubs = per_org[per_org["partners"] > 0]
        out.append(f"Most ties: {_names(hubs, 'partners', lambda v: _count(v, 'partner'))}.")
        bridges = per_org[per_org["betweenness"] > 0].sort_values("betweenness", ascending=False, kind="mergesort")
        if len(bridges):
            out.append(
                "Main bridges (on the most shortest paths between other organizations): "
                f"{_names(bridges, 'betweenness', lambda v: f'{v:.2f}')}."
            )
        else:
            out.append("No organization bridges others: every organization with ties is tied directly to all it reaches.")
        out.append(f"Ties that join two different types of organization: {row['cross-type share']:.0%} of connected pairs.")
    note = evidence_note(ecosystem, row)
    if note:
        out.append(note)
    if sample is not None:
        out.append(
            f"Betweenness is estimated from {sample} sampled organizations because the network is large; "
            "the order of the main bridges is approximate."
        )
    return out


def evidence_note(ecosystem: Ecosystem, summary_row: Mapping[str, Any]) -> str | None:
    """For a CTDC site, a plain-text reminder that lines are documented ties only, said more
    strongly where few are documented: too few to connect every organization, or some with none.
    None for uploads."""
    if ecosystem.origin != "site":
        return None
    n, ties, isolated = summary_row["organizations"], summary_row["ties"], summary_row["isolated"]
    caveat = "A missing line means the sources we found do not describe a tie, not that the organizations did not work together."
    if ties >= n - 1 and not isolated:
        return f"Lines show the ties described in the sources. {caveat}"
    lonely = f" {_count(isolated, 'organization')} {'has' if isolated == 1 else 'have'} no documented tie." if isolated else ""
    return (
        f"Few ties are documented for {ecosystem.name}: {_count(ties, 'tie')} among {_count(n, 'organization')}.{lonely} {caveat}"
    )


# ---------------------------------------------------------------- cross-site comparison


def compare_sites(catalog: Catalog) -> pd.DataFrame:
    """The summary row of every CTDC site, implementation sites first (in the catalog's order)."""
    order = {role: i for i, role in enumerate(C.ROLE_LABELS)}
    sites = sorted(catalog.sites.to_dict("records"), key=lambda s: order.get(s["role"], len(order)))
    return pd.concat([network_metrics(site_ecosystem(catalog, s["id"])).summary for s in sites], ignore_index=True)


def side_by_side(*metrics: NetworkMetrics) -> pd.DataFrame:
    """The summary rows of several ecosystems, one per row (e.g. an upload beside a CTDC site)."""
    return pd.concat([m.summary for m in metrics], ignore_index=True)


def comparison_sentences(frame: pd.DataFrame) -> list[str]:
    """Implementation versus learning sites, computed from ``compare_sites`` (plain text)."""
    out = []
    groups = {role: frame[frame["role"] == role] for role in C.ROLE_LABELS}
    parts = []
    for role, rows in groups.items():
        if rows.empty:
            continue
        per_org = (rows["ties"] / rows["organizations"]).mean()
        parts.append(
            f"{C.ROLE_LABELS[role].lower()}s ({', '.join(rows['ecosystem'])}): on average "
            f"{rows['organizations'].mean():.1f} organizations and {per_org:.2f} documented ties per organization, "
            f"drawing on {rows['sources cited'].mean():.0f} sources"
        )
    if parts:
        joined = "; ".join(parts)
        out.append(joined[0].upper() + joined[1:] + ".")
    for anchor, other in (
        ("local government", "civic tech group"),
        ("local government", "data intermediary"),
        ("civic tech group", "data intermediary"),
    ):
        counts = [
            f"{int(rows[f'{anchor} tied to'].str.contains(other, regex=False).sum())} of {len(rows)} {C.ROLE_LABELS[role].lower()}s"
            for role, rows in groups.items()
            if len(rows)
        ]
        out.append(f"A documented tie between a {anchor} and a {other}: {', '.join(counts)}.")
    out.append(
        "Fewer documented ties can mean that less was written about a site, not that it had fewer ties: "
        "compare the number of sources each map draws on."
    )
    return out


# ---------------------------------------------------------------- layout and picture


def short_label(name: str, limit: int = 28) -> str:
    """A short label for the picture: the abbreviation in brackets when there is one (``MAPC``),
    otherwise the name without bracketed parts, cut at a word to ``limit`` characters."""
    for inner in re.findall(r"\(([^()]*)\)", name):
        if 2 <= len(inner) <= 10 and " " not in inner and sum(ch.isupper() for ch in inner) >= 2:
            return inner
    plain = re.sub(r"\s*\([^()]*\)", "", name).strip() or name.strip()
    if len(plain) <= limit:
        return plain
    head = plain[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:–-") + "…"


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
        .assign(_type=lambda f: f["type"].map(order).fillna(len(order)), _name=lambda f: f["name"].str.casefold())
        .sort_values(["_type", "partners", "_name", "id"], ascending=[True, False, True, True], kind="mergesort")
    )
    rows = [{"id": centre, "x": 0.0, "y": 0.0}] if centre is not None else []
    for i, org_id in enumerate(ring["id"]):
        angle = math.pi / 2 - 2 * math.pi * i / len(ring)
        # + 0.0 turns a rounded -0.0 into 0.0, so equal layouts compare and print equal.
        rows.append({"id": org_id, "x": round(math.cos(angle), ROUND) + 0.0, "y": round(math.sin(angle), ROUND) + 0.0})
    return pd.DataFrame(rows, columns=["id", "x", "y"])


def _side(x: float, y: float) -> str:
    if x > 0.25:
        return "right"
    if x < -0.25:
        return "left"
    return "top" if y > 0 else "bottom"


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sources_text(ecosystem: Ecosystem, ids: Iterable[str]) -> str:
    return "; ".join(ecosystem.source_titles.get(i, i) for i in ids)


def chart_data(
    ecosystem: Ecosystem, metrics: NetworkMetrics, limit: int = MAX_DRAWN
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records the picture draws, as plain JSON-ready values: one per drawn organization, and
    one per drawn connected pair with the kinds, notes and sources of its ties joined."""
    positions = layout(metrics, limit).set_index("id")
    per_org = metrics.organizations.set_index("id")
    info = ecosystem.organizations.set_index("id")
    labelled = set(metrics.organizations["id"].head(MAX_LABELS))
    nodes = []
    for org_id, pos in positions.iterrows():
        m, o = per_org.loc[org_id], info.loc[org_id]
        x, y = float(pos["x"]), float(pos["y"])
        lx, ly = x, y
        if (x, y) == (0.0, 0.0):
            # The centre's label goes into the widest gap between its lines, a little way out.
            angle = _widest_gap(positions, metrics.graph, org_id)
            lx, ly = round(CENTRE_LABEL_AT * math.cos(angle), ROUND), round(CENTRE_LABEL_AT * math.sin(angle), ROUND)
        side = _side(math.cos(math.atan2(ly, lx)), math.sin(math.atan2(ly, lx))) if (lx, ly) != (0.0, 0.0) else "bottom"
        label = short_label(str(o["name"])) if org_id in labelled else ""
        nodes.append(
            {
                "name": str(o["name"]),
                "type": str(o["type"]),
                "x": x,
                "y": y,
                "lx": lx,
                "ly": ly,
                "side": side,
                # Labels above a mark stay on one line (a second line would run into the mark).
                "label": label if side == "top" else wrap_label(label, LABEL_WIDTH),
                "partners": int(m["partners"]),
                "ties": int(m["ties"]),
                "betweenness": float(m["betweenness"]),
                "types_connected": int(m["types_connected"]),
                "notes": _clip(str(o["notes"])),
                "sources": _clip(_sources_text(ecosystem, o["sources"])),
            }
        )
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
                "x": xa,
                "y": ya,
                "x2": xb,
                "y2": yb,
                "mx": round(xa + t * (xb - xa), ROUND),
                "my": round(ya + t * (yb - ya), ROUND),
                "kind": ", ".join(dict.fromkeys(pair["kinds"])),
                "tie": _clip("; ".join(pair["ties"])),
                "note": _clip(" ".join(pair["notes"])),
                "sources": _clip(_sources_text(ecosystem, pair["sources"])),
            }
        )
    return nodes, edges


def _widest_gap(positions: pd.DataFrame, graph: nx.Graph, centre: Hashable) -> float:
    """The direction (radians) halfway across the widest angle between the centre's drawn lines;
    straight down when it has none."""
    angles = sorted(
        math.atan2(positions.loc[n, "y"], positions.loc[n, "x"]) % (2 * math.pi) for n in graph[centre] if n in positions.index
    )
    if not angles:
        return -math.pi / 2
    gaps = [((angles[(i + 1) % len(angles)] - a) % (2 * math.pi) or 2 * math.pi, a) for i, a in enumerate(angles)]
    width, start = max(gaps, key=lambda g: round(g[0], 9))
    return start + width / 2


def _x(field_name: str) -> alt.X:
    return alt.X(f"{field_name}:Q", scale=alt.Scale(domain=[-X_EXTENT, X_EXTENT]), axis=None)


def _y(field_name: str) -> alt.Y:
    return alt.Y(f"{field_name}:Q", scale=alt.Scale(domain=[-Y_EXTENT, Y_EXTENT]), axis=None)


def _type_scale(attribute: str) -> alt.Scale:
    return alt.Scale(domain=list(NETWORK_TYPES), range=[getattr(TYPE_STYLES[t], attribute) for t in NETWORK_TYPES])


def network_chart(
    ecosystem: Ecosystem, metrics: NetworkMetrics, width: int | Literal["container"] = "container", limit: int = MAX_DRAWN
) -> alt.LayerChart:
    """The network picture: ties as lines (labelled by kind on small pictures), organizations as
    marks coloured and shaped by type and sized by partners, short labels, tooltips with sources.

    Data are passed as inline values built here (never a DataFrame), so no row limit applies;
    at most ``limit`` organizations are drawn (see ``drawing_note``).
    """
    nodes, edges = chart_data(ecosystem, metrics, limit)
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
    edge_data = alt.Data(values=edges)
    layers: list[alt.Chart] = [
        alt.Chart(edge_data)
        .mark_rule(color=C.CHART_TEXT, opacity=0.7, strokeWidth=1.5)
        .encode(x=_x("x"), y=_y("y"), x2="x2:Q", y2="y2:Q", tooltip=edge_tooltip)
    ]
    if 0 < len(edges) <= MAX_EDGE_LABELS:
        layers.append(
            alt.Chart(edge_data)
            .mark_text(fontSize=9, color=C.CHART_TEXT, fontStyle="italic")
            .encode(x=_x("mx"), y=_y("my"), text="kind:N", tooltip=edge_tooltip)
        )
    top = max([n["partners"] for n in nodes] + [1])
    layers.append(
        alt.Chart(alt.Data(values=nodes))
        .mark_point(filled=True, opacity=1, stroke=C.CHART_TEXT, strokeWidth=0.8)
        .encode(
            x=_x("x"),
            y=_y("y"),
            color=alt.Color("type:N", scale=_type_scale("color"), legend=legend),
            shape=alt.Shape("type:N", scale=_type_scale("shape"), legend=legend),
            size=alt.Size("partners:Q", scale=alt.Scale(domain=[0, top], range=[60, 420]), legend=None),
            tooltip=node_tooltip,
        )
    )
    for side, placement in LABEL_PLACEMENT.items():
        subset = [n for n in nodes if n["side"] == side and n["label"]]
        if subset:
            layers.append(
                alt.Chart(alt.Data(values=subset))
                .mark_text(fontSize=10, lineBreak="\n", **placement)
                .encode(x=_x("lx"), y=_y("ly"), text="label:N", tooltip=node_tooltip)
            )
    title = alt.Title(
        text=[ecosystem.name],
        subtitle=[f"Organizations and {ecosystem.tie_word}s; size shows partners"],
        subtitleColor=C.CHART_TEXT,
        anchor="start",
    )
    return (
        alt.layer(*layers)
        .properties(
            title=title,
            width=width,
            height=CHART_HEIGHT,
            description=chart_alt_text(ecosystem, metrics),
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
        .configure_view(stroke=None)
    )


def legend_text(types: Iterable[str]) -> str:
    """The legend in words, for the given types (plain text)."""
    parts = [f"{t}: {TYPE_STYLES[t].color_name} {TYPE_STYLES[t].shape_name}" for t in NETWORK_TYPES if t in set(types)]
    return (
        "Colour and shape show each organization's type (" + "; ".join(parts) + "). "
        "Larger marks have more partners. Lines are ties, labelled by kind when there are few."
    )


def chart_alt_text(ecosystem: Ecosystem, metrics: NetworkMetrics) -> str:
    """A one-paragraph description of the picture for screen readers (plain text)."""
    summary = metrics.summary.iloc[0]
    n, ties = int(summary["organizations"]), int(summary["ties"])
    text = (
        f"Network picture of {ecosystem.name}: {_count(n, 'organization')} as marks coloured and shaped by type, "
        f"and {_count(ties, ecosystem.tie_word)} as lines."
    )
    if ties:
        top = metrics.organizations.iloc[0]
        text += f" {top['name']} has the most partners ({top['partners']})."
    note = drawing_note(metrics)
    return text + (f" {note}" if note else " The tables list every organization and tie.")


# ---------------------------------------------------------------- tables


def organization_table(ecosystem: Ecosystem, metrics: NetworkMetrics) -> pd.DataFrame:
    """The table alternative to the picture: one row per organization, most connected first.

    Columns: organization, type, partners, ties, betweenness, types connected, notes, url, and
    sources (titles) when the ecosystem cites any.
    """
    info = ecosystem.organizations.set_index("id")
    per_org = metrics.organizations
    out = pd.DataFrame(
        {
            "organization": per_org["name"].to_numpy(),
            "type": per_org["type"].to_numpy(),
            "partners": per_org["partners"].to_numpy(),
            "ties": per_org["ties"].to_numpy(),
            "betweenness": per_org["betweenness"].to_numpy(),
            "types connected": per_org["types_connected"].to_numpy(),
            "notes": info.loc[per_org["id"], "notes"].to_numpy(),
            "url": info.loc[per_org["id"], "url"].to_numpy(),
        }
    )
    if ecosystem.source_titles:
        out["sources"] = [_sources_text(ecosystem, s) for s in info.loc[per_org["id"], "sources"]]
    return out


def tie_table(ecosystem: Ecosystem) -> pd.DataFrame:
    """One row per tie: source, kind, target (names), note, and sources (titles) when cited."""
    names = ecosystem.organizations.set_index("id")["name"]
    ties = ecosystem.ties
    out = pd.DataFrame(
        {
            "source": names.reindex(ties["source"]).to_numpy(),
            "kind": ties["kind"].to_numpy(),
            "target": names.reindex(ties["target"]).to_numpy(),
            "note": ties["note"].to_numpy(),
        }
    )
    if ecosystem.source_titles:
        out["sources"] = [_sources_text(ecosystem, s) for s in ties["sources"]]
    return out


def sentences_markdown(sentences: Iterable[str]) -> str:
    """Plain-text sentences as an escaped Markdown bullet list."""
    return "\n".join(f"- {escape_markdown(s)}" for s in sentences)


# ---------------------------------------------------------------- prompts

Status = Literal["gap", "in place", "not applicable"]


@dataclass(frozen=True)
class Finding:
    """What one check found: its status and a plain-text sentence."""

    status: Status
    text: str


@dataclass(frozen=True)
class _Net:
    """What the checks read: the ecosystem, its graph, and each node's type and name."""

    ecosystem: Ecosystem
    graph: nx.Graph
    types: Mapping[Hashable, str]
    names: Mapping[Hashable, str]

    def members(self, kind: str) -> list[Hashable]:
        return [n for n, t in self.types.items() if t == kind]

    def named(self, nodes: Iterable[Hashable]) -> str:
        listed = list(nodes)
        shown = ", ".join(self.names[n] for n in listed[:MAX_NAMED])
        return shown + (f" and {len(listed) - MAX_NAMED} more" if len(listed) > MAX_NAMED else "")


def _orgs(count: int, kind: str) -> str:
    singular, many = TYPE_NOUNS[kind]
    return f"{count} {singular if count == 1 else many}"


def _tie_between(first: str, second: str) -> Callable[[_Net], Finding]:
    def test(net: _Net) -> Finding:
        a, b = net.members(first), net.members(second)
        missing = [kind for kind, members in ((first, a), (second, b)) if not members]
        if missing:
            return Finding(
                "gap",
                f"No {' and no '.join(TYPE_NOUNS[m][0] for m in missing)} is in the map, so there is no tie between the two.",
            )
        for node in a:
            for other in net.graph[node]:
                if net.types[other] == second:
                    kinds = ", ".join(net.graph.edges[node, other]["kinds"])
                    return Finding("in place", f"{net.names[node]} and {net.names[other]} are tied ({kinds}).")
        return Finding(
            "gap",
            f"The map has {_orgs(len(a), first)} and {_orgs(len(b), second)}, but no {net.ecosystem.tie_word} between them.",
        )

    return test


def _path(
    graph: nx.Graph, starts: Iterable[Hashable], ends: set[Hashable], banned: Hashable | None = None
) -> list[Hashable] | None:
    """A shortest path from any start to any end that avoids ``banned`` (breadth-first), or None."""
    parent: dict[Hashable, Hashable | None] = {s: None for s in starts if s != banned}
    queue = deque(parent)
    while queue:
        node = queue.popleft()
        if node in ends:
            path = [node]
            while (step := parent[path[-1]]) is not None:
                path.append(step)
            return path[::-1]
        for other in graph[node]:
            if other not in parent and other != banned:
                parent[other] = node
                queue.append(other)
    return None


def _single_bridge(net: _Net) -> Finding:
    government, community = net.members("local government"), net.members("community organization")
    if not government or not community:
        missing = "local government" if not government else "community organization"
        return Finding("not applicable", f"No {TYPE_NOUNS[missing][0]} is in the map, so there is no bridge to look for.")
    path = _path(net.graph, government, set(community))
    if path is None:
        return Finding("gap", "No chain of ties links local government with community organizations.")
    if len(path) == 2:
        return Finding("in place", f"{net.names[path[0]]} and {net.names[path[1]]} are tied directly.")
    cuts = [node for node in path[1:-1] if _path(net.graph, government, set(community), banned=node) is None]
    if cuts:
        return Finding(
            "gap", f"Every chain of ties between local government and community organizations runs through {net.named(cuts)}."
        )
    return Finding("in place", "Local government and community organizations are linked through more than one organization.")


def _community_tied(net: _Net) -> Finding:
    community = net.members("community organization")
    if not community:
        return Finding("not applicable", "No community organization is in the map.")
    tied = [c for c in community if any(net.types[m] in DATA_AND_TECH_TYPES for m in net.graph[c])]
    if not tied:
        return Finding(
            "gap",
            f"None of the {_orgs(len(community), 'community organization')} is tied to a civic tech group "
            "or a data intermediary.",
        )
    return Finding("in place", f"Tied to a civic tech group or a data intermediary: {net.named(tied)}.")


def _isolated(net: _Net) -> Finding:
    alone = [n for n in net.types if net.graph.degree(n) == 0]
    if not alone:
        return Finding("in place", f"Every organization has at least one {net.ecosystem.tie_word}.")
    return Finding(
        "gap",
        f"{_count(len(alone), 'organization')} {'has' if len(alone) == 1 else 'have'} no "
        f"{net.ecosystem.tie_word}: {net.named(alone)}.",
    )


def _separate_groups(net: _Net) -> Finding:
    groups = sorted((len(c) for c in nx.connected_components(net.graph) if len(c) > 1), reverse=True)
    if not groups:
        return Finding("not applicable", "The map has no ties yet.")
    if len(groups) == 1:
        return Finding("in place", "Every organization with ties is part of one connected network.")
    return Finding(
        "gap",
        f"The organizations with ties form {len(groups)} separate groups with no tie between them "
        f"(of {', '.join(str(g) for g in groups[:MAX_NAMED])}{' …' if len(groups) > MAX_NAMED else ''} organizations).",
    )


def _key_players(net: _Net) -> Finding:
    missing = [t for t in KEY_PLAYER_TYPES if not net.members(t)]
    if missing:
        return Finding("gap", f"Not in the map: any {', any '.join(TYPE_NOUNS[m][0] for m in missing)}.")
    return Finding("in place", "Every one of these types has at least one organization in the map.")


@dataclass(frozen=True)
class PromptCheck:
    """One mapping prompt: a stable id, the question (our wording), and its test on the network."""

    id: str
    question: str
    test: Callable[[_Net], Finding]


PROMPT_CHECKS: tuple[PromptCheck, ...] = (
    PromptCheck(
        "missing-key-players",
        "Are the key players in the map: local government, civic tech groups, data intermediaries, community groups and funders?",
        _key_players,
    ),
    PromptCheck(
        "government-civic-tech",
        "Is local government tied to a civic tech group?",
        _tie_between("local government", "civic tech group"),
    ),
    PromptCheck(
        "government-data-intermediary",
        "Is local government tied to a data intermediary?",
        _tie_between("local government", "data intermediary"),
    ),
    PromptCheck(
        "civic-tech-data-intermediary",
        "Are civic technologists tied to a data intermediary?",
        _tie_between("civic tech group", "data intermediary"),
    ),
    PromptCheck(
        "government-community-bridge",
        "Does one organization hold every bridge between local government and community groups?",
        _single_bridge,
    ),
    PromptCheck(
        "community-data-tech", "Are community groups tied to the groups that work with data and technology?", _community_tied
    ),
    PromptCheck("isolated-organizations", "Which organizations have no tie to anyone in the map?", _isolated),
    PromptCheck("separate-groups", "Is the map one network, or separate groups with no tie between them?", _separate_groups),
)


@dataclass(frozen=True)
class PromptResult:
    """A prompt asked of one ecosystem: what the network shows, and the editorial links to CTDC
    lessons (id, text) and products (id, name) that speak to it, with the link's basis,
    reasoning and sources (ids)."""

    id: str
    question: str
    status: Status
    finding: str
    lessons: tuple[tuple[str, str], ...]
    products: tuple[tuple[str, str], ...]
    basis: str
    reasoning: str
    sources: tuple[str, ...]


def ecosystem_prompts(ecosystem: Ecosystem, metrics: NetworkMetrics, catalog: Catalog) -> tuple[PromptResult, ...]:
    """Every prompt of ``PROMPT_CHECKS`` asked of the ecosystem (on the graph its metrics were
    computed on), linked to lessons and products through ``catalog.ecosystem_prompts``."""
    graph = metrics.graph
    names = dict(zip(ecosystem.organizations["id"].tolist(), ecosystem.organizations["name"].astype(str).tolist()))
    net = _Net(ecosystem, graph, _types_of(graph), names)
    links = catalog.ecosystem_prompts.set_index("id")
    lessons = catalog.lessons.set_index("id")["text"]
    products = catalog.products.set_index("id")["name"]
    results = []
    for check in PROMPT_CHECKS:
        finding = check.test(net)
        link = links.loc[check.id] if check.id in links.index else None
        results.append(
            PromptResult(
                id=check.id,
                question=check.question,
                status=finding.status,
                finding=finding.text,
                lessons=tuple((i, str(lessons[i])) for i in (link["lessons"] if link is not None else [])),
                products=tuple((i, str(products[i])) for i in (link["products"] if link is not None else [])),
                basis=str(link["basis"]) if link is not None else "",
                reasoning=str(link["reasoning"]) if link is not None else "",
                sources=tuple(link["sources"]) if link is not None else (),
            )
        )
    return tuple(results)


def prompt_table(results: Iterable[PromptResult]) -> pd.DataFrame:
    """The prompts as a plain table (question, status, finding, linked lessons and products, basis)."""
    return pd.DataFrame(
        [
            {
                "question": r.question,
                "status": r.status,
                "finding": r.finding,
                "lessons": "; ".join(i for i, _ in r.lessons),
                "products": "; ".join(name for _, name in r.products),
                "link basis": r.basis,
            }
            for r in results
        ],
        columns=["question", "status", "finding", "lessons", "products", "link basis"],
    )

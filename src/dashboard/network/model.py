"""Ecosystem networks: organizations as nodes, ties as edges, for a CTDC site or an uploaded map.

One model (``Ecosystem``) serves both; a site's network counts the ties its reader chose (by default
those documented during CTDC; see ``periods``). From it come the metrics (computed with networkx:
ties, betweenness, types connected, density, cross-type share) and the table alternatives; the sites are
compared in ``comparison``, drawn by ``picture`` and asked the mapping prompts in ``prompts``. No Streamlit here.

Every text returned is plain text, names included as given; escape it (``sentences_markdown``,
``text.escape_markdown``) before it goes into Markdown.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.schema import ORGANIZATION_TYPES
from dashboard.data.text import escape_markdown, plural
from dashboard.network import periods as P

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
BETWEENNESS_BUDGET = 120_000
BETWEENNESS_SEED = 0
# Betweenness shown with this many decimals.
BETWEENNESS_DECIMALS = 3

ORGANIZATION_COLUMNS = ["id", "name", "type", "url", "notes", "sources"]
TIE_COLUMNS = ["source", "target", "kind", "note", "sources"]


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Ecosystem:
    """A network of organizations and ties, from a CTDC site or from an upload.

    ``organizations`` has columns id, name, type, url, notes, sources; ``ties`` has source,
    target (organization ids), kind, note, sources, and for a CTDC site period and period_basis.
    ``sources`` cells are tuples of source ids (empty for uploads); ``source_titles`` maps each cited
    id to a readable title. For a CTDC site, ``tie_scope`` says which of its recorded ties ``ties``
    holds (``C.TIES_CTDC`` or ``C.TIES_ALL``) and ``periods`` counts all of them by period; an
    uploaded map has neither.
    """

    name: str
    organizations: pd.DataFrame
    ties: pd.DataFrame
    origin: Origin
    site: str | None = None
    role: str | None = None
    source_titles: Mapping[str, str] = field(default_factory=dict)
    tie_scope: str | None = None
    periods: tuple[tuple[str, int], ...] = ()

    @property
    def fictional(self) -> bool:
        """True for the packaged worked example."""
        return self.origin == "example"

    @property
    def tie_word(self) -> str:
        """What a counted tie is called: for a CTDC site 'CTDC-era tie' or 'documented tie' (ties are what
        sources describe; see ``tie_scope``), else 'tie'."""
        return P.tie_noun(self.tie_scope) if self.origin == "site" else "tie"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _member(record: dict[str, Any], kind: str) -> dict[str, Any]:
    """An organization or national partner of the catalog as a member of a site's network, of type ``kind``."""
    return {
        "id": record["id"],
        "name": record["name"],
        "type": kind,
        "url": _text(record["url"]),
        "notes": _text(record["role"]),
        "sources": tuple(record["sources"]),
    }


def _source_title(row: Mapping[str, Any]) -> str:
    return f"{row['title']} ({row['publisher']})"


def site_ecosystem(catalog: Catalog, site_id: str, ties_counted: str = C.TIES_CTDC) -> Ecosystem:
    """The documented network of one CTDC site, counting the ties ``ties_counted`` chooses: those
    documented during CTDC (the default) or all of them (``C.TIES_ALL``).

    Nodes are the site's organizations plus every organization or national partner that one of
    the counted relationships reaches; national partners get the type ``"national partner"``.
    Edges are the counted relationships recorded for the site (national-only links are left out).
    """
    sites = catalog.sites.set_index("id")
    if site_id not in sites.index:
        raise ValueError(f"unknown site '{site_id}'")
    recorded = catalog.relationships[catalog.relationships["site"] == site_id]
    ties = P.select_ties(recorded, ties_counted)
    orgs = catalog.organizations
    local = orgs[[site_id in s for s in orgs["sites"]]]
    reached = set(ties["source"]) | set(ties["target"])
    members = pd.concat([local, orgs[orgs["id"].isin(reached - set(local["id"]))]])
    national = catalog.national_partners
    rows = [_member(r, r["type"]) for r in members.to_dict("records")]
    rows += [_member(r, NATIONAL_PARTNER) for r in national[national["id"].isin(reached)].to_dict("records")]
    tie_rows = [
        {
            "source": r["source"],
            "target": r["target"],
            "kind": r["kind"],
            "note": _text(r["note"]),
            "sources": tuple(r["sources"]),
            "period": r["period"],
            "period_basis": r["period_basis"],
        }
        for r in ties.to_dict("records")
    ]
    cited = {s for row in rows + tie_rows for s in row["sources"]}
    sources = catalog.sources[catalog.sources["id"].isin(cited)]  # filtered first: the list can be long
    titles = {r["id"]: _source_title(r) for r in sources.to_dict("records")}
    return Ecosystem(
        name=str(sites.loc[site_id, "name"]),
        organizations=pd.DataFrame(rows, columns=ORGANIZATION_COLUMNS),
        ties=pd.DataFrame(tie_rows, columns=[*TIE_COLUMNS, "period", "period_basis"]),
        origin="site",
        site=site_id,
        role=str(sites.loc[site_id, "role"]),
        source_titles=titles,
        tie_scope=ties_counted,
        periods=P.period_counts(recorded["period"]),
    )


def build_graph(ecosystem: Ecosystem) -> nx.Graph:
    """The undirected simple graph: one node per organization (attribute ``type``), one edge per connected pair
    (without attributes: what the measures and questions need of a pair's ties, they read from ``ties``). Each
    tie's ends are its nodes' own text, not copies: the largest upload's graph is then half the size."""
    graph = nx.Graph()
    orgs, ties = ecosystem.organizations, ecosystem.ties
    ids = orgs["id"].tolist()
    graph.add_nodes_from((i, {"type": t}) for i, t in zip(ids, orgs["type"].tolist()))
    same = dict(zip(ids, ids))
    graph.add_edges_from((same.get(a, a), same.get(b, b)) for a, b in zip(ties["source"].tolist(), ties["target"].tolist()))
    return graph


def let_go(graph: nx.Graph) -> None:
    """Empty a graph no longer needed: its views (``edges``, ``degree``) refer back to it, so its nodes and ties (some
    60,000 objects for the largest upload) would wait for a full collection, which the server runs rarely."""
    graph.clear()


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True)
class NetworkMetrics:
    """What the network shows, computed once.

    ``organizations``: one row per organization (id, name, type, partners, ties, betweenness,
    types_connected), most connected first. ``summary``: one row for the whole ecosystem (see
    ``summary_columns``). ``sentences``: plain-text takeaways. ``betweenness_sample`` is the
    number of organizations betweenness was estimated from, or None when it is exact. The graph they were
    computed on is not kept (``build_graph`` makes it again in a few hundredths of a second).
    """

    name: str
    organizations: pd.DataFrame
    summary: pd.DataFrame
    sentences: tuple[str, ...]
    betweenness_sample: int | None


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


def node_types(graph: nx.Graph) -> dict[Hashable, str]:
    """Node -> organization type."""
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
        "which ties",
        "ties not counted",
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
    types = node_types(graph)
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
        "which ties": P.WHICH_TIES[ecosystem.tie_scope],
        "ties not counted": P.not_counted(ecosystem.tie_scope, ecosystem.periods),
        "connected pairs": pairs,
        "density": round(nx.density(graph), 3) if len(orgs) > 1 else math.nan,
        "cross-type share": round(crossing / pairs, 3) if pairs else math.nan,
        "isolated": int((per_org["partners"] == 0).sum()),
        "groups": len(components),
        **{f"{t} tied to": _tied_to(graph, types, t) for t in ANCHOR_TYPES},
        "sources cited": len(cited),
    }
    let_go(graph)
    summary = pd.DataFrame([row], columns=summary_columns())
    return NetworkMetrics(ecosystem.name, per_org, summary, tuple(_sentences(ecosystem, per_org, row, sample)), sample)


def _rank(per_org: pd.DataFrame) -> pd.DataFrame:
    """Most connected first: partners, then betweenness, then name (case-insensitive), then id."""
    # astype(str): a site without organizations gives an empty column, which pandas types as numbers.
    key = per_org.assign(_name=per_org["name"].astype(str).str.casefold())
    ordered = key.sort_values(["partners", "betweenness", "_name", "id"], ascending=[False, False, True, True], kind="mergesort")
    return ordered.drop(columns="_name").reset_index(drop=True)


def counted(value: int, word: str) -> str:
    """``value`` with thousands separators and ``word`` in the singular or plural ("1 tie", "1,200 organizations")."""
    return f"{value:,} {plural(word, value)}"


def _names(frame: pd.DataFrame, column: str, fmt: Callable[[Any], str], limit: int = 3) -> str:
    return ", ".join(f"{r['name']} ({fmt(r[column])})" for r in frame.head(limit).to_dict("records"))


def _sentences(ecosystem: Ecosystem, per_org: pd.DataFrame, row: Mapping[str, Any], sample: int | None) -> list[str]:
    n, ties = row["organizations"], row["ties"]
    out = [f"{counted(n, 'organization')} and {counted(ties, ecosystem.tie_word)}."]
    scope = P.scope_sentence(ecosystem.tie_scope, ecosystem.periods)
    if scope:
        out.append(scope)
    which = P.counting(ecosystem.tie_scope, ties)
    if P.too_few_to_rank(row):
        out.append(P.rank_note(ecosystem.tie_scope, ties))
    elif ties:
        hubs = per_org[per_org["partners"] > 0]
        out.append(f"Most ties, counting {which}: {_names(hubs, 'partners', lambda v: counted(v, 'partner'))}.")
        bridges = per_org[per_org["betweenness"] > 0].sort_values("betweenness", ascending=False, kind="mergesort")
        if len(bridges):
            out.append(
                f"Main bridges (those on the largest share of shortest paths between other organizations), counting {which}: "
                f"{_names(bridges, 'betweenness', lambda v: f'{v:.2f}')}."
            )
        else:
            out.append(
                f"No organization bridges others, counting {which}: every organization with ties is tied directly "
                "to all it reaches."
            )
    if ties:
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


def few_ties(summary_row: Mapping[str, Any]) -> bool:
    """True when the ties are too few to connect every organization, or some organization has none."""
    return bool(summary_row["ties"] < summary_row["organizations"] - 1 or summary_row["isolated"])


def evidence_note(ecosystem: Ecosystem, summary_row: Mapping[str, Any]) -> str | None:
    """For a CTDC site, a plain-text reminder that lines are the counted documented ties only, said more
    strongly where few are documented: too few to connect every organization, or some with none.
    None for uploads."""
    if ecosystem.origin != "site":
        return None
    n, ties, isolated = summary_row["organizations"], summary_row["ties"], summary_row["isolated"]
    word = ecosystem.tie_word
    caveat = "A missing line means the sources we found do not describe a tie, not that the organizations did not work together."
    if not few_ties(summary_row):
        return f"Lines show the {plural(word, 2)} described in the sources. {caveat}"
    lonely = f" {counted(isolated, 'organization')} {'has' if isolated == 1 else 'have'} no {word}." if isolated else ""
    return f"Few ties are documented for {ecosystem.name}: {counted(ties, word)} among {counted(n, 'organization')}.{lonely} {caveat}"


# ---------------------------------------------------------------- tables


def sources_text(ecosystem: Ecosystem, ids: Iterable[str]) -> str:
    """The titles of the sources ``ids`` (an id when its title is not known), joined by semicolons."""
    return "; ".join(ecosystem.source_titles.get(i, i) for i in ids)


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
        out["sources"] = [sources_text(ecosystem, s) for s in info.loc[per_org["id"], "sources"]]
    return out


def tie_table(ecosystem: Ecosystem) -> pd.DataFrame:
    """One row per tie: source, kind, target (names), note, for a CTDC site when it held and what dates
    it, and sources (titles) when cited."""
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
    if "period" in ties.columns:
        out["when"] = ties["period"].map(C.TIE_PERIOD_LABELS).to_numpy()
        out["dated by"] = ties["period_basis"].to_numpy()
    if ecosystem.source_titles:
        out["sources"] = [sources_text(ecosystem, s) for s in ties["sources"]]
    return out


def sentences_markdown(sentences: Iterable[str]) -> str:
    """Plain-text sentences as an escaped Markdown bullet list."""
    return "\n".join(f"- {escape_markdown(s)}" for s in sentences)

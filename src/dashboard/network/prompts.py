"""The ecosystem-mapping prompts: questions asked of a network (is local government tied to a civic
tech group? does one organization hold every bridge?), each answered from the graph and linked to
the CTDC lessons and products that speak to it through the editorial table in
``data/ecosystem_prompts.yaml``. No Streamlit here; every text returned is plain.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.network.model import NATIONAL_PARTNER, Ecosystem, build_graph, counted, let_go, node_types

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

    def kinds(self, a: Hashable, b: Hashable) -> str:
        """The kinds of the ties between ``a`` and ``b``, either way round, joined by ", " in file order, once each."""
        ties = self.ecosystem.ties
        source, target = ties["source"], ties["target"]
        between = ties[((source == a) & (target == b)) | ((source == b) & (target == a))]
        return ", ".join(dict.fromkeys(between["kind"].astype(str)))

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
                    kinds = net.kinds(node, other)
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
        f"{counted(len(alone), 'organization')} {'has' if len(alone) == 1 else 'have'} no "
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


def ecosystem_prompts(ecosystem: Ecosystem, catalog: Catalog) -> tuple[PromptResult, ...]:
    """Every prompt of ``PROMPT_CHECKS`` asked of the ecosystem (on its graph, ``build_graph``), linked to
    lessons and products through ``catalog.ecosystem_prompts``."""
    graph = build_graph(ecosystem)
    names = dict(zip(ecosystem.organizations["id"].tolist(), ecosystem.organizations["name"].astype(str).tolist()))
    net = _Net(ecosystem, graph, node_types(graph), names)
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
    let_go(graph)
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

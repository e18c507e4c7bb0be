"""The network parts of the pages, ready to show: one ecosystem's picture with its legend in words,
takeaways and tables (a CTDC site's built once and cached), and the mapping prompts with their editorial
links and citations (the sites compared are in ``site_comparison``).

Pure builders (no Streamlit calls but the caching decorators); every text returned as Markdown is
escaped, every link http(s) or a link to a page of the app.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import vega_lite_spec
from dashboard.data.catalog import Catalog
from dashboard.data.citations import citer, numbered_sources, sources_markdown
from dashboard.data.cite import correction_markdown
from dashboard.data.schema import CROSS_SITE
from dashboard.data.text import escape_markdown
from dashboard.network import periods as P
from dashboard.network.details import network_details
from dashboard.network.model import (
    Ecosystem,
    NetworkMetrics,
    counted,
    evidence_note,
    few_ties,
    network_metrics,
    organization_table,
    sentences_markdown,
    site_ecosystem,
    tie_table,
)
from dashboard.network.picture import (
    MAX_DRAWN,
    chart_alt_text,
    drawing_note,
    legend_text,
    network_chart,
)
from dashboard.network.prompts import PROMPT_CHECKS, PromptResult, ecosystem_prompts
from dashboard.state.links import page_href, site_param
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import organization_record, site_tie_records, with_corrections

STATUS_BADGES = {
    "gap": ":orange-badge[gap]",
    "in place": ":green-badge[in place]",
    "not applicable": ":gray-badge[not applicable]",
}
LINK_BASIS = (
    "The links to CTDC lessons and products are editorial: this atlas chose each one where the lesson's or "
    "product's own text speaks to the question (each link is a row of the ecosystem_prompts table in the Library's data download, basis: editorial). "
    "The questions are our wording of what the CTDC materials say mapping is for."
)


# ---------------------------------------------------------------- one ecosystem


@dataclass(frozen=True)
class NetworkView:
    """One ecosystem's network as a page shows it: the picture (Vega-Lite spec and alt text), the legend
    in words, the takeaways, the evidence note (CTDC sites; said strongly when few ties are documented),
    a note when the picture shows only part, and the organizations and ties as tables.

    ``legend``, ``takeaways``, ``evidence`` and ``drawing_note`` are escaped Markdown; ``counting`` says
    which ties the picture and the tables count and how many (plain text); ``stem`` names the CSV downloads;
    ``links`` says whether the organizations' web addresses may be shown as links (a CTDC site's come
    from the cited dataset; an upload's are a visitor's text, never made a link). ``details`` is what a
    tap on a mark or a line shows under the picture (escaped Markdown, by the key the picture's
    selection gives); ``organization_list`` is the organizations as a list for a phone.
    """

    name: str
    spec: dict[str, Any]
    alt_text: str
    legend: str
    takeaways: str
    evidence: str
    few_ties: bool
    drawing_note: str
    organizations: pd.DataFrame
    ties: pd.DataFrame
    stem: str
    fictional: bool
    counting: str
    links: bool
    details: dict[str, str]
    organization_list: str


def network_view(
    ecosystem: Ecosystem,
    metrics: NetworkMetrics,
    stem: str,
    urls: Mapping[str, str] | None = None,
    organization_corrections: Mapping[Hashable, str] | None = None,
    tie_corrections: Sequence[str] = (),
) -> NetworkView:
    """The ``NetworkView`` of an ecosystem whose metrics are computed (``urls``: its sources' web addresses; the
    corrections: the links a tap's details give, see ``details.network_details``)."""
    row = metrics.summary.iloc[0]
    evidence = evidence_note(ecosystem, row) or ""
    alt_text = chart_alt_text(ecosystem, metrics)
    organizations = organization_table(ecosystem, metrics)
    return NetworkView(
        name=ecosystem.name,
        spec=vega_lite_spec(network_chart(ecosystem, metrics), alt_text),
        alt_text=alt_text,
        legend=escape_markdown(legend_text(ecosystem.organizations["type"])),
        takeaways=sentences_markdown(s for s in metrics.sentences if s != evidence),
        evidence=escape_markdown(evidence),
        few_ties=ecosystem.origin == "site" and few_ties(row),
        drawing_note=escape_markdown(drawing_note(metrics) or ""),
        organizations=organizations,
        ties=tie_table(ecosystem),
        stem=stem,
        fictional=ecosystem.fictional,
        counting=P.counting(ecosystem.tie_scope if ecosystem.origin == "site" else None, len(ecosystem.ties)),
        links=ecosystem.origin == "site",
        details=network_details(ecosystem, metrics, MAX_DRAWN, urls, organization_corrections, tie_corrections),
        organization_list=organization_list(organizations),
    )


@dataclass(frozen=True)
class EcosystemNetwork:
    """An ecosystem ready for a page: its view, its one-row summary (``network.summary_columns``) and
    the mapping prompts asked of it."""

    view: NetworkView
    summary: pd.DataFrame
    prompts: tuple[PromptResult, ...]


def ecosystem_network(
    ecosystem: Ecosystem,
    metrics: NetworkMetrics,
    catalog: Catalog,
    stem: str,
    organization_corrections: Mapping[Hashable, str] | None = None,
    tie_corrections: Sequence[str] = (),
) -> EcosystemNetwork:
    """View, summary and prompts of an ecosystem whose metrics are computed (the corrections: see ``network_view``)."""
    sources = catalog.sources[catalog.sources["id"].isin(list(ecosystem.source_titles))]
    urls = dict(zip(sources["id"], sources["url"]))
    view = network_view(ecosystem, metrics, stem, urls, organization_corrections, tie_corrections)
    return EcosystemNetwork(view, metrics.summary, ecosystem_prompts(ecosystem, catalog))


@page_cache()
def site_network(
    catalog: Catalog, site_id: str, ties_counted: str = C.TIES_CTDC, repository: str | None = None
) -> EcosystemNetwork:
    """A CTDC site's documented network counting the ties ``ties_counted`` chooses (by default those
    documented during CTDC), built once per site and choice (``site_id`` must be a known site); with a
    ``repository``, its tables and what a tap on its picture shows link each organization and tie to
    suggest a correction."""
    ecosystem = site_ecosystem(catalog, site_id, ties_counted)
    metrics = network_metrics(ecosystem)
    stem = f"network-{site_id}"
    if not repository:
        return ecosystem_network(ecosystem, metrics, catalog, stem)
    ids = metrics.organizations["id"].tolist()
    organizations = [organization_record(catalog, i) for i in ids]
    ties = site_tie_records(catalog, site_id, ties_counted)
    network = ecosystem_network(
        ecosystem,
        metrics,
        catalog,
        stem,
        {i: correction_markdown(repository, *record) for i, record in zip(ids, organizations) if record},
        [correction_markdown(repository, *record) for record in ties],
    )
    view = network.view
    return replace(
        network,
        view=replace(
            view,
            organizations=with_corrections(view.organizations, repository, organizations),
            ties=with_corrections(view.ties, repository, ties),
        ),
    )


def organization_list(frame: pd.DataFrame) -> str:
    """An organizations table (``organization_table``, or the sites' organizations compared, with a
    ``site`` column) as a Markdown list that wraps on a phone: "**name** (site, type): 6 partners,
    betweenness 0.52, 3 types connected" (escaped; the table and its CSV have every column)."""
    lines = []
    for row in frame.to_dict("records"):
        where = ", ".join(str(row[c]) for c in ("site", "type") if c in row)
        facts = (
            f"{counted(int(row['partners']), 'partner')}, betweenness {float(row['betweenness']):.2f}, "
            f"{counted(int(row['types connected']), 'type')} connected"
        )
        lines.append(f"- **{escape_markdown(row['organization'])}** ({escape_markdown(where)}): {escape_markdown(facts)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- prompts


@dataclass(frozen=True)
class PromptsView:
    """The mapping prompts answered for one or more ecosystems, as Markdown with the editorial links
    and their citations, the numbered sources, and a table for CSV."""

    markdown: str
    sources: str
    table: pd.DataFrame


def _lesson_text(row: dict[str, Any], names: dict[str, str]) -> str:
    where = "across sites" if row["site"] == CROSS_SITE else names.get(row["site"], row["site"])
    return f"“{escape_markdown(row['text'])}” ({escape_markdown(where)})"


def _product_link(row: dict[str, Any], names: dict[str, str]) -> str:
    site = names.get(row["site"])
    if site is None:
        return escape_markdown(row["name"])
    href = page_href("site", {"site": site_param(row["site"], names)})
    return f"[{escape_markdown(row['name'])}]({href}) ({escape_markdown(site)})"


def prompts_view(
    catalog: Catalog, answered: Sequence[tuple[str, Sequence[PromptResult]]], repository: str | None = None
) -> PromptsView:
    """The prompts (in ``PROMPT_CHECKS`` order) with what each ecosystem's network shows (``answered``:
    ecosystem name and its results), then the CTDC lessons and products the editorial link table ties
    to the question, why, and the sources (numbered), with (given a ``repository``) a link to suggest a
    correction to that editorial record."""
    lessons = catalog.lessons.set_index("id")
    products = catalog.products.set_index("id")
    names = catalog.site_names()
    by_id = [{r.id: r for r in results} for _, results in answered]
    cited = {s for results in by_id for r in results.values() for s in r.sources}
    sources = numbered_sources(catalog, cited)
    cite = citer(sources)
    records = catalog.ecosystem_prompts.set_index("id", drop=False)
    blocks, rows = [], []
    for number, check in enumerate(PROMPT_CHECKS, start=1):
        found = [(name, results[check.id]) for (name, _), results in zip(answered, by_id) if check.id in results]
        if not found:
            continue
        link = found[0][1]
        lines = [f"- **{escape_markdown(name)}:** {STATUS_BADGES[r.status]} {escape_markdown(r.finding)}" for name, r in found]
        if link.lessons:
            texts = [_lesson_text({"site": lessons.loc[i, "site"], "text": text}, names) for i, text in link.lessons]
            lines.append("- **What CTDC learned:** " + "; ".join(texts))
        if link.products:
            shown = [_product_link({"site": products.loc[i, "site"], "name": name}, names) for i, name in link.products]
            lines.append("- **CTDC products:** " + "; ".join(shown))
        if link.reasoning:
            lines.append(
                f"- :small[*Why these links ({escape_markdown(link.basis)}):* {escape_markdown(link.reasoning)}] {cite(link.sources)}"
                + correction_markdown(repository, "ecosystem_prompts.yaml", records.loc[check.id].to_dict())
            )
        blocks.append(f"**{number}. {escape_markdown(check.question)}**\n\n" + "\n".join(lines))
        rows += [
            {
                "question": check.question,
                "ecosystem": name,
                "status": r.status,
                "finding": r.finding,
                "lessons": "; ".join(i for i, _ in r.lessons),
                "products": "; ".join(p for _, p in r.products),
                "link basis": r.basis,
            }
            for name, r in found
        ]
    table = pd.DataFrame(rows, columns=["question", "ecosystem", "status", "finding", "lessons", "products", "link basis"])
    return PromptsView("\n\n".join([f"*{escape_markdown(LINK_BASIS)}*", *blocks]), sources_markdown(sources), table)


@page_cache()
def site_networks(
    catalog: Catalog, site_ids: tuple[str, ...], ties_counted: str = C.TIES_CTDC, repository: str | None = None
) -> tuple[EcosystemNetwork, ...]:
    """Several CTDC sites' networks at once (one cache entry for a page that shows them all), with correction
    links given a ``repository`` (see ``site_network``)."""
    return tuple(site_network(catalog, s, ties_counted, repository) for s in site_ids)


@page_cache()
def site_prompts_view(
    catalog: Catalog, site_id: str, ties_counted: str = C.TIES_CTDC, repository: str | None = None
) -> PromptsView:
    """The prompts asked of one CTDC site's documented network (counting the ties ``ties_counted`` chooses);
    with a ``repository``, each editorial link record offers a correction."""
    network = site_network(catalog, site_id, ties_counted)
    return prompts_view(catalog, [(network.view.name, network.prompts)], repository)

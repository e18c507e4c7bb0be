"""The sites' networks compared, for the Partner networks page: the density and cross-type shares
chart, a readable row per site, the sentences that compare implementation with learning sites, every
organization of every site with its metrics; and several ecosystems' measures side by side (an upload
beside a CTDC site).

Pure builders (no Streamlit calls but the caching decorator); every text returned as Markdown is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.data.catalog import Catalog
from dashboard.data.text import escape_markdown
from dashboard.network import periods as P
from dashboard.network.comparison import comparison_sentences
from dashboard.network.model import (
    ANCHOR_TYPES,
    NETWORK_TYPES,
    NetworkMetrics,
    counted,
    few_ties,
    network_metrics,
    organization_table,
    sentences_markdown,
    site_ecosystem,
)
from dashboard.network.picture import comparison_alt_text, comparison_chart, comparison_frame
from dashboard.network.views import organization_list
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache


def _percent(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) and not math.isnan(value) else "no ties counted"


def _by_type(row: dict[str, Any]) -> str:
    return ", ".join(f"{row[t]} {t}" for t in NETWORK_TYPES if row[t])


def _top(metrics: NetworkMetrics, column: str, fmt: Callable[[Any], str]) -> str:
    """The organization with the highest ``column`` and its value, or "none" when it is zero for all."""
    ranked = metrics.organizations.sort_values(column, ascending=False, kind="mergesort")
    if ranked.empty or not ranked[column].iloc[0]:
        return "none"
    return f"{ranked['name'].iloc[0]} ({fmt(ranked[column].iloc[0])})"


def ties_counted_text(row: dict[str, Any]) -> str:
    """How many ties a summary row counts and which: "5, during CTDC (2014–2018)"."""
    return f"{row['ties']:,}, {row['which ties']}"


def comparison_table(summary: pd.DataFrame, metrics: Sequence[NetworkMetrics]) -> pd.DataFrame:
    """One readable row per site: its organizations, the ties counted (how many and which) and those not,
    sources, density and cross-type share, organizations without a counted tie, the organization with the
    most partners and the main bridge (not named below ``C.MIN_TIES_TO_RANK`` ties), what the city, the
    data intermediary and the civic tech group are tied to, and the organizations by type."""
    rows = []
    for row, met in zip(summary.to_dict("records"), metrics):
        ranked = not P.too_few_to_rank(row)
        too_few = f"too few ties to rank ({row['ties']})"
        rows.append(
            {
                "site": row["ecosystem"],
                "role": row["role"],
                "organizations": row["organizations"],
                "ties counted": ties_counted_text(row),
                "ties not counted": row["ties not counted"],
                "sources cited": row["sources cited"],
                "density": _percent(row["density"]),
                "cross-type share": _percent(row["cross-type share"]),
                "no counted tie": row["isolated"],
                "separate groups": row["groups"],
                "most partners": _top(met, "partners", lambda v: counted(int(v), "partner")) if ranked else too_few,
                "main bridge": _top(met, "betweenness", lambda v: f"betweenness {v:.2f}") if ranked else too_few,
                **{f"{t} tied to": row[f"{t} tied to"] for t in ANCHOR_TYPES},
                "organizations by type": _by_type(row),
            }
        )
    return pd.DataFrame(rows)


def shares_takeaway(summary: pd.DataFrame, ties_counted: str = C.TIES_CTDC) -> str:
    """Plain text: which ties are counted, the range of density across the sites, and how many have few ties."""
    known = summary.dropna(subset=["density"])
    if known.empty:
        return "No site in view has documented ties."
    low, high = known.loc[known["density"].idxmin()], known.loc[known["density"].idxmax()]
    few = [r["ecosystem"] for r in summary.to_dict("records") if few_ties(r)]
    text = (
        f"Counting {P.counting(ties_counted, int(summary['ties'].sum()))}: density ranges from {low['density']:.0%} "
        f"({low['ecosystem']}) to {high['density']:.0%} ({high['ecosystem']}) across the {len(summary)} sites in view."
    )
    if few:
        text += (
            f" Few ties are documented for {len(few)} of them ({'; '.join(few)}): read their low figures as gaps in the record."
        )
    return text


def _site_ties(row: dict[str, Any]) -> str:
    """The ties a site's organization metrics count, said beside each of them (and when too few to rank)."""
    text = ties_counted_text(row)
    return text + ": too few to rank hubs and bridges" if P.too_few_to_rank(row) else text


@dataclass(frozen=True)
class NetworkComparison:
    """The sites' networks compared: the shares chart, one readable row per site (and the raw summary
    for CSV), the comparison sentences (implementation versus learning sites, as escaped Markdown), every
    organization of every site with its metrics (with its record's ``id``, and as a list for a phone), and
    ``counted``: which ties all of it counts and how many (plain text)."""

    chart: ChartView
    table: pd.DataFrame
    summary: pd.DataFrame
    sentences: str
    organizations: pd.DataFrame
    counted: str
    organization_list: str


@page_cache()
def network_comparison(catalog: Catalog, filters: F.Filters, lens: bool, ties_counted: str = C.TIES_CTDC) -> NetworkComparison:
    """The networks of the sites in view compared (grouped by role with ``lens``), counting the ties
    ``ties_counted`` chooses (by default those documented during CTDC)."""
    site_ids = F.selected_site_ids(catalog, filters)
    order = {role: i for i, role in enumerate(C.ROLE_LABELS)}
    sites = catalog.sites.set_index("id")
    if lens:
        site_ids = sorted(site_ids, key=lambda s: order.get(sites.loc[s, "role"], len(order)))
    ecosystems = {s: site_ecosystem(catalog, s, ties_counted) for s in site_ids}
    metrics = [network_metrics(ecosystems[s]) for s in site_ids]
    summary = pd.concat([m.summary for m in metrics], ignore_index=True)
    shares = comparison_frame(summary, lens)
    chart = chart_view(
        "Density and cross-type share",
        escape_markdown(shares_takeaway(summary, ties_counted)),
        comparison_chart(shares, lens),
        shares[["site_name", "role", "measure", "display"]].rename(columns={"site_name": "site", "display": "value"}),
        "network-shares",
        comparison_alt_text(shares),
        note="*Density: the share of all possible pairs of organizations that have a documented tie. "
        "Cross-type share: the share of tied pairs that join two different types of organization.*",
    )
    organizations = pd.concat(
        [
            organization_table(ecosystems[s], m)
            .drop(columns=["notes", "url"])
            .assign(site=sites.loc[s, "name"], **{"ties counted at the site": _site_ties(m.summary.iloc[0].to_dict())})
            .assign(id=m.organizations["id"].to_numpy())  # the record's id, for its correction link
            for s, m in zip(site_ids, metrics)
        ],
        ignore_index=True,
    )
    organizations = organizations[["site", *[c for c in organizations.columns if c != "site"]]]
    organizations = organizations.sort_values(["betweenness", "partners"], ascending=False, kind="mergesort")
    sentences = comparison_sentences(summary, ties_counted)
    return NetworkComparison(
        chart,
        comparison_table(summary, metrics),
        summary,
        sentences_markdown(sentences),
        organizations.reset_index(drop=True),
        sentences[0],
        organization_list(organizations),
    )


# ---------------------------------------------------------------- measures side by side


# The summary's measures as a side-by-side table names them.
MEASURE_LABELS = {
    "ties": "ties (for a CTDC site: documented ties)",
    "connected pairs": "pairs of organizations tied",
    "isolated": "organizations with no tie",
    "groups": "separate groups",
    "sources cited": "sources cited (CTDC sites)",
    **{t: f"organizations: {t}" for t in NETWORK_TYPES},
}


def summary_rows(summaries: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several one-row summaries as a readable table: a row per measure, a column per ecosystem."""
    frame = pd.concat(list(summaries), ignore_index=True)
    shown = frame.drop(columns=["site", "role"]).set_index("ecosystem")
    shown["density"] = shown["density"].map(_percent)
    shown["cross-type share"] = shown["cross-type share"].map(_percent)
    out = shown.T.astype(str).reset_index().rename(columns={"index": "measure"})
    out["measure"] = out["measure"].map(lambda m: MEASURE_LABELS.get(m, m))
    out.columns.name = None
    return out

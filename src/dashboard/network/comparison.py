"""The CTDC sites' networks compared: one summary row per site and the sentences that compare
implementation with learning sites, counting the ties the reader chose (by default those documented
during CTDC; see ``periods``). Plain text; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.text import plural
from dashboard.network import periods as P
from dashboard.network.model import counted, network_metrics, site_ecosystem, summary_columns


def compare_sites(catalog: Catalog, site_ids: Iterable[str] | None = None, ties_counted: str = C.TIES_CTDC) -> pd.DataFrame:
    """The summary row of every CTDC site (or of ``site_ids``), implementation sites first (in the catalog's
    order), counting the ties ``ties_counted`` chooses (see ``site_ecosystem``)."""
    order = {role: i for i, role in enumerate(C.ROLE_LABELS)}
    chosen = None if site_ids is None else set(site_ids)
    sites = sorted(
        (s for s in catalog.sites.to_dict("records") if chosen is None or s["id"] in chosen),
        key=lambda s: order.get(s["role"], len(order)),
    )
    rows = [network_metrics(site_ecosystem(catalog, s["id"], ties_counted)).summary for s in sites]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=summary_columns())


def comparison_sentences(frame: pd.DataFrame, ties_counted: str = C.TIES_CTDC) -> list[str]:
    """Implementation versus learning sites, computed from ``compare_sites`` with the same ``ties_counted``
    (plain text), after a sentence saying which ties are counted and how many."""
    word = P.tie_noun(ties_counted)
    left_out = int(frame["ties not counted"].sum())
    out = [
        f"Counting {P.counting(ties_counted, int(frame['ties'].sum()))} at the {counted(len(frame), 'site')} compared"
        + (f"; {left_out:,} more, standing affiliations and ties of other periods, are not counted." if left_out else ".")
    ]
    groups = {role: frame[frame["role"] == role] for role in C.ROLE_LABELS}
    parts = []
    for role, rows in groups.items():
        if rows.empty:
            continue
        per_org = (rows["ties"] / rows["organizations"]).mean()
        parts.append(
            f"{C.ROLE_LABELS[role].lower()}s ({', '.join(rows['ecosystem'])}): on average "
            f"{rows['organizations'].mean():.1f} organizations and {per_org:.2f} {plural(word, 2)} per organization, "
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
        out.append(f"A {word} between a {anchor} and a {other}: {', '.join(counts)}.")
    out.append(
        f"Fewer {plural(word, 2)} can mean that less was written about a site, not that it had fewer ties: "
        "compare the number of sources each map draws on."
    )
    return out

"""What a tap on the network picture shows under it: for an organization, its type, partners, notes,
web address and sources; for a line, each tie between the two organizations with its kind, when it
held (a CTDC site's ties) and its sources, each with its "Suggest a correction" link where the caller
gives one. Escaped Markdown, links only to http(s) addresses, keyed as the picture's selection names its
marks (``org_key``, ``pair_key``), and made only for what the picture draws (an uploaded map of
thousands of organizations keeps two dozen). No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from dashboard import constants as C
from dashboard.data.text import escape_markdown, markdown_link
from dashboard.network.model import Ecosystem, NetworkMetrics, counted


def org_key(org_id: Hashable) -> str:
    """The selection key of an organization's mark."""
    return f"org:{org_id}"


def pair_key(a: Hashable, b: Hashable) -> str:
    """The selection key of the line between two organizations (the same either way round)."""
    return "tie:" + "|".join(sorted((str(a), str(b))))


def _sources(ecosystem: Ecosystem, ids: Iterable[str], urls: Mapping[str, str]) -> str:
    """The sources ``ids`` as Markdown links (a title alone where the address is not http(s))."""
    links = [markdown_link(ecosystem.source_titles.get(i, i), urls.get(i)) for i in ids]
    return "**Sources:** " + "; ".join(links) if links else ""


def _lines(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def organization_details(
    ecosystem: Ecosystem,
    metrics: NetworkMetrics,
    urls: Mapping[str, str],
    drawn: int,
    corrections: Mapping[Hashable, str] | None = None,
) -> dict[str, str]:
    """The details of each of the ``drawn`` most connected organizations, by ``org_key``; ``corrections``
    gives an organization's correction link (Markdown, by id) to show after its name."""
    info = ecosystem.organizations.set_index("id")
    out = {}
    for m in metrics.organizations.head(drawn).to_dict("records"):
        o = info.loc[m["id"]]
        figures = (
            f"{counted(int(m['partners']), 'partner')}, {counted(int(m['ties']), ecosystem.tie_word)}, "
            f"betweenness {float(m['betweenness']):.2f}, {counted(int(m['types_connected']), 'type')} of organization connected."
        )
        web = markdown_link(o["url"], o["url"]) if ecosystem.origin == "site" else escape_markdown(o["url"])
        out[org_key(m["id"])] = _lines(
            f"**{escape_markdown(o['name'])}** ({escape_markdown(o['type'])})" + (corrections or {}).get(m["id"], ""),
            escape_markdown(figures),
            escape_markdown(o["notes"]),
            f"**Web:** {web}" if o["url"] else "",
            _sources(ecosystem, o["sources"], urls),
        )
    return out


def _tie_line(
    tie: Mapping[str, Any], names: Mapping[Hashable, str], ecosystem: Ecosystem, urls: Mapping[str, str], correction: str
) -> str:
    said = f"{names[tie['source']]} {tie['kind']} {names[tie['target']]}"
    when = C.TIE_PERIOD_LABELS.get(str(tie.get("period")), "")
    text = escape_markdown(said) + (f", {escape_markdown(when)}" if when else "") + "."
    if tie.get("period_basis"):
        text += f" *Dated by: {escape_markdown(tie['period_basis'])}*"
    if tie["note"]:
        text += f" {escape_markdown(tie['note'])}"
    sources = _sources(ecosystem, tie["sources"], urls)
    return f"- {text}" + (f" {sources}" if sources else "") + correction


def tie_details(
    ecosystem: Ecosystem, urls: Mapping[str, str], drawn_ids: Iterable[Hashable], corrections: Sequence[str] = ()
) -> dict[str, str]:
    """The details of each line between two of the organizations ``drawn_ids`` (every tie between the two), by
    ``pair_key``; ``corrections`` gives each tie's correction link (Markdown), row by row of the ecosystem's ties."""
    names = ecosystem.organizations.set_index("id")["name"].astype(str).to_dict()
    ties = ecosystem.ties
    kept = set(drawn_ids)
    pairs: dict[str, list[str]] = {}
    if corrections and len(corrections) != len(ties):
        raise ValueError(f"{len(corrections)} correction links for {len(ties)} ties")
    among = [row for row, kept_tie in enumerate((ties["source"].isin(kept) & ties["target"].isin(kept)).tolist()) if kept_tie]
    for row, tie in zip(among, ties.iloc[among].to_dict("records")):
        key = pair_key(tie["source"], tie["target"])
        if key not in pairs:
            ends = sorted((str(tie["source"]), str(tie["target"])))
            first, second = (names.get(e, e) for e in ends)
            pairs[key] = [f"**{escape_markdown(first)} – {escape_markdown(second)}**"]
        pairs[key].append(_tie_line(tie, names, ecosystem, urls, corrections[row] if corrections else ""))
    return {key: lines[0] + "\n\n" + "\n".join(lines[1:]) for key, lines in pairs.items()}


def network_details(
    ecosystem: Ecosystem,
    metrics: NetworkMetrics,
    drawn: int,
    urls: Mapping[str, str] | None = None,
    organization_corrections: Mapping[Hashable, str] | None = None,
    tie_corrections: Sequence[str] = (),
) -> dict[str, str]:
    """Everything a tap on a picture of the ``drawn`` most connected organizations can show, by selection key;
    ``urls`` gives the sources' web addresses (a CTDC site's; an upload cites none), and the corrections
    each organization's (by id) and each tie's (row by row) correction link, where the data can be corrected."""
    ends = metrics.organizations["id"].head(drawn)
    return {
        **organization_details(ecosystem, metrics, urls or {}, drawn, organization_corrections),
        **tie_details(ecosystem, urls or {}, ends, tie_corrections),
    }


def picked_details(event: object, details: Mapping[str, str]) -> str | None:
    """The details of the mark or line chosen on the picture, from the chart's event state
    (``event["selection"]``, as ``st.vega_lite_chart`` returns it: a list of the chosen points' fields
    per selection); None when nothing known is chosen."""
    try:
        selection = event["selection"]  # type: ignore[index]
        chosen = [point["key"] for points in selection.values() for point in points or []]
    except (KeyError, TypeError, AttributeError):
        return None
    found = [details[key] for key in chosen if isinstance(key, str) and key in details]
    return found[-1] if found else None

"""Which of a CTDC site's documented ties its network counts, and the words that say so.

Every tie in ``relationships.yaml`` has a period: during CTDC (2014–2018), before or after it, or a
standing affiliation (a network membership, an institutional home, a fiscal sponsorship). A site's
network counts the ties documented during CTDC unless the reader asks for every tie (``ties=all``
in the link): the hubs of a membership list are not who worked with whom in the program. An
uploaded map has no periods (its scope is None): all its ties count. Plain text only; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard import constants as C
from dashboard.data.schema import TIE_PERIODS
from dashboard.data.text import plural

# What the summary's "which ties" column says for each scope (None: an uploaded map).
WHICH_TIES = {C.TIES_CTDC: C.TIE_PERIOD_LABELS[C.TIES_CTDC], C.TIES_ALL: "every period", None: "all (a map has no periods)"}


def select_ties(ties: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The ties (with a ``period`` column) a site's network counts under ``scope``: those documented
    during CTDC (``C.TIES_CTDC``) or all of them (``C.TIES_ALL``)."""
    if scope not in C.TIE_CHOICES:
        raise ValueError(f"unknown choice of ties '{scope}' (use {' or '.join(C.TIE_CHOICES)})")
    return ties if scope == C.TIES_ALL else ties[ties["period"] == C.TIES_CTDC]


def period_counts(periods: pd.Series) -> tuple[tuple[str, int], ...]:
    """How many ties each period has (periods with none left out), in the vocabulary's order."""
    counts = periods.value_counts()
    return tuple((p, int(counts[p])) for p in TIE_PERIODS if p in counts)


def period_count(period: str, count: int) -> str:
    """A number of ties of one period: "2 standing affiliations", "1 tie before CTDC"."""
    if period == "standing":
        return f"{count:,} {plural('standing affiliation', count)}"
    return f"{count:,} {plural('tie', count)} {C.TIE_PERIOD_LABELS[period]}"


def tie_noun(scope: str | None) -> str:
    """What one counted tie is called (pluralised by adding "s"): "CTDC-era tie", "documented tie", or
    "tie" for an uploaded map."""
    return {C.TIES_CTDC: "CTDC-era tie", C.TIES_ALL: "documented tie"}.get(scope or "", "tie")


def counting(scope: str | None, count: int) -> str:
    """Which ties a figure counts, and how many: "5 ties documented during CTDC (2014–2018)", "8
    documented ties of every period", "12 ties in the map"."""
    ties = f"{count:,} {plural('tie', count)}"
    if scope == C.TIES_CTDC:
        return f"{ties} documented {C.TIE_PERIOD_LABELS[C.TIES_CTDC]}"
    if scope == C.TIES_ALL:
        return f"{count:,} documented {plural('tie', count)} of every period"
    return f"{ties} in the map"


def not_counted(scope: str | None, periods: Sequence[tuple[str, int]]) -> int:
    """How many of the recorded ties (``periods``: counts by period) a network under ``scope`` leaves out."""
    return sum(n for p, n in periods if p != C.TIES_CTDC) if scope == C.TIES_CTDC else 0


def scope_sentence(scope: str | None, periods: Sequence[tuple[str, int]]) -> str:
    """What a site's network counts and what it leaves out ('' for an uploaded map, which has no periods)."""
    if scope is None:
        return ""
    if scope == C.TIES_ALL:
        parts = ", ".join(period_count(p, n) for p, n in periods) or "none recorded"
        return f"Counting every documented tie, whatever its period: {parts}."
    counted = dict(periods).get(C.TIES_CTDC, 0)
    text = f"Counting only the ties documented {C.TIE_PERIOD_LABELS[C.TIES_CTDC]}: {counted:,}."
    others = [period_count(p, n) for p, n in periods if p != C.TIES_CTDC]
    if others:
        text += f" Not counted: {', '.join(others)} (switch on “{C.TIES_SWITCH_LABEL}” to count them)."
    return text


def too_few_to_rank(summary_row: Mapping[str, Any]) -> bool:
    """True for a CTDC site whose network counts fewer than ``C.MIN_TIES_TO_RANK`` ties (its hubs and
    bridges are not named); never for an uploaded map."""
    return isinstance(summary_row["site"], str) and summary_row["ties"] < C.MIN_TIES_TO_RANK


def rank_note(scope: str | None, count: int) -> str:
    """Why no hubs or bridges are named for a site with too few counted ties."""
    return (
        f"Too few {plural(tie_noun(scope), 2)} to name hubs or bridges: {count:,}. This atlas ranks a site's "
        f"organizations only from {C.MIN_TIES_TO_RANK} ties up; with fewer, the order would depend only on "
        "which tie happened to be written down."
    )

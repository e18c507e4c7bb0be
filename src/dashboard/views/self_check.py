"""The ecosystem self-check, shown on the Your ecosystem page: six questions about one's own place (an
NNIP partner, a civic tech group, an open data policy and portal, What Works Cities, a data leader),
read from and written to the link, and set beside the CTDC sites' key years as they stood when the
program began.

The self-check lives here, its model and its view in one module, because it is a feature of its own:
it is not a tab of the Ecosystem metrics page but uses that page's Key years tab
(``views.metrics.key_years``: the sites' key years and the chart they are drawn on), adding the
visitor's answers as the chart's first row. The key years stay with their tab; the only thing the
chart knows of the self-check is the shape of "your answer" (``constants.YOUR_ANSWER``).

The model is pure functions: answers come in as URL values, go out as URL parameters, chart rows
and plain text. The sites' values are the catalog's (cited, and with the repository's address set,
each with a link to suggest a correction); the person's answers are marked as theirs and never mixed
with sourced values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from dashboard import constants as C
from dashboard.charts.chart_view import ChartView, chart_view
from dashboard.data.catalog import Catalog
from dashboard.data.citations import citer, numbered_sources, sources_markdown
from dashboard.data.cite import CORRECTION_COLUMN, correction_link
from dashboard.data.text import escape_markdown
from dashboard.data.values import NOT_FOUND
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import metric_corrections
from dashboard.views.metrics.key_years import year_alt_text, year_chart, year_frame
from dashboard.views.metrics.site_metrics import program_period, shown_table

Status = Literal["yes", "no", ""]
YES: Status = "yes"
NO: Status = "no"
UNANSWERED: Status = ""

PLACE_PARAM = "my_place"
MAX_PLACE = 60
DEFAULT_PLACE = "Your place"
EARLIEST_YEAR = 1900
# How the person's answers are marked in the chart and in tables: their row's role and site (their
# confidence, drawn as its own shape, is ``constants.YOUR_ANSWER``).
YOUR_ROLE = "your answers"
YOUR_SITE = "your-place"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Question:
    """One self-check question: its URL parameter, the key-year metric it matches, a short label
    and the question as asked (our wording)."""

    param: str
    metric: str
    label: str
    question: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        "my_nnip",
        "nnip_join_year",
        "NNIP partner",
        "Is a local organization a partner of the National Neighborhood Indicators Partnership (NNIP)?",
    ),
    Question(
        "my_brigade",
        "cfa_brigade_founded_year",
        "Civic tech group",
        "Is there a volunteer civic tech group (such as a Code for America brigade)?",
    ),
    Question("my_policy", "open_data_policy_year", "Open data policy", "Does city government have an open data policy?"),
    Question("my_portal", "open_data_portal_launch_year", "Open data portal", "Does city government run an open data portal?"),
    Question(
        "my_wwc", "wwc_certification_year", "What Works Cities certification", "Has the city been certified by What Works Cities?"
    ),
    Question(
        "my_data_lead",
        "first_data_exec_year",
        "Data or innovation executive",
        "Does city government have a senior data or innovation executive (a chief data officer, for example)?",
    ),
)
QUESTION_PARAMS = tuple(q.param for q in QUESTIONS)


@dataclass(frozen=True)
class Answer:
    """One answer: in place (``yes``, with the year it began when given), not in place (``no``) or
    not answered (``""``)."""

    status: Status = UNANSWERED
    year: int | None = None

    @property
    def param(self) -> str | None:
        """The answer as a URL value: the year when given, else ``yes`` or ``no``; None when unanswered."""
        if self.status == YES:
            return str(self.year) if self.year is not None else YES
        return NO if self.status == NO else None

    @property
    def text(self) -> str:
        """The answer in words."""
        if self.status == YES:
            return f"yes, since {self.year}" if self.year is not None else "yes (year not given)"
        return "no" if self.status == NO else "not answered"


@dataclass(frozen=True)
class SelfCheck:
    """A person's answers: the place's name (as typed, cleaned) and one ``Answer`` per question in
    ``QUESTIONS`` order."""

    place: str = ""
    answers: tuple[Answer, ...] = tuple(Answer() for _ in QUESTIONS)

    @property
    def label(self) -> str:
        """How the place is named on the chart and in tables: its name, or "Your place"."""
        return self.place or DEFAULT_PLACE

    @property
    def answered(self) -> int:
        """How many questions have an answer."""
        return sum(1 for a in self.answers if a.status != UNANSWERED)

    def params(self) -> dict[str, str]:
        """The URL parameters that reproduce these answers (unanswered questions left out)."""
        out = {PLACE_PARAM: self.place} if self.place else {}
        out.update({q.param: a.param for q, a in zip(QUESTIONS, self.answers) if a.param is not None})
        return out


def clean_place(raw: object) -> str:
    """A place name as kept: text only, control characters dropped, spaces collapsed, at most ``MAX_PLACE`` characters."""
    if not isinstance(raw, str):
        return ""
    return " ".join(_CONTROL.sub(" ", raw).split())[:MAX_PLACE].strip()


def read_answer(raw: object, this_year: int) -> Answer | None:
    """An answer from one URL value (``yes``, ``no`` or a year from 1900 to ``this_year``, any case and
    spacing); an empty ``Answer`` for an absent value; None for a value that is none of these."""
    if not isinstance(raw, str) or not raw.strip():
        return Answer()
    value = raw.strip().casefold()
    if value == YES:
        return Answer(YES)
    if value == NO:
        return Answer(NO)
    if _YEAR.match(value) and EARLIEST_YEAR <= int(value) <= this_year:
        return Answer(YES, int(value))
    return None


def read_self_check(raw: Mapping[str, str | None], this_year: int) -> tuple[SelfCheck, dict[str, str]]:
    """The answers a link carries (``raw``: parameter -> its last value), and the unusable values by
    parameter (left out of the answers, for a notice)."""
    answers: list[Answer] = []
    ignored: dict[str, str] = {}
    for question in QUESTIONS:
        value = raw.get(question.param)
        answer = read_answer(value, this_year)
        if answer is None:
            ignored[question.param] = str(value)
            answer = Answer()
        answers.append(answer)
    return SelfCheck(clean_place(raw.get(PLACE_PARAM)), tuple(answers)), ignored


def answer_from_form(status: str | None, year: float | None) -> Answer:
    """An answer from the form's choice ("Yes", "No", anything else: not answered) and its year: a
    year makes the answer yes unless the choice is "No" (then the year is dropped)."""
    chosen = (status or "").casefold()
    if chosen == NO:
        return Answer(NO)
    if chosen == YES or year is not None:
        return Answer(YES, int(year) if year is not None else None)
    return Answer()


def your_rows(check: SelfCheck, labels: Mapping[str, str]) -> pd.DataFrame:
    """The person's answers as rows shaped like the key-years frame (``site_metrics.metric_frame``),
    one per question whose metric has a label in ``labels`` (metric id -> label): a year is plotted;
    a yes without a year, a no, or no answer is not, and reads as such."""
    rows: list[dict[str, Any]] = []
    for question, answer in zip(QUESTIONS, check.answers):
        if question.metric not in labels:
            continue
        known = answer.status == YES and answer.year is not None
        rows.append(
            {
                "site": YOUR_SITE,
                "site_name": f"{check.label} ({YOUR_ROLE})",
                "role": YOUR_ROLE,
                "role_label": YOUR_ROLE,
                "metric": question.metric,
                "metric_label": labels[question.metric],
                "group": "",
                "value_type": "year",
                "unit": "year",
                "value": answer.year if known else None,
                "numeric": float(answer.year) if known and answer.year is not None else float("nan"),
                "display": str(answer.year) if known else answer.text,
                "known": known,
                "vintage": "",
                "confidence": C.YOUR_ANSWER,
                "note": "",
                "sources": [],
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the sites when CTDC began

StandingKind = Literal["in place", "later", "unknown"]


@dataclass(frozen=True)
class Standing:
    """Where one site stood on one question when the program began: in place by the start year
    (``in place``), begun later (``later``), or not found in sources (``unknown``); with the year,
    the sources its value rests on and the link to suggest a correction to its record ("" without one)."""

    site: str
    site_name: str
    kind: StandingKind
    year: int | None
    sources: tuple[str, ...]
    correction: str = ""

    @property
    def text(self) -> str:
        """Plain words: "since 1995", "from 2016" or "not found in sources"."""
        if self.kind == "in place":
            return f"since {self.year}"
        return f"from {self.year}" if self.kind == "later" else NOT_FOUND


def standings(years: pd.DataFrame, start: int) -> dict[str, list[Standing]]:
    """Per metric, each site's standing at ``start`` (the program's first year), from a key-years
    frame of the sites (``key_years.year_frame``, with or without a ``correction`` column of links), in
    the frame's site order."""
    out: dict[str, list[Standing]] = {}
    for row in years.to_dict("records"):
        if row["known"]:
            year = int(row["numeric"])
            kind: StandingKind = "in place" if year <= start else "later"
        else:
            year, kind = None, "unknown"
        standing = Standing(row["site"], row["site_name"], kind, year, tuple(row["sources"]), row.get(CORRECTION_COLUMN) or "")
        out.setdefault(row["metric"], []).append(standing)
    return out


def in_place_counts(table: Mapping[str, list[Standing]]) -> dict[str, int]:
    """Per site name, how many of the questions' metrics it had in place when the program began."""
    counts: dict[str, int] = {}
    for question in QUESTIONS:
        for standing in table.get(question.metric, []):
            counts[standing.site_name] = counts.get(standing.site_name, 0) + (standing.kind == "in place")
    return counts


def summary_sentence(check: SelfCheck, table: Mapping[str, list[Standing]], start: int) -> str:
    """Plain text: how many questions the person answered yes, and how many of the same the sites had
    in place when the program began, as far as the sources show."""
    mine = sum(1 for a in check.answers if a.status == YES)
    total = len(QUESTIONS)
    counts = in_place_counts(table)
    sites = "; ".join(f"{name} {count}" for name, count in counts.items())
    yours = (
        f"{check.label}: {mine} of {total} in place, by your answers."
        if check.answered
        else "Answer the questions to see your place beside the sites."
    )
    return (
        f"{yours} When CTDC began in {start}, as far as the sources show, the sites had this many of the {total} "
        f"in place: {sites}. A value not found in sources is not counted, so these counts can only be too low."
    )


def self_check_table(check: SelfCheck, table: Mapping[str, list[Standing]], start: int) -> pd.DataFrame:
    """One row per question and place (the person's first, marked as their answer; then each site
    with its standing when the program began, its source ids and, where there is one, the link to
    suggest a correction to its record), for the CSV download."""
    rows = []
    for question, answer in zip(QUESTIONS, check.answers):
        rows.append(
            {
                "question": question.label,
                "place": check.label,
                "answer or standing": answer.text,
                "year": answer.year,
                "basis": C.YOUR_ANSWER,
                "sources": "",
                CORRECTION_COLUMN: "",
            }
        )
        for standing in table.get(question.metric, []):
            rows.append(
                {
                    "question": question.label,
                    "place": standing.site_name,
                    "answer or standing": f"in place when CTDC began ({start})"
                    if standing.kind == "in place"
                    else f"not yet in place in {start}"
                    if standing.kind == "later"
                    else NOT_FOUND,
                    "year": standing.year,
                    "basis": "sources",
                    "sources": "; ".join(standing.sources),
                    CORRECTION_COLUMN: standing.correction,
                }
            )
    columns = ["question", "place", "answer or standing", "year", "basis", "sources", CORRECTION_COLUMN]
    frame = pd.DataFrame(rows, columns=columns).astype({"year": "Int64"})
    return frame if frame[CORRECTION_COLUMN].ne("").any() else frame.drop(columns=[CORRECTION_COLUMN])


# ---------------------------------------------------------------- the view: the key years chart and the questions


@dataclass(frozen=True)
class SelfCheckView:
    """The self-check beside the sites: the Key years chart with the person's place as its first row,
    a summary sentence, each question's standing of the sites when the program began (cited), the
    numbered sources, and the same as a table for CSV."""

    chart: ChartView
    summary: str
    began: str
    sources: str
    table: pd.DataFrame


def _began_markdown(check: SelfCheck, table: dict[str, list[Standing]], start: int, cite: Callable[[Any], str]) -> str:
    """Per question: the person's answer (marked as theirs), then the sites in place when the program
    began, those that began later and those not found in sources, each year cited; each site's value
    with its link to suggest a correction, where there is one."""
    blocks = []
    for question, answer in zip(QUESTIONS, check.answers):
        rows = table.get(question.metric, [])
        groups = {
            f"In place when CTDC began ({start})": [s for s in rows if s.kind == "in place"],
            "Later": [s for s in rows if s.kind == "later"],
            NOT_FOUND.capitalize(): [s for s in rows if s.kind == "unknown"],
        }
        lines = [f"- {escape_markdown(check.label)}: **{escape_markdown(answer.text)}** *(your answer)*"]
        for title, members in groups.items():
            if not members:
                continue
            if title == NOT_FOUND.capitalize():
                lines.append(
                    f"- {title}: " + ", ".join(escape_markdown(s.site_name) + correction_link(s.correction) for s in members)
                )
            else:
                shown = (
                    f"{escape_markdown(s.site_name)} {escape_markdown(s.text)} {cite(s.sources)}".rstrip()
                    + correction_link(s.correction)
                    for s in members
                )
                lines.append(f"- {title}: " + "; ".join(shown))
        blocks.append(f"**{escape_markdown(question.label)}**\n\n" + "\n".join(lines))
    return "\n\n".join(blocks)


@page_cache()
def self_check_view(catalog: Catalog, filters: F.Filters, check: SelfCheck, repository: str | None = None) -> SelfCheckView:
    """The person's answers on the Key years chart beside the sites in view, and where each site stood
    on the same questions when the program began (its first year; the year the chart's shading starts);
    with a ``repository``, each site's value links to suggest a correction to its record."""
    years = year_frame(catalog, filters)
    asked = years[years["metric"].isin([q.metric for q in QUESTIONS])]
    linked = metric_corrections(catalog, asked, repository)
    period = program_period(catalog)
    start = period[0] if period else int(pd.Timestamp.now().year)
    labels = dict(zip(asked["metric"], asked["metric_label"]))
    frame = pd.concat([your_rows(check, labels), asked], ignore_index=True)
    yours = "diamonds" if any(a.year is not None for a in check.answers) else "none plotted yet"
    alt_text = (
        f"{year_alt_text(asked, False, period)} The first row, {check.label}, holds your answers ({yours}), not sourced values."
    )
    table = standings(linked, start)
    summary = summary_sentence(check, table, start)
    sources = numbered_sources(catalog, {s for rows in table.values() for r in rows if r.kind != "unknown" for s in r.sources})
    chart = chart_view(
        "Your place beside the sites",
        escape_markdown(summary),
        year_chart(frame, False, period),
        shown_table(pd.concat([your_rows(check, labels), linked], ignore_index=True).fillna({CORRECTION_COLUMN: ""})),
        "self-check-key-years",
        alt_text,
        note="Marks left of the shaded band were in place before CTDC began. Your answers are drawn as diamonds.",
    )
    return SelfCheckView(
        chart,
        escape_markdown(summary),
        _began_markdown(check, table, start, citer(sources)),
        sources_markdown(sources),
        self_check_table(check, table, start),
    )

"""The self-check: answers read from a link (any case, hostile values ignored with a notice) and written
back as the shortest link, the sites' standing when CTDC began computed from the cited key years, and
the page's round trip: answers given in the form travel in the share link and the link reopens the
same answers and the same chart."""

from __future__ import annotations

import json
import urllib.parse

import pyarrow as pa
import pytest

from conftest import chart_protos, open_app, page_text, script
from dashboard import constants
from dashboard.state.filters import Filters
from dashboard.views import self_check
from dashboard.views.metrics import key_years
from dashboard.views.self_check import NO, UNANSWERED, YES, Answer, SelfCheck

THIS_YEAR = 2026
PAGE = script("ecosystem")


def answers(**by_param: Answer) -> tuple[Answer, ...]:
    return tuple(by_param.get(q.param, Answer()) for q in self_check.QUESTIONS)


# ---------------------------------------------------------------- reading and writing the link


def test_a_link_is_read_in_any_case_and_written_back_in_one_form():
    check, ignored = self_check.read_self_check(
        {"my_place": "  Riverton \n City ", "my_nnip": "2012", "my_brigade": " YES ", "my_policy": "No", "my_wwc": None},
        THIS_YEAR,
    )
    assert ignored == {}
    assert check.place == "Riverton City"
    assert check.answers == answers(my_nnip=Answer(YES, 2012), my_brigade=Answer(YES), my_policy=Answer(NO))
    assert check.params() == {"my_place": "Riverton City", "my_nnip": "2012", "my_brigade": "yes", "my_policy": "no"}
    again, _ = self_check.read_self_check(check.params(), THIS_YEAR)
    assert again == check


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "1899", str(THIS_YEAR + 1), "20 12", "maybe", "x" * 10_000, "12"])
def test_an_unusable_answer_is_ignored_with_a_notice(value):
    check, ignored = self_check.read_self_check({"my_portal": value, "my_wwc": "2018"}, THIS_YEAR)
    assert ignored == {"my_portal": value}
    assert check.answers == answers(my_wwc=Answer(YES, 2018))


def test_a_place_name_is_cut_and_cleaned_but_kept_as_text():
    hostile = "<img src=x onerror=alert(1)>\x00[link](javascript:alert(1))" + "x" * 200
    place = self_check.clean_place(hostile)
    assert len(place) == self_check.MAX_PLACE
    assert "\x00" not in place
    assert place.startswith("<img src=x")
    assert self_check.clean_place(None) == ""
    assert self_check.clean_place(["a"]) == ""


@pytest.mark.parametrize(
    ("choice", "year", "expected"),
    [
        ("Yes", 2010.0, Answer(YES, 2010)),
        ("Yes", None, Answer(YES)),
        ("No", 2010.0, Answer(NO)),  # a year given with "No" is dropped
        ("Not answered", 2010.0, Answer(YES, 2010)),  # a year alone means yes
        ("Not answered", None, Answer(UNANSWERED)),
        (None, None, Answer(UNANSWERED)),
    ],
)
def test_form_answers(choice, year, expected):
    assert self_check.answer_from_form(choice, year) == expected


# ---------------------------------------------------------------- the sites when CTDC began


def test_standings_follow_the_cited_key_years(catalog):
    years = key_years.year_frame(catalog, Filters())
    table = self_check.standings(years, 2014)
    assert set(table) == {q.metric for q in self_check.QUESTIONS}
    for metric, rows in table.items():
        frame = years[years["metric"] == metric].set_index("site_name")
        for standing in rows:
            row = frame.loc[standing.site_name]
            if not row["known"]:
                assert standing.kind == "unknown"
                assert standing.text == "not found in sources"
            else:
                assert standing.year == int(row["numeric"])
                assert standing.sources == tuple(row["sources"])
                assert standing.kind == ("in place" if standing.year <= 2014 else "later")
    counts = self_check.in_place_counts(table)
    assert set(counts) == set(years["site_name"])
    expected = {
        name: int(((group["known"]) & (group["numeric"] <= 2014)).sum())
        for name, group in years[years["metric"].isin([q.metric for q in self_check.QUESTIONS])].groupby("site_name")
    }
    assert counts == expected


def test_the_view_marks_the_answers_as_theirs_and_cites_the_sites(catalog):
    check = SelfCheck("Riverton", answers(my_nnip=Answer(YES, 2012), my_policy=Answer(NO)))
    view = self_check.self_check_view(catalog, Filters(), check)
    spec = view.chart.spec
    shapes = next(layer["encoding"]["shape"] for layer in spec["layer"] if "shape" in layer.get("encoding", {}))
    assert constants.YOUR_ANSWER in shapes["scale"]["domain"]
    assert "Riverton: 1 of 6 in place, by your answers" in view.summary.replace("\\", "")
    assert "Riverton (your answers)" in set(view.chart.table["site"])
    assert "*(your answer)*" in view.began
    assert ":small[Sources: [\\[1\\]](http" in view.began
    table = view.table
    mine = table[table["basis"] == constants.YOUR_ANSWER]
    assert list(mine["answer or standing"][:2]) == ["yes, since 2012", "not answered"]
    assert (mine["sources"] == "").all()
    assert (table.loc[table["basis"] == "sources", "sources"] != "").sum() > 20
    nothing = self_check.self_check_view(catalog, Filters(), SelfCheck())
    unanswered = next(layer["encoding"]["shape"] for layer in nothing.chart.spec["layer"] if "shape" in layer.get("encoding", {}))
    assert "Answer the questions" in nothing.summary
    assert unanswered["scale"]["domain"] == ["confirmed", "single-source"]


# ---------------------------------------------------------------- the page, through its link


def links_on_page(at) -> list[str]:
    """The copyable links of the page: the one under the form and the sidebar's share link."""
    return [code.value for code in at.code]


def query_of(link: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(link.split("?", 1)[1]) if "?" in link else {}


def self_check_chart(at):
    (proto,) = chart_protos(at)
    return proto


def test_each_answer_moves_the_links_at_once():
    at = open_app(PAGE, {"ecosystem_tab": "Self-check"})
    at.radio(key="my_brigade_choice").set_value("Yes").run()
    assert [query_of(link) for link in links_on_page(at)] == [{"ecosystem_tab": ["Self-check"], "my_brigade": ["yes"]}] * 2
    at.number_input(key="my_brigade_year").set_value(2013).run()
    assert query_of(links_on_page(at)[-1]) == {"ecosystem_tab": ["Self-check"], "my_brigade": ["2013"]}
    assert not at.get("form")  # no button to press first: the answers are not held back in a form


def test_answers_in_the_form_travel_in_the_link_and_the_link_reopens_them():
    at = open_app(PAGE, {"ecosystem_tab": "Self-check"})
    at.text_input(key="my_place").input("Riverton <b>bold</b>")
    at.radio(key="my_nnip_choice").set_value("Yes")
    at.number_input(key="my_nnip_year").set_value(2011)
    at.radio(key="my_portal_choice").set_value("No")
    at.number_input(key="my_wwc_year").set_value(2019)  # a year alone means yes
    at.run()
    assert not at.exception
    on_page, shared = links_on_page(at)
    assert on_page == shared  # the page's link and the sidebar's are built the same way
    query = query_of(shared)
    assert query == {
        "ecosystem_tab": ["Self-check"],
        "my_place": ["Riverton <b>bold</b>"],
        "my_nnip": ["2011"],
        "my_portal": ["no"],
        "my_wwc": ["2019"],
    }
    chart = self_check_chart(at)
    assert "<b>" not in "\n".join(m.value for m in at.markdown).replace("\\<b\\>", "")  # the name is shown as text

    reopened = open_app(PAGE, {k: v[-1] for k, v in query.items()})
    assert reopened.text_input(key="my_place").value == "Riverton <b>bold</b>"
    assert reopened.radio(key="my_nnip_choice").value == "Yes"
    assert reopened.number_input(key="my_nnip_year").value == 2011
    assert reopened.radio(key="my_portal_choice").value == "No"
    assert reopened.radio(key="my_wwc_choice").value == "Yes"
    assert links_on_page(reopened) == [on_page, on_page]
    again = self_check_chart(reopened)
    assert json.loads(again.spec) == json.loads(chart.spec)
    assert [d.data.data for d in again.datasets] == [d.data.data for d in chart.datasets]


def test_a_link_with_answers_opens_the_self_check_and_ignores_what_it_cannot_read():
    at = open_app(PAGE, {"my_nnip": "1995", "my_wwc": "<script>alert(1)</script>", "my_place": "Riverton"})
    assert [t.label for t in at.tabs] == ["Map your network", "Self-check"]
    text = page_text(at)
    assert "Ignored unknown my_wwc in the link" in text
    assert "<script>" not in "\n".join(m.value for m in at.markdown)
    assert at.number_input(key="my_nnip_year").value == 1995
    assert at.radio(key="my_wwc_choice").value == "Not answered"
    assert "Riverton: 1 of 6 in place, by your answers" in text
    assert query_of(at.code[-1].value) == {"ecosystem_tab": ["Self-check"], "my_place": ["Riverton"], "my_nnip": ["1995"]}


def chart_sites(proto) -> set[str]:
    """The site names in a chart's datasets."""
    frames = [pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in proto.datasets]
    return {name for frame in frames if "site_name" in frame for name in frame["site_name"].dropna()}


def test_the_filters_narrow_the_sites_beside_the_answers():
    at = open_app(PAGE, {"my_nnip": "2000", "my_place": "Riverton", "role": "learning"})
    sites = chart_sites(self_check_chart(at))
    assert sites == {"Riverton (your answers)", "Cleveland", "Pittsburgh", "San Antonio", "Seattle / King County"}
    assert "Boston" not in page_text(at).split("When CTDC began", 1)[1]


def test_the_metrics_page_links_to_the_self_check():
    at = open_app(script("metrics"))
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert any("self-check" in label.lower() for label in links)

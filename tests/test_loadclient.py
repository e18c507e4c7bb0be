"""The benchmark's protocol-level client: links, percentiles, the frontend's message cache, and reruns against a real
``streamlit run`` server of the app."""

from __future__ import annotations

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from conftest import run_async
from scripts import loadclient as lc


@pytest.mark.parametrize(
    "text, page, query",
    [
        ("/", "", ""),
        ("/map", "map", ""),
        ("site?site=st-louis", "site", "site=st-louis"),
        ("/?sites=St.+Louis&sites=Boston", "", "sites=St.+Louis&sites=Boston"),
    ],
)
def test_link_parse_and_text_round_trip(text, page, query):
    link = lc.Link.parse(text)
    assert (link.page, link.query) == (page, query)
    assert lc.Link.parse(str(link)) == link


def test_query_repeats_list_values():
    assert lc.query(sites=["St. Louis", "Washington, DC"], role="learning") == (
        "sites=St.+Louis&sites=Washington%2C+DC&role=learning"
    )


def test_percentile_interpolates_between_ranks():
    assert lc.percentile([5, 1, 4, 2, 3], 50) == 3
    assert lc.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert lc.percentile([7], 95) == 7


def cacheable(hash_: str) -> ForwardMsg:
    msg = ForwardMsg(hash=hash_)
    msg.metadata.cacheable = True
    return msg


def test_message_cache_keeps_used_messages_and_ages_out_the_rest():
    cache = lc.MessageCache()
    cache.note(cacheable("a"))
    cache.note(cacheable("b"))
    cache.note(ForwardMsg(hash="not-cacheable"))
    assert cache.hashes() == ["a", "b"]
    for _ in range(cache.max_age):
        cache.finished()
        cache.note(ForwardMsg(ref_hash="a"))  # the server referred to "a" again: it stays fresh
    cache.finished()
    assert cache.hashes() == ["a"]


def drawing(element_kind: str, hash_: str = "") -> ForwardMsg:
    msg = cacheable(hash_) if hash_ else ForwardMsg()
    getattr(msg.delta.new_element, element_kind).SetInParent()
    return msg


def test_a_reference_counts_as_the_element_it_points_to():
    cache = lc.MessageCache()
    assert cache.note(drawing("vega_lite_chart", "chart")) == lc.Shown("vega_lite_chart")
    assert cache.note(ForwardMsg(ref_hash="chart")) == lc.Shown("vega_lite_chart")
    assert cache.note(ForwardMsg(ref_hash="never-seen")) is None
    for _ in range(cache.max_age + 1):
        cache.finished()
    assert cache.elements == {}  # forgotten with the message it belongs to


def test_alerts_are_shown_by_their_kind_with_their_text_and_widgets_with_their_id():
    alert = ForwardMsg()
    alert.delta.new_element.alert.body = "row 3: unknown type"
    alert.delta.new_element.alert.format = Alert.ERROR
    assert lc._shown(alert) == lc.Shown("error", "row 3: unknown type")
    uploader = ForwardMsg()
    uploader.delta.new_element.file_uploader.id = "$$ID-abc-ecosystem_files"
    assert lc._shown(uploader) == lc.Shown("file_uploader", "$$ID-abc-ecosystem_files")
    assert lc._shown(ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)) is None
    rerun = lc.Rerun(lc.Link(), 1.0, 10, 2, shown=(lc._shown(alert), lc._shown(uploader), lc._shown(alert)))
    assert rerun.count("error") == 2
    assert rerun.texts("file_uploader") == ["$$ID-abc-ecosystem_files"]


def test_the_uploader_is_found_by_its_key_and_never_guessed():
    session = lc.Session("http://127.0.0.1:9")
    shown = (lc.Shown("file_uploader", "$$ID-1-first"), lc.Shown("file_uploader", "$$ID-2-second"))
    session.last = lc.Rerun(lc.Link(), 1.0, 10, 2, shown=shown)
    assert session.uploader_id("second") == "$$ID-2-second"
    with pytest.raises(LookupError):
        session.uploader_id()  # two on the page, no key
    with pytest.raises(LookupError):
        session.uploader_id("third")


def test_a_session_pauses_between_reruns_only_as_long_as_still_needed():
    session = lc.Session("http://127.0.0.1:9", pause_s=0.1)
    assert session.pause_left(now=50.0) == 0.0  # nothing ran yet
    session.finished_at = 50.0
    assert session.pause_left(now=50.0) == pytest.approx(0.1)
    assert session.pause_left(now=50.04) == pytest.approx(0.06)
    assert session.pause_left(now=51.0) == 0.0
    unpaused = lc.Session("http://127.0.0.1:9")
    unpaused.finished_at = 50.0
    assert unpaused.pause_left(now=50.0) == 0.0


def test_exception_and_missing_page_are_errors():
    raised = ForwardMsg()
    raised.delta.new_element.exception.type = "ValueError"
    raised.delta.new_element.exception.message = "bad"
    assert lc._problem(raised) == "exception: ValueError: bad"
    missing = ForwardMsg()
    missing.page_not_found.page_name = "nope"
    assert "page not found" in lc._problem(missing)
    assert lc._problem(ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)) is None


def test_first_visit_then_later_reruns_send_cached_references(server_url):
    first, later = run_async(lc.page_reruns(server_url, lc.Link("map"), 2))
    assert first.error is None
    assert all(r.error is None for r in later)
    # the tab keeps the blocks it has seen: later reruns send references to them, not the blocks again
    assert all(r.bytes < first.bytes for r in later)
    assert all(r.bytes < 20_000 for r in later)


def test_a_link_with_filters_reaches_its_page(server_url):
    link = lc.Link("site", lc.query(site="boston", role="implementation"))
    first, later = run_async(lc.page_reruns(server_url, link, 1))
    assert first.error is None
    assert later[0].error is None


def test_an_unknown_page_is_reported_as_an_error(server_url):
    first, _ = run_async(lc.page_reruns(server_url, lc.Link("no-such-page"), 0))
    assert first.error is not None
    assert "page not found" in first.error


def test_load_counts_every_rerun_of_every_visitor(server_url):
    links = [lc.Link(), lc.Link("themes"), lc.Link("library")]
    result = run_async(lc.run_load(server_url, links, users=3, reruns=2))
    assert len(result.reruns) == 6
    assert result.errors == 0
    assert result.throughput > 0
    assert result.p(50) > 0
    assert {r.link for r in result.reruns} == set(links)
    assert result.replicas == {}
    assert result.unsticky == 0  # no load balancer in front: no replica header

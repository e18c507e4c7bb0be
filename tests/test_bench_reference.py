"""The benchmark's reference pages: the page of 30 fixed Markdown blocks, the generator that replays a recorded
page's elements from constants (tested on first visits of three pages recorded from the app), and the report's
rows for them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

from conftest import ROOT, run_async, streamlit_server
from scripts.bench import recording, reference
from scripts.bench.check import checks
from scripts.bench.measure import BLOCKS, BLOCKS_SOURCE, REFERENCE
from scripts.bench.report import markdown

RECORDED = ROOT / "tests" / "fixtures" / "bench" / "recorded_pages.txt"


@pytest.fixture(scope="module")
def recordings() -> dict[str, recording.Recording]:
    return recording.load_recordings(RECORDED.read_text(encoding="utf-8"))


def test_reference_page_writes_the_stated_number_of_fixed_blocks():
    first, second = AppTest.from_string(BLOCKS_SOURCE).run(), AppTest.from_string(BLOCKS_SOURCE).run()
    texts = [block.value for block in first.markdown]
    assert len(texts) == BLOCKS == 30
    assert len(set(texts)) == BLOCKS
    assert texts == [block.value for block in second.markdown]  # fixed: the same on every run


def test_recordings_read_back_as_written(recordings):
    assert list(recordings) == ["Map", "Your ecosystem", "Partner networks"]
    assert [str(r.link) for r in recordings.values()] == ["/map", "/ecosystem", "/networks"]
    again = recording.load_recordings(recording.dump_recordings(recordings))
    assert {name: r.messages for name, r in again.items()} == {name: r.messages for name, r in recordings.items()}


def test_the_tree_holds_every_recorded_element_and_container_at_its_path(recordings):
    messages = recordings["Partner networks"].messages
    roots = reference.element_tree(messages)
    assert set(roots) == {reference.MAIN, reference.SIDEBAR, reference.EVENT}
    for path, kind, _ in recording.element_sizes(messages):
        node = roots[path[0]]
        for index in path[1:]:
            node = node.children[index]
        found = node.element.WhichOneof("type") if node.element else "block:" + node.block.WhichOneof("type")
        assert found == kind


@pytest.mark.parametrize(
    "widget_id, key",
    [("$$ID-8b9634b60d078cad259e2ad88d08b2a2-sites", "sites"), ("$$ID-53b5c8-download-map-sites", "download-map-sites"),
     ("$$ID-53b5c8-None", None), ("", None)],
)  # fmt: skip
def test_a_widget_keeps_the_key_its_id_names(widget_id, key):
    assert reference.user_key(widget_id) == key


def test_the_generated_app_has_every_page_and_a_call_per_recorded_element(recordings):
    files = reference.reference_sources(recordings)
    pages = sorted(name for name in files if name.startswith(reference.PAGES_FOLDER + "/"))
    assert len(pages) == 8  # the app's eight pages, each a script file: replayed or (not recorded) empty
    calls = [
        node.func.attr
        for name in [reference.APP_FILE, *pages]
        for node in ast.walk(ast.parse(files[name]))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "st"
    ]
    recorded = [kind for r in recordings.values() for _, kind, _ in recording.element_sizes(r.messages)]
    assert calls.count("pydeck_chart") == recorded.count("deck_gl_json_chart") == 1
    assert calls.count("vega_lite_chart") == recorded.count("vega_lite_chart") == 1
    assert calls.count("dataframe") == recorded.count("dataframe") == 1
    assert calls.count("file_uploader") == recorded.count("file_uploader") == 1
    assert calls.count("page_link") == recorded.count("page_link")
    assert calls.count("markdown") + calls.count("caption") == recorded.count("markdown")
    assert calls.count("expander") == recorded.count("block:expandable")
    assert calls.count("tabs") == recorded.count("block:tab_container")
    assert calls.count("Page") == 8
    # tables, specs and maps are built once, in the data module, from recorded constants
    constants = [n for n in ast.parse(files[reference.DATA_FILE]).body if isinstance(n, ast.Assign)]
    assert [n.targets[0].id for n in constants] == ["PAGES", "C0", "C1", "C2"]  # type: ignore[attr-defined]


def test_an_element_the_generator_cannot_replay_is_named():
    recorded = recording.load_recordings(RECORDED.read_text(encoding="utf-8"))
    odd = ForwardMsg()
    odd.metadata.delta_path[:] = [0, 99]
    odd.delta.new_element.plotly_chart.spec = "{}"
    messages = (*recorded["Map"].messages, odd)
    with pytest.raises(reference.UnsupportedElement, match="plotly_chart"):
        reference.reference_sources({"Map": recording.Recording(recorded["Map"].link, messages)})


def test_the_reference_app_sends_the_recorded_elements_at_their_sizes(recordings, tmp_path: Path):
    script = reference.write_reference(recordings, tmp_path)
    with streamlit_server(script) as url:
        replayed = run_async(recording.record(url, {name: r.link for name, r in recordings.items()}))
    for name, recorded in recordings.items():
        wanted = {path: (kind, size) for path, kind, size in recording.element_sizes(recorded.messages)}
        got = {path: (kind, size) for path, kind, size in recording.element_sizes(replayed[name].messages)}
        assert {p: k for p, (k, _) in got.items()} == {p: k for p, (k, _) in wanted.items()}, name
        for path, (kind, size) in wanted.items():
            assert abs(got[path][1] - size) <= max(30, size * 0.05), (name, path, kind, size, got[path][1])


def figures(p50: float, cpu: float, first: float) -> dict:
    return {
        "p50_ms": p50, "p95_ms": p50 * 1.3, "server_cpu_ms_per_rerun": cpu, "first_visit_ms": first,
        "first_visit_cpu_ms": cpu * 2, "first_visit_bytes": 8157, "later_rerun_bytes": 8159,
        "later_rerun_max_bytes": 8159, "later_rerun_messages": 34, "errors": 0, "error_sample": None,
    }  # fmt: skip


def test_report_and_targets_put_each_page_beside_its_own_reference():
    page, own = figures(13.0, 11.0, 30.0), figures(10.0, 8.0, 20.0)
    row = {**page, "hello_p50_ms": 3.9, "ratio": 3.33, "own_reference": own,
           "vs_reference": {"rerun": 1.3, "cpu": 1.38, "first_visit": 1.5, "first_visit_cpu": 1.38}}  # fmt: skip
    results = {
        "pages": {
            "rounds": 30, "first_visits": 5, "pages": {"Map": row},
            "reference": {**figures(9.0, 6.0, 7.0), "hello_p50_ms": 3.7, "ratio": 2.43}, "hello": figures(3.7, 3.3, 5.0),
        }
    }  # fmt: skip
    found = {check.name: check for check in checks(results)}
    assert found["Map: one visitor's rerun p50"].ok is True  # 1.3x: at the target
    assert found["Map: first visit"].ok is False  # 1.5x
    report = markdown(results, list(found.values()))
    versus = next(chunk for chunk in report.split("\n\n") if chunk.startswith("| page | rerun p50 ms: page / reference"))
    assert versus.splitlines()[2].split(" | ")[1:4] == ["13.0 / 10.0", "1.3", "11.0 / 8.0"]
    table = next(chunk for chunk in report.split("\n\n") if chunk.startswith("| page | rerun p50 ms | p95"))
    rows = table.splitlines()[2:]
    assert [r.split(" | ")[0] for r in rows] == ["| Map", f"| {REFERENCE}", "| hello-world"]
    assert rows[1].split(" | ")[4] == "2.43"
    assert rows[2].split(" | ")[3:5] == ["", ""]

"""The benchmark's reference page: as many fixed Markdown blocks as it says, and the report's row for it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from scripts.bench.measure import BLOCKS, BLOCKS_SOURCE, REFERENCE
from scripts.bench.report import markdown


def test_reference_page_writes_the_stated_number_of_fixed_blocks():
    first, second = AppTest.from_string(BLOCKS_SOURCE).run(), AppTest.from_string(BLOCKS_SOURCE).run()
    texts = [block.value for block in first.markdown]
    assert len(texts) == BLOCKS == 30
    assert len(set(texts)) == BLOCKS
    assert texts == [block.value for block in second.markdown]  # fixed: the same on every run


def test_report_lists_the_reference_between_the_pages_and_hello_world():
    figures = {
        "p50_ms": 11.0, "p95_ms": 14.0, "server_cpu_ms_per_rerun": 7.0, "first_visit_ms": 10.5,
        "first_visit_bytes": 8157, "later_rerun_bytes": 8159, "later_rerun_messages": 34, "errors": 0,
    }  # fmt: skip
    paired = {**figures, "hello_p50_ms": 3.9, "ratio": 2.82}
    report = markdown({"pages": {"pages": {"Map": paired}, "reference": paired, "hello": figures}}, [])
    table = next(chunk for chunk in report.split("\n\n") if chunk.startswith("| page |"))
    rows = table.splitlines()[2:]
    assert [row.split(" | ")[0] for row in rows] == ["| Map", f"| {REFERENCE}", "| hello-world"]
    assert rows[1].split(" | ")[4] == "2.82"
    assert rows[2].split(" | ")[3:5] == ["", ""]

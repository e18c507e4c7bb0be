"""Unit tests of the UI helpers that work without a running page: data-edit detection and the memo store."""

from __future__ import annotations


from dashboard import constants as C
from dashboard import ui


def test_data_edits_are_noticed_after_the_recheck_interval(minimal_copy, monkeypatch):
    monkeypatch.setenv(C.DATA_DIR_ENV, str(minimal_copy))
    catalog, problems = ui.get_catalog()
    assert catalog is not None and not problems
    sites = minimal_copy / C.RECORD_FILES["sites"]
    sites.write_text("- id: [unclosed\n")
    assert ui.get_catalog()[0] is catalog  # within the interval: the files are not looked at again
    monkeypatch.setattr(C, "DATA_RECHECK_SECONDS", 0.0)
    broken, problems = ui.get_catalog()
    assert broken is None and any("malformed YAML" in str(p) for p in problems)


def test_memo_computes_once_per_distinct_arguments():
    calls = []

    def double(frame_like: list, factor: int) -> list:
        calls.append(factor)
        return [x * factor for x in frame_like]

    data = [1, 2]
    assert ui.memo(double, data, 2) is ui.memo(double, data, 2)
    assert ui.memo(double, data, 3) == [3, 6]
    assert calls == [2, 3]

"""Unit tests of the UI helpers that work without a running page: data-edit detection and the memo store."""

from __future__ import annotations

import os

from dashboard import constants as C
from dashboard import ui


def test_data_edits_are_noticed_after_the_recheck_interval(minimal_copy, monkeypatch):
    first = ui._recent_fingerprint(minimal_copy)
    sites = minimal_copy / C.RECORD_FILES["sites"]
    sites.write_text(sites.read_text() + "\n# edited\n")
    os.utime(sites, ns=(1, 1))  # a different modification time whatever the file system's resolution
    assert ui._recent_fingerprint(minimal_copy) == first  # within the interval: not looked at again
    monkeypatch.setattr(C, "DATA_RECHECK_SECONDS", 0.0)
    changed = ui._recent_fingerprint(minimal_copy)
    assert changed != first and f"{C.RECORD_FILES['sites']}:1:" in changed


def test_memo_computes_once_per_distinct_arguments():
    calls = []

    def double(frame_like: list, factor: int) -> list:
        calls.append(factor)
        return [x * factor for x in frame_like]

    data = [1, 2]
    assert ui.memo(double, data, 2) is ui.memo(double, data, 2)
    assert ui.memo(double, data, 3) == [3, 6]
    assert calls == [2, 3]

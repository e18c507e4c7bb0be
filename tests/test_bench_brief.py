"""The benchmark's brief part: it builds every site's brief on both papers and holds the slowest warm build
to the target."""

from __future__ import annotations

from scripts.bench import brief
from scripts.bench.check import checks


def test_every_site_and_paper_is_built_and_timed():
    figures = brief.measure_brief(1)
    assert figures["builds"] == 7 * 2
    assert 0 < figures["p50_ms"] <= figures["max_ms"]
    assert figures["first_ms"] > 0


def test_the_target_is_the_slowest_warm_build():
    figures = {"first_ms": 900.0, "builds": 14, "p50_ms": 90.0}
    (met,) = checks({"brief": {**figures, "max_ms": 400.0}})
    (missed,) = checks({"brief": {**figures, "max_ms": 1200.0}})
    assert met.ok is True
    assert missed.ok is False
    assert "1200.0 ms" in missed.measured

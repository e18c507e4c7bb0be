"""The brief part: every site's PDF brief on each paper size, built in this process as the Site
profile builds it on a click — the first (cold) build, then warm builds — and its target."""

from __future__ import annotations

import time
from typing import Any

from scripts import replicas
from scripts.bench.check import Check
from scripts.bench.measure import med

MAX_BRIEF_MS = 1000.0  # a site's PDF brief, warm


def measure_brief(repeats: int) -> dict[str, Any]:
    """Every site's brief on each paper: the first build (fonts, the network's SVG), then ``repeats`` warm ones."""
    from dashboard.data.loading import load_catalog
    from dashboard.views.site_profile import brief

    catalog = load_catalog(replicas.ROOT / "data")
    sites, papers = list(catalog.sites["id"]), list(brief.PAPERS)
    started = time.perf_counter()
    brief.site_brief(catalog, sites[0], papers[0])
    first_ms = (time.perf_counter() - started) * 1000
    warm: list[float] = []
    for _ in range(repeats):
        for site in sites:
            for paper in papers:
                started = time.perf_counter()
                brief.site_brief(catalog, site, paper)
                warm.append((time.perf_counter() - started) * 1000)
    return {"first_ms": round(first_ms, 1), "builds": len(warm), "p50_ms": round(med(warm), 1), "max_ms": round(max(warm), 1)}


def brief_checks(pdf: dict[str, Any]) -> list[Check]:
    """The brief's target: the slowest warm build under ``MAX_BRIEF_MS``."""
    return [
        Check(
            "a site's brief (PDF), warm: the slowest build",
            f"{pdf['max_ms']} ms (p50 {pdf['p50_ms']} ms, {pdf['builds']} builds; the first, cold: {pdf['first_ms']} ms)",
            f"< {MAX_BRIEF_MS:,.0f} ms",
            pdf["max_ms"] < MAX_BRIEF_MS,
        )
    ]

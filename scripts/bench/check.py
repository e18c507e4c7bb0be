"""The benchmark's targets: each figure against what is wanted, met, missed or not measured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scripts.bench.upload import MAP_ORGANIZATIONS, MAP_TIES

MAX_RERUN_RATIO = 1.2  # one visitor's rerun p50 with the largest uploaded map, x hello-world's
MAX_REFERENCE_RATIO = 1.3  # a page's warm rerun p50 and first visit, x its own reference page's
MIN_REFERENCE_THROUGHPUT_RATIO = 0.6  # N visitors' throughput, x the reference pages' under the same load
MAX_LATER_RERUN_BYTES = 20_000  # bytes sent for a later rerun of a page
MAX_COLD_START_RATIO = 1.5  # server start to first content, x hello-world's
MAX_FIRST_RERUN_S = 5.0  # the first rerun of the largest generated program (loads and validates its data)
MAX_SESSION_MB = 5.0  # server memory per extra session
MAX_SYNTHETIC_MS = 300.0  # every page's rerun at 100x
MIN_REPLICA_RATIO = 1.5  # throughput of 2 replicas, x 1 replica (on 2 cores)
MAX_UPLOAD_MS = 2000.0  # the largest map: from the rerun carrying the files to the network drawn
MAX_KEPT_MB = 50.0  # server memory, after rounds of the largest uploads and their sessions closed, above its start


@dataclass
class Check:
    """One target: what was measured against what was wanted."""

    name: str
    measured: str
    target: str
    ok: bool | None  # None: could not be measured


def checks(results: dict[str, Any]) -> list[Check]:
    """Every target, met or not (``ok`` is None where the figure is missing)."""
    out: list[Check] = []
    pages = results.get("pages")
    if pages:
        for name, page in pages["pages"].items():
            own, ratio = page["own_reference"], page["vs_reference"]
            fine = not page["errors"] and not own["errors"]
            out.append(
                Check(
                    f"{name}: one visitor's rerun p50",
                    f"{page['p50_ms']} ms = {ratio['rerun']}x its reference ({own['p50_ms']} ms)",
                    f"<= {MAX_REFERENCE_RATIO}x",
                    ratio["rerun"] <= MAX_REFERENCE_RATIO and fine,
                )
            )
            out.append(
                Check(
                    f"{name}: first visit",
                    f"{page['first_visit_ms']} ms = {ratio['first_visit']}x its reference ({own['first_visit_ms']} ms)",
                    f"<= {MAX_REFERENCE_RATIO}x",
                    ratio["first_visit"] <= MAX_REFERENCE_RATIO and fine,
                )
            )
            out.append(
                Check(
                    f"{name}: bytes of a later rerun",
                    f"{page['later_rerun_bytes']:,} B",
                    f"<= {MAX_LATER_RERUN_BYTES:,} B",
                    page["later_rerun_bytes"] <= MAX_LATER_RERUN_BYTES,
                )
            )
    load = results.get("load")
    if load:
        out.append(Check(f"{load['users']} visitors: errors", str(load["app"]["errors"]), "0", load["app"]["errors"] == 0))
        own = load.get("references")
        wanted = f">= {MIN_REFERENCE_THROUGHPUT_RATIO}x the reference pages'"
        if own is None:
            out.append(Check(f"{load['users']} visitors: throughput", "reference pages not loaded", wanted, None))
        else:
            ratio = load["app"]["throughput_per_s"] / own["throughput_per_s"]
            out.append(
                Check(
                    f"{load['users']} visitors: throughput",
                    f"{load['app']['throughput_per_s']}/s = {ratio:.2f}x the reference pages' ({own['throughput_per_s']}/s)",
                    wanted,
                    ratio >= MIN_REFERENCE_THROUGHPUT_RATIO,
                )
            )
    upload = results.get("upload")
    if upload is not None:
        out.extend(upload_checks(upload))
    returns = results.get("upload-memory")
    if returns is not None:
        out.extend(upload_memory_checks(returns))
    cold = results.get("cold")
    if cold is not None:
        if "error" in cold:
            out.append(Check("cold start to first content", cold["error"], f"<= {MAX_COLD_START_RATIO}x", None))
        else:
            out.append(
                Check(
                    "cold start to first content",
                    f"{cold['app']['first_content_s']} s = {cold['ratio']}x hello-world",
                    f"<= {MAX_COLD_START_RATIO}x",
                    cold["ratio"] <= MAX_COLD_START_RATIO,
                )
            )
    memory = results.get("memory")
    if memory:
        per = memory["app"]["per_extra_session_mb"]
        out.append(
            Check(
                "memory per extra session",
                f"{per} MB",
                f"<= {MAX_SESSION_MB:g} MB",
                per <= MAX_SESSION_MB and not memory["app"]["errors"],
            )
        )
    synthetic = results.get("synthetic")
    if synthetic:
        out.extend(_synthetic_checks(synthetic))
    scale = results.get("replicas")
    if scale is not None:
        if "error" in scale:
            out.append(Check("2 replicas vs 1", scale["error"], f">= {MIN_REPLICA_RATIO}x", None))
        else:
            errors = scale["1 replica"]["errors"] + scale["2 replicas"]["errors"]
            unsticky = scale["1 replica"]["unsticky_visitors"] + scale["2 replicas"]["unsticky_visitors"]
            out.append(Check("replicas: errors", str(errors), "0", errors == 0))
            out.append(Check("replicas: visitors that met two replicas", str(unsticky), "0", unsticky == 0))
            out.append(
                Check(
                    "replicas: throughput, 2 vs 1",
                    f"{scale['ratio']}x",
                    f">= {MIN_REPLICA_RATIO}x",
                    scale["ratio"] >= MIN_REPLICA_RATIO,
                )
            )
    pdf = results.get("brief")
    if pdf:
        from scripts.bench.brief import brief_checks  # the brief part imports Check from here

        out.extend(brief_checks(pdf))
    return out


def upload_checks(upload: dict[str, Any]) -> list[Check]:
    """The upload's targets: the largest map validated and drawn in time, and the page's later reruns with it."""
    what = f"upload of {MAP_ORGANIZATIONS:,} organizations and {MAP_TIES:,} ties"
    if "error" in upload:
        return [Check(f"{what}: validated and drawn", upload["error"], f"< {MAX_UPLOAD_MS:,.0f} ms", None)]
    up, after = upload["upload"], upload["later"]
    return [
        Check(
            f"{what}: validated and drawn",
            f"{up['p50_ms']} ms (median of {upload['repeats']}), {up['errors']} errors",
            f"< {MAX_UPLOAD_MS:,.0f} ms",
            up["p50_ms"] < MAX_UPLOAD_MS and not up["errors"],
        ),
        Check(
            "Your ecosystem with that map: one visitor's rerun p50",
            f"{after['p50_ms']} ms = {after['ratio']}x hello-world",
            f"<= {MAX_RERUN_RATIO}x",
            after["ratio"] <= MAX_RERUN_RATIO and not after["errors"],
        ),
        Check(
            "Your ecosystem with that map: bytes of a later rerun",
            f"{after['later_rerun_bytes']:,} B",
            f"<= {MAX_LATER_RERUN_BYTES:,} B",
            after["later_rerun_bytes"] <= MAX_LATER_RERUN_BYTES,
        ),
    ]


def upload_memory_checks(returns: dict[str, Any]) -> list[Check]:
    """The memory rounds' targets: after every round's sessions closed the server's memory is back within
    ``MAX_KEPT_MB`` of its start, and every round draws each session's map and answers the one past the ceiling
    "busy"."""
    start, rounds, sessions = returns["start_mb"], returns["rounds"], returns["sessions"]
    after = ", ".join(f"{r['after_mb']}" for r in rounds)
    answers = "; ".join(f"{r['drawn']} drawn, {r['busy']} busy, {r['errors']} errors" for r in rounds)
    return [
        Check(
            f"memory {returns['settle_s']:g} s after {sessions} sessions' largest uploads closed, each of {len(rounds)} rounds",
            f"{after} MB from {start} MB",
            f"<= {start} + {MAX_KEPT_MB:g} MB",
            all(r["after_mb"] <= start + MAX_KEPT_MB for r in rounds),
        ),
        Check(
            f"uploads past the ceiling answered busy, {sessions} + 1 per round",
            answers,
            f"{sessions} drawn, 1 busy, 0 errors",
            all((r["drawn"], r["busy"], r["errors"]) == (sessions, 1, 0) for r in rounds),
        ),
    ]


def _synthetic_checks(synthetic: dict[str, Any]) -> list[Check]:
    """The generated programs' targets: no page fails, the largest within time, no page slower than the data grew."""
    out = []
    largest = max(synthetic, key=lambda key: int(key.rstrip("x")))
    for key, run in synthetic.items():
        broken = (
            [name for name, page in run["pages"].items() if page["errors"]]
            + (["data load"] if run["data_load_error"] else [])
            + (["restart"] if run.get("restarted_error") else [])
        )
        out.append(
            Check(f"{key}: pages without errors", ", ".join(broken) + " failed" if broken else "all", "every page", not broken)
        )
    out.append(
        Check(
            f"{largest}: first rerun (data loaded and validated)",
            f"{synthetic[largest]['data_load_s']} s",
            f"<= {MAX_FIRST_RERUN_S:g} s",
            synthetic[largest]["data_load_s"] <= MAX_FIRST_RERUN_S and not synthetic[largest]["data_load_error"],
        )
    )
    for name, page in synthetic[largest]["pages"].items():
        out.append(
            Check(
                f"{largest}: {name} rerun",
                f"{page['p50_ms']} ms",
                f"<= {MAX_SYNTHETIC_MS:g} ms",
                page["p50_ms"] <= MAX_SYNTHETIC_MS and not page["errors"],
            )
        )
    sizes = sorted(synthetic, key=lambda key: int(key.rstrip("x")))
    if len(sizes) >= 2:
        small, big = sizes[-2], sizes[-1]
        factor = int(big.rstrip("x")) / int(small.rstrip("x"))
        for name in synthetic[big]["pages"]:
            grew = synthetic[big]["pages"][name]["p50_ms"] / synthetic[small]["pages"][name]["p50_ms"]
            out.append(
                Check(
                    f"{small} -> {big}: {name} growth", f"{grew:.1f}x for {factor:g}x the data", f"<= {factor:g}x", grew <= factor
                )
            )
    return out

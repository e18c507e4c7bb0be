"""The benchmark's report: the measured figures as Markdown tables, then every target."""

from __future__ import annotations

from typing import Any

from scripts.bench.check import Check
from scripts.bench.measure import REFERENCE
from scripts.bench.profile import TOP


def _upload_markdown(upload: dict[str, Any] | None) -> list[str]:
    """The upload's table (no lines when it was not run or could not be)."""
    if not upload or "error" in upload:
        return []
    up, after = upload["upload"], upload["later"]
    files = ", ".join(f"{name} {size:,} B" for name, size in upload["files_bytes"].items())
    return [
        f"### Your ecosystem: an upload of {upload['organizations']:,} organizations and {upload['ties']:,} ties",
        "",
        f"Generated files (fictional): {files}. Uploaded {upload['repeats']} times, each in a fresh session on a warm "
        "server, after one upload not counted; the later reruns are one visitor's, with that map loaded, each right "
        "after a rerun of hello-world.",
        "",
        "| step | p50 ms | p95 ms (uploads: min–max) | hello-world p50, same rounds | × hello-world | bytes | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| ask for the upload URLs, send both files | {up['send_p50_ms']} | max {up['send_max_ms']} |  |  |  |  |",
        f"| upload rerun: files read, validated, measured and drawn | {up['p50_ms']} | {up['min_ms']}–{up['max_ms']} |  |  | "
        f"{up['bytes']:,} | {up['errors']} |",
        f"| later rerun with the map loaded | {after['p50_ms']} | {after['p95_ms']} | {after['hello_p50_ms']} | "
        f"{after['ratio']} | {after['later_rerun_bytes']:,} | {after['errors']} |",
        "",
    ]


def _upload_memory_markdown(returns: dict[str, Any] | None) -> list[str]:
    """The memory rounds' table (no lines when they were not run)."""
    if not returns:
        return []
    lines = [
        f"### Server memory: rounds of {returns['sessions']} sessions each uploading the largest map, then closed",
        "",
        f"A fresh server; its resident memory after a first visit of Your ecosystem: {returns['start_mb']} MB. Each round "
        f"{returns['sessions']} sessions upload the map and keep it, one more tries while they hold theirs, then all close; "
        f"the memory is read {returns['settle_s']:g} s later.",
        "",
        "| round | peak MB | MB after close | above start MB | drawn | busy | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for number, r in enumerate(returns["rounds"], 1):
        lines.append(
            f"| {number} | {r['peak_mb']} | {r['after_mb']} | {r['after_mb'] - returns['start_mb']:.1f} | {r['drawn']} | "
            f"{r['busy']} | {r['errors']} |"
        )
    return [*lines, ""]


def _versus_markdown(pages: dict[str, Any]) -> list[str]:
    """Each page beside its own reference page: times, CPU and bytes, and the page's as multiples."""
    lines = [
        "### Each page beside its own reference page (the same elements from constants, in the same run)",
        "",
        f"Later reruns: p50 of {pages['rounds']} paired rounds; first visits: median of {pages['first_visits']} fresh "
        "sessions each; server CPU: ms per rerun or visit.",
        "",
        "| page | rerun p50 ms: page / reference | × | CPU per rerun ms: page / reference | × | "
        "first visit ms: page / reference | × | CPU per first visit ms: page / reference | × | "
        "later rerun bytes: page / reference | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, p in pages["pages"].items():
        own, ratio = p["own_reference"], p["vs_reference"]
        lines.append(
            f"| {name} | {p['p50_ms']} / {own['p50_ms']} | {ratio['rerun']} | "
            f"{p['server_cpu_ms_per_rerun']} / {own['server_cpu_ms_per_rerun']} | {ratio['cpu']} | "
            f"{p['first_visit_ms']} / {own['first_visit_ms']} | {ratio['first_visit']} | "
            f"{p['first_visit_cpu_ms']} / {own['first_visit_cpu_ms']} | {ratio['first_visit_cpu']} | "
            f"{p['later_rerun_bytes']:,} / {own['later_rerun_bytes']:,} | {p['errors'] + own['errors']} |"
        )
    return [*lines, ""]


def _profile_markdown(profile: dict[str, Any]) -> list[str]:
    """The profile summary: CPU per run by page, then the top entries over all pages (app, then references)."""
    app, own = profile.get("app", {}), profile.get("references", {})
    if "error" in app:
        return ["### Profile", "", app["error"], ""]
    lines = [
        f"### Profile (py-spy, {app['rate']} samples/s, {app['runs_per_page']} runs per page and phase)",
        "",
        "| page | warm rerun CPU ms: page / reference | first visit CPU ms: page / reference |",
        "|---|---:|---:|",
    ]
    for name, phases in app["pages"].items():
        mine = own.get("pages", {}).get(name, {})
        cells = [f"{phases[ph]['cpu_ms_per_run']} / {mine.get(ph, {}).get('cpu_ms_per_run', '')}" for ph in ("warm", "first")]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    lines.append("")
    for phase, label in (("warm", "a warm rerun"), ("first", "a first visit")):
        everything = app["all"][phase]
        lines += [
            f"#### Where {label} goes, all pages ({everything['cpu_ms_per_run']} ms of CPU per run; "
            f"reference pages {own.get('all', {}).get(phase, {}).get('cpu_ms_per_run', '')} ms)",
            "",
            "| share | ms per run | our code (cumulative) | | share | ms per run | where control left our code | "
            "| share | ms per run | self time by function |",
            "|---:|---:|---|---|---:|---:|---|---|---:|---:|---|",
        ]
        for ours, call, function in zip(everything["ours"], everything["calls"], everything["functions"]):
            lines.append(
                f"| {ours['share']:.1%} | {ours['ms_per_run']} | `{ours['frame']}` | | {call['share']:.1%} | "
                f"{call['ms_per_run']} | `{call['frame']}` | | {function['share']:.1%} | {function['ms_per_run']} | "
                f"`{function['frame']}` |"
            )
        libraries = ", ".join(f"{row['frame']} {row['share']:.0%}" for row in everything["libraries"] if row["share"] >= 0.005)
        lines += ["", f"Self time by library: {libraries}.", ""]
    return lines


def _beside(app: dict[str, Any], own: dict[str, Any], view: str, top: int) -> list[str]:
    """Rows of one view under load: the app's top entries by CPU ms per rerun, the reference pages' beside them."""
    theirs = {row["frame"]: row["ms_per_run"] for row in own.get(view, [])}
    lines = []
    for rank, row in enumerate(app[view][:top], 1):
        other = theirs.get(row["frame"], 0.0)
        lines.append(
            f"| {rank} | `{row['frame']}` | {row['ms_per_run']} | {row['share']:.0%} | {other} | "
            f"{row['ms_per_run'] - other:+.2f} |"
        )
    return lines


def _load_profile_markdown(found: dict[str, Any]) -> list[str]:
    """The profile under load: CPU per rerun by whose work it is, and where control left the page's code (the
    app's top entries), app beside the reference pages; then the app's own functions."""
    app, own = found.get("app", {}), found.get("references", {})
    if "error" in app or "error" in own:
        return ["### Profile under load", "", app.get("error") or own["error"], ""]
    header = "| # | {what} | app ms per rerun | app share | reference pages ms per rerun | app − reference |"
    rule = "|---:|---|---:|---:|---:|---:|"
    return [
        f"### Profile under load (py-spy, {app['rate']} samples/s, {app['users']} visitors × {app['reruns_per_user']} "
        f"reruns, {app['rounds']} rounds)",
        "",
        f"Server CPU per rerun: app {app['cpu_ms_per_run']} ms, reference pages {own['cpu_ms_per_run']} ms; "
        f"throughput while sampled: {app['throughput_per_s']} / {own['throughput_per_s']} reruns/s; "
        f"errors {app['errors']} / {own['errors']}.",
        "",
        header.format(what="whose work (the library our code called, or ours)"),
        rule,
        *_beside(app, own, "called", len(app["called"])),
        "",
        header.format(what="where control left the page's code"),
        rule,
        *_beside(app, own, "calls", TOP),
        "",
        "| # | the app's code, cumulative | ms per rerun | share |",
        "|---:|---|---:|---:|",
        *[
            f"| {rank} | `{row['frame']}` | {row['ms_per_run']} | {row['share']:.0%} |"
            for rank, row in enumerate(app["ours"][:TOP], 1)
        ],
        "",
    ]


def markdown(results: dict[str, Any], found: list[Check]) -> str:
    """The report: the measured tables, then every target."""
    lines: list[str] = []
    pages = results.get("pages")
    if pages:
        lines += _versus_markdown(pages)
        lines += [
            "### One visitor, per page, beside hello-world and 30 fixed Markdown blocks (context)",
            "",
            (
                "| page | rerun p50 ms | p95 ms | hello-world p50, same rounds | × hello-world | server CPU per rerun (ms) | "
                "first visit ms | first visit bytes | later rerun bytes | later rerun messages | errors |"
            ),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        rows = [*pages["pages"].items(), (REFERENCE, pages["reference"]), ("hello-world", pages["hello"])]
        for name, p in rows:
            lines.append(
                f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p.get('hello_p50_ms', '')} | {p.get('ratio', '')} | "
                f"{p['server_cpu_ms_per_rerun']} | {p['first_visit_ms']} | {p['first_visit_bytes']:,} | "
                f"{p['later_rerun_bytes']:,} | {p['later_rerun_messages']} | {p['errors']} |"
            )
        lines.append("")
    lines += _upload_markdown(results.get("upload"))
    lines += _upload_memory_markdown(results.get("upload-memory"))
    load, memory, cold = results.get("load"), results.get("memory"), results.get("cold")
    if load or memory or cold:
        lines += [
            "### The server as a whole",
            "",
            "| measure | app | hello-world | app ÷ hello-world | reference pages | app ÷ reference pages |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        if load:
            label = f"{load['users']} visitors × {load['reruns_per_user']} reruns"
            for key, what in (
                ("p50_ms", "rerun p50 (ms)"),
                ("p95_ms", "rerun p95 (ms)"),
                ("throughput_per_s", "throughput (reruns/s)"),
                ("errors", "errors"),
                ("server_cpu_ms_per_rerun", "server CPU per rerun (ms)"),
                ("machine_idle_share", "machine CPU left idle (share)"),
            ):
                a, b = load["app"][key], load["hello"][key]
                ratio = f"{a / b:.2f}" if b and key != "machine_idle_share" else ""
                c = load.get("references", {}).get(key, "")
                own = f"{a / c:.2f}" if c and key != "machine_idle_share" else ""
                lines.append(f"| {label}: {what} | {a} | {b} | {ratio} | {c} | {own} |")
        if cold and "error" not in cold:
            for key in ("health_s", "first_content_s"):
                a, b = cold["app"][key], cold["hello"][key]
                c = cold.get("references", {}).get(key, "")
                own = f"{a / c:.2f}" if c else ""
                what = key.rsplit("_", 1)[0].replace("_", " ")
                lines.append(f"| cold start: server start to {what} (s) | {a} | {b} | {a / b:.2f} | {c} | {own} |")
        if memory:
            a, b = memory["app"], memory["hello"]
            count = memory["sessions"] + 1
            lines.append(f"| server memory, 1 session (MB) | {a['rss_one_session_mb']} | {b['rss_one_session_mb']} | | | |")
            lines.append(
                f"| server memory, {count} sessions (MB) | {a[f'rss_{count}_sessions_mb']} | {b[f'rss_{count}_sessions_mb']} | | | |"
            )
            lines.append(f"| memory per extra session (MB) | {a['per_extra_session_mb']} | {b['per_extra_session_mb']} | | | |")
        lines.append("")
    synthetic = results.get("synthetic")
    if synthetic:
        sizes = sorted(synthetic, key=lambda key: int(key.rstrip("x")))
        base = (pages or {}).get("pages", {})
        header = (
            "| page | "
            + ("1x rerun ms | " if base else "")
            + " | ".join(f"{s} rerun ms | {s} later bytes | {s} errors" for s in sizes)
            + " |"
        )
        lines += ["### Bigger programs (generated, fictional)", "", header, "|---|" + "---:|" * (header.count("|") - 2)]
        for name in synthetic[sizes[0]]["pages"]:
            cells = [str(base[name]["p50_ms"])] if base else []
            for s in sizes:
                p = synthetic[s]["pages"][name]
                cells += [
                    str(p["p50_ms"]),
                    f"{p['later_rerun_bytes']:,}",
                    str(p["errors"]) + (f" ({p['error_sample'][:60]})" if p["errors"] else ""),
                ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        loads = ", ".join(f"{s}: {synthetic[s]['data_load_s']} s" for s in sizes)
        again = ", ".join(f"{s}: {synthetic[s].get('restarted_first_rerun_s', '')} s" for s in sizes)
        lines += [
            "",
            f"First rerun after the server starts, which loads and validates the data: {loads}; "
            f"after a restart over the same files (the validated catalog read back from disk): {again}.",
            "",
        ]
    scale = results.get("replicas")
    if scale and "error" not in scale:
        lines += [
            "### Behind nginx (sticky by cookie)",
            "",
            "| replicas | p50 ms | p95 ms | throughput reruns/s | errors | visitors on two replicas | "
            "servers' CPU per rerun (ms) | machine CPU left idle |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name in ("1 replica", "2 replicas"):
            r = scale[name]
            lines.append(
                f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['throughput_per_s']} | {r['errors']} | "
                f"{r['unsticky_visitors']} | {r['server_cpu_ms_per_rerun']} | {r['machine_idle_share']} |"
            )
        lines += [f"| 2 ÷ 1 | | | {scale['ratio']} | | | | |", ""]
    if results.get("profile"):
        lines += _profile_markdown(results["profile"])
    if results.get("load-profile"):
        lines += _load_profile_markdown(results["load-profile"])
    lines += ["### Targets", "", "| target | measured | wanted | met |", "|---|---|---|:---:|"]
    for check in found:
        verdict = {True: "yes", False: "NO", None: "not measured"}[check.ok]
        lines.append(f"| {check.name} | {check.measured} | {check.target} | {verdict} |")
    return "\n".join(lines)

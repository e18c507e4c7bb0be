"""The benchmark's profile: py-spy's collapsed stacks summed into our functions, where control left our code,
self time by function and by library, and the report's summary of them."""

from __future__ import annotations

from scripts.bench import profile
from scripts.bench.report import markdown

SITE = "/venv/lib/python3.11/site-packages"
APP = f"<module> ({profile.ROOT}/app.py:17)"
SHELL = f"run_app ({profile.ROOT}/src/dashboard/ui/shell.py:314)"
PAGE = f"<module> ({profile.ROOT}/app_pages/home.py:20)"
RUNNER = f"ScriptRunner._run_script ({SITE}/streamlit/runtime/scriptrunner/script_runner.py:961)"
WRAPPER = f"gather_metrics.<locals>.wrapped_func ({SITE}/streamlit/runtime/metrics_util.py:732)"
MARKDOWN = f"MarkdownMixin.markdown ({SITE}/streamlit/elements/markdown.py:303)"
CLEAN = "dedent (/usr/lib/python3.11/textwrap.py:430)"
CACHED = f"CachedFunc.__call__ ({SITE}/streamlit/runtime/caching/cache_utils.py:762)"
UNPICKLE = f"DataCache.read_result ({SITE}/streamlit/runtime/caching/cache_data_api.py:940)"
LOOP = "BaseEventLoop._run_once (/usr/lib/python3.11/asyncio/base_events.py:1922)"
SEND = f"Frame.serialize ({SITE}/websockets/frames.py:300)"

STACKS = {
    ";".join([RUNNER, APP, SHELL, PAGE, WRAPPER, MARKDOWN, CLEAN]): 6,  # st.markdown, in the standard library
    ";".join([RUNNER, APP, SHELL, PAGE, CACHED, UNPICKLE]): 3,  # a cached builder's copy
    ";".join([RUNNER, APP, SHELL]): 1,  # the shell's own line
    ";".join([LOOP, SEND]): 2,  # the server sending a message
    RUNNER: 3,  # the runner before the script
}


def test_each_sample_counts_once_where_control_left_our_code():
    found = profile.Profile()
    found.add(STACKS)
    assert found.samples == 15
    assert found.calls == {
        "MarkdownMixin.markdown (streamlit/elements/markdown.py)": 6,  # past Streamlit's command wrapper
        "CachedFunc.__call__ (streamlit/runtime/caching/cache_utils.py)": 3,
        profile.OUR_LINES: 1,
        profile.IN_SERVER: 2,
        profile.IN_RUNNER: 3,
    }
    assert found.ours["run_app (src/dashboard/ui/shell.py)"] == 10  # cumulative: every sample under it
    assert found.ours["<module> (app_pages/home.py)"] == 9
    assert found.libraries == {"stdlib": 6, "streamlit": 6, "ours": 1, "websockets": 2}
    assert found.called == {"streamlit": 14, "ours": 1}  # markdown, the cache, the server and runner: Streamlit's work
    assert found.functions.most_common(1) == [("dedent (textwrap.py)", 6)]


def test_tables_give_shares_and_ms_per_run_and_the_report_summarises_them():
    found, merged = profile.Profile(), profile.Profile()
    found.add(STACKS)
    merged.merge(found)
    merged.merge(found)
    table = merged.table(runs=3)
    assert table["samples"] == 30
    assert table["cpu_ms_per_run"] == round(30 * 1000 / profile.RATE / 3, 1)
    assert table["calls"][0] == {
        "frame": "MarkdownMixin.markdown (streamlit/elements/markdown.py)",
        "share": 0.4,
        "ms_per_run": round(12 * 1000 / profile.RATE / 3, 2),
    }
    phases = {"warm": found.table(1, top=5), "first": found.table(1, top=5)}
    results = {
        "profile": {
            "app": {"rate": profile.RATE, "runs_per_page": 1, "pages": {"Overview": phases}, "all": phases},
            "references": {"pages": {"Overview": phases}, "all": phases},
        }
    }
    report = markdown(results, [])
    per_run = phases["warm"]["cpu_ms_per_run"]
    assert f"| Overview | {per_run} / {per_run} | {per_run} / {per_run} |" in report
    assert "`MarkdownMixin.markdown (streamlit/elements/markdown.py)`" in report
    assert "Self time by library: stdlib 40%, streamlit 40%, websockets 13%, ours 7%." in report


def test_the_reference_pages_scripts_count_as_a_pages_code():
    reference = "/tmp/ctdc-reference-x"
    stack = ";".join(
        [
            RUNNER,
            f"<module> ({reference}/reference_app.py:3)",
            f"<module> ({reference}/reference_pages/home.py:9)",
            WRAPPER,
            MARKDOWN,
            CLEAN,
        ]
    )
    found = profile.Profile()
    found.add({stack: 4, f"frame ({reference}/reference_data.py:5)": 1})
    assert found.calls["MarkdownMixin.markdown (streamlit/elements/markdown.py)"] == 4
    assert found.ours[f"<module> ({reference}/reference_pages/home.py)"] == 4
    assert found.called == {"streamlit": 5}  # the data module is not a page's code: no frame of ours


def test_the_report_sets_the_load_profile_of_app_and_references_side_by_side():
    app, own = profile.Profile(), profile.Profile()
    app.add(STACKS)
    own.add({";".join([RUNNER, APP, SHELL, PAGE, WRAPPER, MARKDOWN, CLEAN]): 3, ";".join([LOOP, SEND]): 2})
    figures = {"rate": profile.RATE, "users": 30, "reruns_per_user": 6, "rounds": 1, "throughput_per_s": 9.5, "errors": 0}
    results = {
        "load-profile": {
            "app": {**app.table(5, top=profile.LOAD_ROWS), **figures},
            "references": {**own.table(5, top=profile.LOAD_ROWS), **figures},
        }
    }
    report = markdown(results, [])
    assert "Server CPU per rerun: app 3.0 ms, reference pages 1.0 ms" in report
    # markdown: app 6 samples, references 3, over 5 reruns at 1,000 samples/s: 1.2 and 0.6 ms per rerun
    assert "| 1 | `MarkdownMixin.markdown (streamlit/elements/markdown.py)` | 1.2 | 40% | 0.6 | +0.60 |" in report
    assert "| 2 | `ours` | 0.2 | 7% | 0.0 | +0.20 |" in report
    assert "| 3 | `<module> (app_pages/home.py)` | 1.8 | 60% |" in report  # the app's functions alone

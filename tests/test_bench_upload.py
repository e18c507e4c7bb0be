"""The benchmark's upload: the generated map (valid, within the limits, repeatable) and an upload through a real
``streamlit run`` server by the protocol-level client, as the frontend's file uploader sends it."""

from __future__ import annotations

import pytest

from conftest import run_async
from dashboard.upload import example, tables, templates, validation
from scripts import loadclient as lc
from scripts.bench.check import MAX_KEPT_MB, upload_checks, upload_memory_checks
from scripts.bench.upload import MAP_ORGANIZATIONS, MAP_TIES, UPLOAD_KEY, UPLOAD_PAGE, drawn_rerun, map_files, upload_answer

PAGE = lc.Link.parse(UPLOAD_PAGE)


def parsed(files):
    result = validation.parse_upload(files)
    assert result.ok, [str(p) for p in result.problems]
    return result.ecosystem


def test_a_small_generated_map_is_valid_with_every_organization_and_tie():
    files = map_files(40, 100, seed=3)
    assert [name for name, _ in files] == list(templates.TEMPLATE_FILES["csv"])
    ecosystem = parsed(files)
    assert len(ecosystem.organizations) == 40
    assert len(ecosystem.ties) == 100
    assert ecosystem.organizations["name"].str.startswith("Fictional Organization").all()


def test_the_generated_map_is_the_same_for_the_same_seed_only():
    assert map_files(30, 60, seed=5) == map_files(30, 60, seed=5)
    assert map_files(30, 60, seed=5) != map_files(30, 60, seed=6)


def test_too_many_ties_for_the_organizations_are_refused():
    with pytest.raises(ValueError, match="distinct ties"):
        map_files(4, 7)


def test_the_benchmark_map_is_the_largest_allowed_and_each_file_fits_the_upload_limit():
    files = map_files(MAP_ORGANIZATIONS, MAP_TIES)
    assert all(len(data) <= tables.MAX_BYTES for _, data in files)
    ecosystem = parsed(files)
    assert len(ecosystem.organizations) == tables.MAX_ORGANIZATIONS
    assert len(ecosystem.ties) == tables.MAX_TIES


async def _upload(url: str, files: list[tuple[str, bytes]]) -> tuple[lc.Rerun, lc.Upload, lc.Rerun]:
    """The page's first visit, the upload and one later rerun, in one session."""
    async with lc.Session(url) as session:
        before = await session.rerun(PAGE)
        upload = await session.upload(files, UPLOAD_KEY)
        later = await session.rerun(PAGE)
    return before, upload, later


def test_an_uploaded_map_is_read_and_drawn_and_stays_on_later_reruns(server_url):
    before, upload, later = run_async(_upload(server_url, example.example_files()))
    assert before.error is None
    assert before.count("vega_lite_chart") == 0
    drawn = drawn_rerun(upload, before)
    assert drawn.error is None, drawn.error
    assert drawn.count("vega_lite_chart") >= 1
    assert not drawn.texts("error")
    # the uploader's state is sent again, so the map stays; its chart now comes as a reference to the tab's copy
    assert later.error is None
    assert later.count("vega_lite_chart") == drawn.count("vega_lite_chart")
    assert later.bytes < drawn.bytes


def test_an_invalid_upload_gets_the_row_numbered_problem_and_no_traceback(server_url):
    organizations = b"name,type\nCity Office,local government\nHarbor Hall,city hall\n"
    ties = b"source,target,kind\nCity Office,Harbor Hall,partnered\n"
    before, upload, _ = run_async(_upload(server_url, [("organizations.csv", organizations), ("ties.csv", ties)]))
    assert upload.rerun.error is None  # no exception on the page
    (message,) = upload.rerun.texts("error")
    assert "row 3" in message
    assert "column 'type'" in message
    assert "city hall" in message
    assert upload.rerun.count("vega_lite_chart") == 0
    assert "the page showed an error" in (drawn_rerun(upload, before).error or "")


def test_a_page_without_an_uploader_is_reported_not_raised(server_url):
    async def upload_on_the_map_page() -> lc.Upload:
        async with lc.Session(server_url) as session:
            await session.rerun(lc.Link("map"))
            return await session.upload(example.example_files())

    upload = run_async(upload_on_the_map_page())
    assert upload.rerun.error is not None
    assert "0 file uploaders" in upload.rerun.error


def upload_result(p50_ms: float, ratio: float, later_bytes: int, errors: int = 0) -> dict:
    return {
        "repeats": 3,
        "upload": {"p50_ms": p50_ms, "errors": errors},
        "later": {"p50_ms": 9.0, "ratio": ratio, "later_rerun_bytes": later_bytes, "errors": 0},
    }


def test_upload_targets_are_met_only_within_every_limit():
    assert all(check.ok for check in upload_checks(upload_result(1500.0, 1.1, 12_000)))
    assert [c.ok for c in upload_checks(upload_result(2500.0, 1.1, 12_000))] == [False, True, True]
    assert [c.ok for c in upload_checks(upload_result(1500.0, 1.1, 12_000, errors=1))] == [False, True, True]
    assert [c.ok for c in upload_checks(upload_result(1500.0, 3.0, 25_000))] == [True, False, False]
    (unmeasured,) = upload_checks({"error": "ties.csv is too big"})
    assert unmeasured.ok is None


def rerun_showing(*shown: lc.Shown, error: str | None = None) -> lc.Rerun:
    return lc.Rerun(PAGE, 10.0, 100, 1, error, shown)


def test_an_upload_answer_is_drawn_busy_or_the_error():
    before = rerun_showing()
    drawn = lc.Upload(5.0, rerun_showing(lc.Shown("vega_lite_chart"), lc.Shown("vega_lite_chart")))
    busy = lc.Upload(5.0, rerun_showing(lc.Shown("warning", "o.csv, t.csv: was not read: the server is busy holding …")))
    broken = lc.Upload(5.0, rerun_showing(lc.Shown("error", "ties.csv, row 2: …")))
    assert upload_answer(drawn, before) == "drawn"
    assert upload_answer(busy, before) == "busy"
    assert upload_answer(broken, before).startswith("the page showed an error")
    assert upload_answer(lc.Upload(5.0, rerun_showing(error="timed out")), before) == "timed out"


def memory_result(after: list[float], answers: tuple[int, int, int] = (10, 1, 0)) -> dict:
    drawn, busy, errors = answers
    rounds = [{"after_mb": mb, "peak_mb": 600.0, "drawn": drawn, "busy": busy, "errors": errors} for mb in after]
    return {"start_mb": 200.0, "sessions": 10, "settle_s": 60.0, "rounds": rounds}


def test_memory_targets_are_met_only_when_every_round_gives_its_memory_back_and_the_ceiling_answers():
    within = 200.0 + MAX_KEPT_MB
    assert [c.ok for c in upload_memory_checks(memory_result([within, 230.0, 210.0]))] == [True, True]
    assert [c.ok for c in upload_memory_checks(memory_result([230.0, within + 0.1, 210.0]))] == [False, True]
    assert [c.ok for c in upload_memory_checks(memory_result([210.0], (11, 0, 0)))] == [True, False]  # no ceiling
    assert [c.ok for c in upload_memory_checks(memory_result([210.0], (10, 0, 1)))] == [True, False]

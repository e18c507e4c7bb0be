"""AppTest runs of the Overview and Library pages, the error box, and another program's data."""

from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from conftest import MINIMAL_DIR, ROOT, open_app, script

APP = str(ROOT / "app.py")


def run(params: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, params)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_kpis_from_the_catalog():
    at = run()
    kpis = metrics(at)
    assert kpis["Implementation sites"] == "3"
    assert kpis["Learning sites"] == "4"
    assert kpis["Total granted"] == "$640,000"
    assert list(kpis) == ["Implementation sites", "Learning sites", "Total granted", "Products", "Partners"]
    assert kpis["Products"] == "7"
    assert kpis["Partners"] == "47"
    labels = [p.proto.label for p in at.get("page_link")]
    assert "Browse the products and 38 lessons by theme" in labels
    assert "Read the 35 reports and all 258 sources" in labels
    assert "Civic Tech and Data Collaborative" in at.markdown[0].value + at.markdown[1].value
    footer = " ".join(c.value for c in at.caption).replace("\\", "")  # Markdown escapes
    assert "Data as of 2026-11-27" in footer
    assert "cited sources" in footer


def test_overview_follows_the_role_filter():
    kpis = metrics(run({"role": "learning"}))
    assert kpis["Implementation sites"] == "0"
    assert kpis["Learning sites"] == "4"
    assert kpis["Total granted"] == "$40,000"


def test_overview_site_filter_by_name_and_unknown_notice():
    at = run({"sites": ["St. Louis", "Atlantis"]})
    kpis = metrics(at)
    assert kpis["Implementation sites"] == "1"
    assert kpis["Total granted"] == "$200,000"
    notices = [c.value for c in at.caption if c.value.startswith("Ignored unknown sites")]
    assert notices
    assert "Atlantis" in notices[0]


def test_unknown_values_in_the_link_are_shown_escaped():
    at = run({"sites": ["[click](javascript:alert(1))"]})
    (notice,) = [c.value for c in at.caption if c.value.startswith("Ignored unknown sites")]
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in notice


HOSTILE = [
    {"sites": ["<script>alert(1)</script>"], "themes": ["x" * 10000], "role": "'; DROP TABLE"},
    {"sites": ["", "", "Boston", "Boston"], "themes": [""], "role": ""},
    {"role": ["learning", "implementation"], "site": "../../etc/passwd", "q": "<img src=x onerror=alert(1)>"},
]


@pytest.mark.parametrize("params", HOSTILE)
@pytest.mark.parametrize("page", [None, script("library")])
def test_hostile_urls_render(params, page):
    at = run(params, page)
    if page is None:
        assert len(at.metric) == 5
    else:
        assert at.title[0].value == "Library"
        assert len(at.tabs) == 4


def test_library_lists_resources_sources_dictionary_and_downloads():
    at = run(page=script("library"))
    assert [t.label for t in at.tabs] == ["Resources", "Sources", "Data dictionary", "Download the data"]
    text = " ".join(m.value for m in at.markdown)
    assert "Collaborating for 21st Century Solutions" in text
    assert "Guide to Civic Tech" in text
    assert "not found in sources" in text
    assert ", nan " not in text
    sources_page = run({"tab": "Sources"}, script("library"))
    sources = sources_page.dataframe[0].value
    assert len(sources) >= 200
    assert "url" in sources.columns
    assert sources["archive"].str.startswith("https://web.archive.org/web/").all()
    assert set(sources["last check"]) == {"not checked yet"}
    assert any(c.value.startswith("Links not checked yet: `make check-links`") for c in sources_page.caption)
    dictionary = run({"tab": "Data dictionary"}, script("library")).dataframe[0].value
    assert "allowed values" in dictionary.columns
    assert "sites.csv" in set(dictionary["file"])
    assert not dictionary["file"].str.endswith(".yaml").any()
    downloads = run({"tab": "Download the data"}, script("library"))
    labels = [b.proto.label for b in downloads.get("download_button")]
    assert labels == ["Download all tables (CSV zip)", "Download the dataset (JSON)"]


@pytest.mark.parametrize(("tab", "expander"), [("Sources", None), ("Resources", "data-resources")])
def test_library_tables_wrap_their_cells_and_say_missing_dates_in_words(tab, expander):
    at = run({"library_tab": tab}, script("library"))
    if expander:
        at.session_state[expander] = True
        at.run()
    (grid,) = at.dataframe
    assert grid.proto.row_height > 64  # the data grid wraps a cell's text only in rows taller than 4rem
    columns = json.loads(grid.proto.columns)
    assert columns["url"]["type_config"]["type"] == "link"
    assert columns["url"]["width"] >= 500  # a link cannot wrap: most addresses fit whole
    assert all(columns[name]["width"] >= 130 for name in ("title", "publisher", "date", "note"))
    dates = grid.value["date"]
    assert "None" not in set(dates.astype(str))
    assert (dates == "date not found in sources").sum() >= 10


def test_library_shows_how_to_cite_with_ready_citations(monkeypatch):
    monkeypatch.delenv("CTDC_REPOSITORY_URL", raising=False)
    at = run(page=script("library"))
    (expander,) = [e for e in at.expander if e.label == "How to cite"]
    codes = [c.value for c in expander.code]
    assert codes[0].startswith("CTDC Atlas contributors. (2026). CTDC Atlas:")
    assert codes[1].startswith("@misc{ctdc_atlas_2026,")
    text = " ".join(m.value for m in expander.markdown)
    assert "CITATION" in text
    assert "no repository address configured (`CTDC_REPOSITORY_URL`)" in text
    sources = run({"tab": "Sources"}, script("library")).dataframe[0].value
    assert "correction" not in sources.columns


def test_with_a_repository_the_library_offers_corrections(monkeypatch):
    monkeypatch.setenv("CTDC_REPOSITORY_URL", "https://github.com/example-owner/example-repo")
    sources = run({"tab": "Sources"}, script("library")).dataframe[0].value
    assert sources["correction"].str.startswith("https://github.com/example-owner/example-repo/issues/new?title=").all()
    resources = run(page=script("library"))
    assert "[Suggest a correction](https://github.com/example-owner/example-repo/issues/new?" in " ".join(
        m.value for m in resources.markdown
    )
    (expander,) = [e for e in resources.expander if e.label == "How to cite"]
    assert expander.code[0].value.endswith("[Data set and software]. https://github.com/example-owner/example-repo")


def test_broken_data_shows_an_error_box_not_a_traceback(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, data)
    (data / "sites.yaml").write_text("- id: alpha-city\n  name: [unclosed\n")
    monkeypatch.setenv("CTDC_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "did not pass validation" in message
    assert "sites.yaml:3: malformed YAML" in message.replace("\\", "")
    assert "at line 2" in message


def test_another_program_runs_from_its_own_data(monkeypatch):
    monkeypatch.setenv("CTDC_DATA_DIR", str(MINIMAL_DIR))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "EDP Atlas"
    assert metrics(at)["Total granted"] == "$1,100"

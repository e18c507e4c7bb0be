"""The shell's pieces that work without a page: the catalog cache notices edits, the page context is
handed to the page, and the page registry keeps deep links safe."""

from __future__ import annotations

import time

import pytest

from dashboard import constants
from dashboard.state.filters import Filters
from dashboard.ui import shell


def test_data_edits_are_noticed_after_the_recheck_interval(minimal_copy, monkeypatch):
    monkeypatch.setenv(constants.DATA_DIR_ENV, str(minimal_copy))
    catalog, problems = shell.get_catalog()
    assert catalog is not None
    assert not problems
    assert shell.get_catalog()[0] is catalog  # one shared catalog, not a copy per caller
    (minimal_copy / "sites.yaml").write_text("- id: [unclosed\n")
    assert shell.get_catalog()[0] is catalog  # within the interval the files are not looked at again
    time.sleep(constants.DATA_RECHECK_SECONDS + 0.2)
    broken, problems = shell.get_catalog()
    assert broken is None
    assert any("malformed YAML" in str(p) for p in problems)


def test_page_context_is_only_there_while_a_page_runs(catalog):
    context = shell.PageContext(catalog, Filters(role="learning"), pages={})
    with pytest.raises(RuntimeError, match="inside app.py"):
        shell.page_context()
    with shell.handing(context):
        assert shell.page_context() is context
    with pytest.raises(RuntimeError):
        shell.page_context()


def test_links_carry_only_the_page_parameters_and_name_sites_by_name(catalog):
    context = shell.PageContext(catalog, Filters(sites=("st-louis",), themes=("justice",), role="implementation"), pages={})
    assert context.link_params(library_tab="Sources") == {"library_tab": "Sources"}  # the bound filters travel by themselves
    assert context.site_link("washington-dc") == {"site": "Washington, DC"}
    assert context.describe_filters() == "Filtered to sites: St. Louis; implementation sites only; themes: justice."

"""The shell's pieces that work without a page: the catalog cache notices edits, the page context is
handed to the page, and the page registry keeps deep links safe; and what every run hands the browser:
the share link's query for the address bar, the page for the focus, the focus ring's style."""

from __future__ import annotations

import json
import time

import pytest

from conftest import open_app, script
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


def component_data(at, name: str) -> dict:
    """The data the app's own component ``name`` is given on this run."""
    (component,) = [c for c in at.get("bidi_component") if c.proto.component_name == name]
    return json.loads(component.proto.json)


def test_the_address_bar_is_given_the_share_links_query_after_every_run():
    at = open_app(script("themes"), {"themes_tab": "one THEME", "sites": "boston"})
    shared = at.sidebar.code[0].value
    assert shared == "?themes_tab=One+theme&sites=Boston"  # canonical: the link's spelling is not kept
    assert component_data(at, "ctdc_atlas_address_bar") == {"query": shared[1:], "page": "themes"}
    at.selectbox(key="theme").select("housing").run()
    assert at.sidebar.code[0].value == "?themes_tab=One+theme&theme=housing&sites=Boston"
    assert component_data(at, "ctdc_atlas_address_bar")["query"] == "themes_tab=One+theme&theme=housing&sites=Boston"
    at.switch_page(script("map")).run()  # the Map has no choices of its own: only the filters
    assert component_data(at, "ctdc_atlas_address_bar") == {"query": "sites=Boston", "page": "map"}
    assert component_data(at, "ctdc_atlas_focus_main") == {"page": "map"}


def test_every_page_carries_the_focus_ring_style():
    at = open_app()
    style = "\n".join(str(block.proto) for block in at.get("html"))
    assert ":focus-visible" in style
    assert f"{constants.FOCUS_RING_PX}px solid {constants.FOCUS_RING_COLOR}" in style

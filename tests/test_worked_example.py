"""Your ecosystem's worked example is read, checked and measured once and served to every session (its files
never change), while an upload stays in its own session; the result files are made only when asked for."""

from __future__ import annotations

import pandas as pd

from conftest import open_app, script
from dashboard.data.catalog import Catalog
from dashboard.network import model
from dashboard.network.model import Ecosystem, site_ecosystem
from dashboard.network.views import site_network
from dashboard.views import worked_example

LINK = {"ecosystem_tab": "Map your network", "example": "true"}


def test_every_session_is_shown_the_one_worked_example(catalog):
    first, second = open_app(script("ecosystem"), LINK), open_app(script("ecosystem"), LINK)
    shown = worked_example.example_map(catalog)  # the one map, shared: each session keeps only its key
    assert (shown.origin, shown.key, shown.result.ok) == ("example", "example", True)
    assert shown.network is not None
    assert shown.network.view.fictional
    for session in (first, second):
        assert session.session_state["ecosystem_map"] == "example"
        assert "### Riverbend \\(fictional example\\)" in [m.value for m in session.markdown]


def test_the_example_is_built_once_per_catalog(catalog):
    assert worked_example.example_map(catalog) is worked_example.example_map(catalog)


def test_the_pictures_beside_a_site_are_made_only_when_asked_for(monkeypatch):
    made: list[str] = []

    def counted(catalog: Catalog, site_id: str, *args: str) -> Ecosystem:
        made.append(site_id)
        return site_ecosystem(catalog, site_id, *args)

    monkeypatch.setattr(model, "site_ecosystem", counted)  # the page's own calls (it imports the name each run)
    shown = open_app(script("ecosystem"), {**LINK, "compare": "Boston"})
    assert shown.session_state["ecosystem_compare"] == "boston"
    assert made == []  # the download buttons build their pictures on click, not on every rerun


def test_the_example_beside_a_site_is_made_once_and_as_the_map_makes_it(catalog):
    beside = worked_example.example_beside(catalog, "boston", None)
    assert worked_example.example_beside(catalog, "boston", None) is beside
    made = worked_example.example_map(catalog).beside(catalog, site_network(catalog, "boston"))
    pd.testing.assert_frame_equal(beside.measures, made.measures)
    assert beside.prompts.markdown == made.prompts.markdown
    assert worked_example.example_beside(catalog, "st-louis", None).measures.equals(beside.measures) is False

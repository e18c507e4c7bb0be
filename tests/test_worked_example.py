"""Your ecosystem's worked example is read, checked and measured once and served to every session (its files
never change), while an upload stays in its own session."""

from __future__ import annotations

from conftest import open_app, script
from dashboard.views import worked_example

LINK = {"ecosystem_tab": "Map your network", "example": "true"}


def test_every_session_is_shown_the_one_worked_example():
    first, second = open_app(script("ecosystem"), LINK), open_app(script("ecosystem"), LINK)
    shown = first.session_state["ecosystem_map"]
    assert (shown.origin, shown.key, shown.result.ok) == ("example", "example", True)
    assert shown.network is not None
    assert shown.network.view.fictional
    assert second.session_state["ecosystem_map"] is shown


def test_the_example_is_built_once_per_catalog(catalog):
    assert worked_example.example_map(catalog) is worked_example.example_map(catalog)

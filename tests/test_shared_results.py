"""The pages' builders serve their results without copies (``dashboard.ui.caching.page_cache``): one
object per distinct arguments, and no page changes a result it was handed."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import pickle
import re
from typing import Any

import pytest

from conftest import ROOT, open_app, script
from dashboard.data.catalog import Catalog
from dashboard.state.filters import Filters
from dashboard.views import overview, sites_map

BUILDER = re.compile(r"^@page_cache\([^)]*\)\ndef (\w+)", re.MULTILINE)
# Every page, and every tab of the pages with tabs (only the open tab is built).
LINKS = [
    ("overview", {}),
    ("map", {}),
    ("site", {"site": "st-louis", "compare": "boston"}),
    *[("networks", {"networks_tab": tab, "lens": "true"}) for tab in ("Compare sites", "Every network", "Organizations")],
    *[("themes", {"themes_tab": tab, "q": "data"}) for tab in ("Themes by site", "One theme", "Lessons by section", "Search")],
    *[
        ("metrics", {"metrics_tab": tab, "lens": "true"})
        for tab in ("Key years", "Names", "Census context", "Partners", "Timeline")
    ],
    *[
        ("ecosystem", {"ecosystem_tab": tab, "example": "true", "my_place": "Here", "my_nnip": "2015"})
        for tab in ("Map your network", "Self-check")
    ],
    *[("library", {"library_tab": tab}) for tab in ("Resources", "Sources", "Data dictionary", "Download the data")],
]


def cached_builders() -> list[tuple[str, str]]:
    """(module, function) of every builder cached with ``page_cache``, read from the package's source."""
    found = []
    for path in sorted((ROOT / "src" / "dashboard").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)
        found += [(module, name) for name in BUILDER.findall(path.read_text(encoding="utf-8"))]
    return found


def digest(value: Any) -> str:
    """A fingerprint of everything in ``value`` (its pickle)."""
    return hashlib.sha256(pickle.dumps(value)).hexdigest()


def test_the_builders_are_found():
    names = {name for _, name in cached_builders()}
    assert {"overview_view", "map_view", "site_page", "network_comparison", "census_vintages"} <= names
    assert len(names) >= 20


def test_a_result_is_one_object_for_every_caller(catalog):
    first = sites_map.map_view(catalog, Filters(), height=400)
    assert sites_map.map_view(catalog, Filters(), height=400) is first
    assert sites_map.map_view(catalog, Filters(role="learning"), height=400) is not first
    assert overview.overview_view(catalog, Filters()) is overview.overview_view(catalog, Filters())
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.table = first.table.head(1)  # type: ignore[misc]


def call_key(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """A builder's call by its name and arguments (the catalog by identity: it is loaded once and shared)."""
    return (name, *(id(a) if isinstance(a, Catalog) else a for a in args), *sorted(kwargs.items()))


@pytest.fixture
def served(monkeypatch) -> list[tuple[tuple[Any, ...], Any, str]]:
    """Every result a cached builder hands out while the pages run: (the call, the result, its digest
    when handed out)."""
    handed: list[tuple[tuple[Any, ...], Any, str]] = []
    for module_name, name in cached_builders():
        module = importlib.import_module(module_name)
        builder = getattr(module, name)

        def record(*args: Any, _builder: Any = builder, _name: str = name, **kwargs: Any) -> Any:
            result = _builder(*args, **kwargs)
            handed.append((call_key(_name, args, kwargs), result, digest(result)))
            return result

        monkeypatch.setattr(module, name, functools.wraps(builder)(record))
    return handed


def test_pages_are_served_the_same_objects_and_never_change_them(served):
    for page, params in LINKS:
        open_app(script(page), params)
    first = {call: result for call, result, _ in served}
    builders = {call[0] for call in first}
    assert {
        "overview_view",
        "map_view",
        "site_page",
        "network_comparison",
        "census_view",
        "self_check_view",
        "example_map",
    } <= builders
    handed_before = len(served)
    for page, params in LINKS:
        open_app(script(page), params)
    again = served[handed_before:]
    assert len(again) >= len(LINKS)
    assert [call for call, result, _ in again if first.get(call) is not result] == []
    assert sorted({call[0] for call, result, handed in served if digest(result) != handed}) == []
